"""The benign population: people, their cards, handsets, accounts, money and calls."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from duanka.generate.alloc import REGIONS, carrier_columns
from duanka.generate.clock import DAY, HOUR, NOW, START, iso_date, ts
from duanka.generate.world import World, person_ids, zipf_weights

PHONE_MODELS = ("HUAWEI Mate 60", "Xiaomi 14", "iPhone 15", "OPPO Reno11", "vivo X100", "Honor 90", "Redmi K70")
SALARY_DAYS = (ts("2026-07-10T10:00:00"), ts("2026-08-10T10:00:00"), ts("2026-09-10T10:00:00"))


@dataclass
class Population:
    """Facts later builders need: who holds what, which outlets are busy."""

    n: int
    birth_year: np.ndarray
    household: np.ndarray
    sim_msisdn: np.ndarray  # int64, one per benign SIM
    sim_holder: np.ndarray
    first_sim: np.ndarray  # per person: msisdn of the first card
    phone: np.ndarray  # per person: IMEI of the main handset
    acct_id: np.ndarray
    acct_holder: np.ndarray
    acct_kind: np.ndarray
    sim_outlets: np.ndarray
    branches: np.ndarray
    merchant_accounts: np.ndarray


def _outlets(world: World, n: int, kind: str, prefix: str, label: str) -> np.ndarray:
    ids = pd.Series(np.arange(n)).astype(str).str.zfill(5).radd(prefix).to_numpy(dtype=object)
    regions = np.array(REGIONS, dtype=object)[world.rng.integers(0, len(REGIONS), n)]
    world.add(
        "outlets", outlet_id=ids, outlet_kind=kind, name=[f"{label}{i:05d}" for i in range(n)], region_code=regions
    )
    return ids


def _fmt_msisdn(msisdn: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Numbers as operators' systems print them: mostly bare, some with +86 and dashes."""
    s = pd.Series(msisdn.astype(str))
    style = rng.random(len(s))
    dashed = "+86 " + s.str[:3] + "-" + s.str[3:7] + "-" + s.str[7:]
    out = np.where(style < 0.05, dashed, np.where(style < 0.08, "86" + s, s))
    return out.astype(object)


def build(world: World, n: int) -> Population:
    """The ordinary population: holders, their cards, phones, accounts, calls and payments."""
    rng = world.rng
    idx = world.new_persons(n)
    pid = person_ids(idx)
    birth_year = np.clip(rng.normal(1984, 14, n).astype(int), 1946, 2008)
    birth = pd.to_datetime(
        pd.DataFrame({"year": birth_year, "month": rng.integers(1, 13, n), "day": rng.integers(1, 29, n)})
    )
    birth_s = birth.to_numpy(dtype="datetime64[s]").astype(np.int64)
    regions = np.array(REGIONS, dtype=object)[rng.integers(0, len(REGIONS), n)]
    world.add(
        "persons",
        person_id=pid,
        id_number=world.alloc.id_numbers(regions, birth.dt.strftime("%Y%m%d").to_numpy()),
        name=world.alloc.names(n),
        birth_date=iso_date(birth_s),
        region_code=regions,
    )
    household = np.repeat(np.arange(n), rng.integers(1, 6, n))[:n]

    n_sim_outlets, n_branches = max(20, n // 150), max(15, n // 250)
    sim_outlets = _outlets(world, n_sim_outlets, "sim_outlet", "SO", "营业厅")
    branches = _outlets(world, n_branches, "bank_branch", "BR", "支行")

    # SIM cards: one or two for most, students favour virtual operators.
    per = rng.choice([1, 2, 3, 4], n, p=[0.6, 0.28, 0.08, 0.04])
    holder = np.repeat(idx, per)
    student = birth_year[holder] >= 2002
    msisdn = world.alloc.msisdns(len(holder), virtual_share=0.025)
    mvno_students = student & (rng.random(len(holder)) < 0.35)
    msisdn[mvno_students] = world.alloc.msisdns(int(mvno_students.sum()), virtual_share=1.0)
    activated = rng.integers(np.maximum(START, birth_s[holder] + 16 * 365 * DAY), NOW - 30 * DAY)
    status = rng.choice(np.array(["active", "suspended", "cancelled"], dtype=object), len(holder), p=[0.92, 0.03, 0.05])
    _add_sims(
        world,
        msisdn,
        pid[holder],
        activated,
        sim_outlets[rng.choice(n_sim_outlets, len(holder), p=zipf_weights(n_sim_outlets))],
        status,
    )
    world.negative("person", np.unique(pid[holder[mvno_students]]), "student_mvno")
    first = np.r_[0, np.cumsum(per)[:-1]]
    first_sim = msisdn[first]

    # Handsets: every card lives in its holder's phone; some people changed phones once.
    phone = world.alloc.imeis(n)
    second = rng.random(n) < 0.3
    phone2 = np.zeros(n, dtype=np.int64)
    phone2[second] = world.alloc.imeis(int(second.sum()))
    models = np.array(PHONE_MODELS, dtype=object)
    kinds = np.where(rng.random(n) < 0.9, "phone", "")
    listed = rng.random(n) < 0.9  # the rest are named only in link files
    world.add(
        "devices",
        device_id=phone[listed].astype(str),
        device_kind=kinds[listed],
        model=models[rng.integers(0, len(models), int(listed.sum()))],
    )
    world.add(
        "devices",
        device_id=phone2[second].astype(str),
        device_kind="phone",
        model=models[rng.integers(0, len(models), int(second.sum()))],
    )
    ended = np.where(status == "cancelled", rng.integers(activated, NOW), NOW - rng.integers(0, 20 * DAY, len(holder)))
    switch = rng.integers(activated, np.maximum(ended, activated + 1))
    has2 = second[holder - idx[0]]
    end1 = np.where(has2, switch, ended)
    _seen(world, msisdn, phone[holder - idx[0]], activated + rng.integers(0, 3 * DAY, len(holder)), end1)
    _seen(world, msisdn[has2], phone2[holder[has2] - idx[0]], switch[has2], ended[has2])

    # Bank cards and wallets, bound to the holder's own number, used from the holder's phone.
    # Chinese adults hold several bank cards each (about 7 per head nationally): many cards alone prove nothing.
    per_a = rng.choice(np.arange(1, 9), n, p=[0.15, 0.2, 0.2, 0.15, 0.1, 0.08, 0.07, 0.05])
    a_holder = np.repeat(idx, per_a)
    a_kind = rng.choice(
        np.array(["debit_card", "credit_card", "wallet"], dtype=object), len(a_holder), p=[0.65, 0.15, 0.2]
    )
    a_id = np.empty(len(a_holder), dtype=object)
    bank = np.empty(len(a_holder), dtype=object)
    cards = a_kind != "wallet"
    a_id[cards], bank[cards] = world.alloc.cards(int(cards.sum()))
    a_id[~cards] = world.serials("WX", int((~cards).sum()), width=14)
    bank[~cards] = rng.choice(np.array(["财付通", "支付宝"], dtype=object), int((~cards).sum()))
    opened = rng.integers(np.maximum(START, birth_s[a_holder] + 16 * 365 * DAY), NOW - 20 * DAY)
    branch = np.where(cards, branches[rng.choice(n_branches, len(a_holder), p=zipf_weights(n_branches))], "")
    world.add(
        "bank_accounts",
        account_id=a_id,
        account_kind=a_kind,
        bank=bank,
        holder_person_id=pid[a_holder],
        opened_at=opened,
        branch_id=branch,
        bound_msisdn=first_sim[a_holder - idx[0]].astype(str),
        status=rng.choice(np.array(["active", "frozen", "closed"], dtype=object), len(a_holder), p=[0.95, 0.01, 0.04]),
    )
    online = (a_kind == "wallet") | (rng.random(len(a_holder)) < 0.6)
    first_login = opened[online] + rng.integers(0, 5 * DAY, int(online.sum()))
    world.add(
        "account_device_links",
        account_id=a_id[online],
        device_id=phone[a_holder[online] - idx[0]].astype(str),
        first_seen=first_login,
        last_seen=np.maximum(first_login, NOW - rng.integers(0, 30 * DAY, int(online.sum()))),
    )

    merchants = _money(world, idx, a_id, a_holder, a_kind, household)
    _calls(world, idx, msisdn, holder, first_sim, household)
    world.negative("account", merchants, "shop_owner")
    return Population(
        n=n,
        birth_year=birth_year,
        household=household,
        sim_msisdn=msisdn,
        sim_holder=holder,
        first_sim=first_sim,
        phone=phone,
        acct_id=a_id,
        acct_holder=a_holder,
        acct_kind=a_kind,
        sim_outlets=sim_outlets,
        branches=branches,
        merchant_accounts=merchants,
    )


def new_people(world: World, n: int, birth_year: int = 1975) -> np.ndarray:
    """Persons outside the benign population (fleet contacts, ring members)."""
    rng = world.rng
    idx = world.new_persons(n)
    regions = np.array(REGIONS, dtype=object)[rng.integers(0, len(REGIONS), n)]
    births = np.array(
        [
            f"{birth_year + int(rng.integers(0, 20))}0{int(rng.integers(1, 10))}1{int(rng.integers(0, 9))}"
            for _ in range(n)
        ]
    )
    world.add(
        "persons",
        person_id=person_ids(idx),
        id_number=world.alloc.id_numbers(regions, births),
        name=world.alloc.names(n),
        birth_date=[f"{b[:4]}-{b[4:6]}-{b[6:]}" for b in births],
        region_code=regions,
    )
    return person_ids(idx)


def _add_sims(
    world: World,
    msisdn: np.ndarray,
    holder_ids: np.ndarray,
    activated: np.ndarray,
    outlet: np.ndarray,
    status: np.ndarray | str = "active",
    plain: bool = False,
) -> None:
    """SIM rows as an operator exports them: carrier and MVNO flag sometimes left empty."""
    rng = world.rng
    carrier, virtual = carrier_columns(msisdn, rng)
    carrier = np.where(rng.random(len(msisdn)) < 0.9, carrier, "")
    virtual_text = np.where(rng.random(len(msisdn)) < 0.8, np.where(virtual, "true", "false"), "")
    seg = msisdn // 10**8
    mnc = np.where(
        np.isin(seg, [130, 131, 132, 145, 155, 156, 166, 175, 176, 185, 186]),
        "01",
        np.where(np.isin(seg, [133, 149, 153, 173, 177, 180, 181, 189, 191, 199]), "11", "00"),
    )
    imsi = pd.Series(mnc).radd("460").to_numpy(dtype=object) + pd.Series(rng.integers(0, 10**10, len(msisdn))).astype(
        str
    ).str.zfill(10).to_numpy(dtype=object)
    iccid = (
        pd.Series(rng.integers(0, 10**14, len(msisdn))).astype(str).str.zfill(14).radd("898600").to_numpy(dtype=object)
    )
    world.add(
        "sims",
        msisdn=msisdn.astype(str) if plain else _fmt_msisdn(msisdn, rng),
        holder_person_id=holder_ids,
        carrier=carrier,
        is_virtual=virtual_text,
        iccid=iccid,
        imsi=imsi,
        activated_at=activated,
        outlet_id=outlet,
        status=status,
    )


def add_sims(
    world: World, msisdn: np.ndarray, holder_ids: np.ndarray, activated: np.ndarray, outlet: np.ndarray
) -> None:
    """SIMs of planted or special populations, written bare so truth ids match the files."""
    _add_sims(world, msisdn, holder_ids, activated, outlet, plain=True)


def _seen(world: World, msisdn: np.ndarray, device: np.ndarray, first: np.ndarray, last: np.ndarray) -> None:
    last = np.maximum(last, first)
    days = np.maximum(1, ((last - first) // DAY * 0.9).astype(np.int64))
    world.add(
        "sim_device_links",
        msisdn=msisdn.astype(str),
        device_id=device.astype(str),
        first_seen=first,
        last_seen=last,
        days_seen=days,
    )


seen = _seen


def brief_calls(
    world: World,
    caller: np.ndarray,
    pool: np.ndarray,
    first: np.ndarray,
    count: np.ndarray,
    seconds: tuple[int, int],
    within: int,
) -> None:
    """Queue short voice calls from `caller` to numbers drawn from `pool`: `count` per pair, `seconds` each,
    the last within `within` of the first (cold callers, call centres and box cards alike)."""
    rng = world.rng
    world.add(
        "calls",
        caller_msisdn=caller.astype(str),
        callee_msisdn=pool[rng.integers(0, len(pool), len(caller))].astype(str),
        kind="voice",
        count=count,
        total_duration_s=count * rng.integers(*seconds, len(caller)),
        first_ts=first,
        last_ts=first + rng.integers(0, within, len(caller)),
    )


def call_back(world: World, share: tuple[float, float]) -> None:
    """Some callees of the calls queued last call their callers back (a share drawn from `share`): customers
    returning a missed call, recipients asking after a parcel, a curious victim."""
    rng = world.rng
    calls = world.parts["calls"][-1]
    back = rng.random(len(calls)) < rng.uniform(*share)
    n = int(back.sum())
    first = calls["last_ts"].to_numpy()[back] + rng.integers(600, 2 * DAY, n)
    world.add(
        "calls",
        caller_msisdn=calls["callee_msisdn"].to_numpy()[back],
        callee_msisdn=calls["caller_msisdn"].to_numpy()[back],
        kind="voice",
        count=1,
        total_duration_s=rng.integers(20, 200, n),
        first_ts=first,
        last_ts=first,
    )


def transfers(world: World, src: np.ndarray, dst: np.ndarray, amount: np.ndarray, when: np.ndarray) -> None:
    """Queue transfers, each with a fresh id."""
    ids = world.serials("T", len(src))
    world.add("transfers", transfer_id=ids, from_account=src, to_account=dst, amount=np.round(amount, 2), ts=when)


def _money(
    world: World, idx: np.ndarray, a_id: np.ndarray, a_holder: np.ndarray, a_kind: np.ndarray, household: np.ndarray
) -> np.ndarray:
    """Salaries, shopping and family transfers; returns the merchants' accounts."""
    rng = world.rng
    n = len(idx)
    debit = np.flatnonzero(a_kind == "debit_card")
    first_debit = pd.Series(debit).groupby(a_holder[debit]).first()
    payer_acct = np.flatnonzero(a_kind != "credit_card")

    employers = max(5, n // 80)
    corp = pd.Series(rng.integers(10**14, 10**15, employers)).astype(str).to_numpy(dtype=object)
    bosses = rng.choice(idx, employers, replace=False)
    world.add(
        "bank_accounts",
        account_id=corp,
        account_kind="corporate",
        bank="中国工商银行",
        holder_person_id=person_ids(bosses),
        opened_at=START,
        branch_id="",
        bound_msisdn="",
        status="active",
    )
    earners = first_debit.sample(frac=0.65, random_state=int(rng.integers(0, 2**31))).to_numpy()
    pay = rng.lognormal(np.log(8000), 0.45, len(earners)).round(-1)
    employer = rng.integers(0, employers, len(earners))
    for day in (d + rng.integers(0, 2 * HOUR, len(earners)) for d in np.array(SALARY_DAYS)):
        transfers(world, corp[employer], a_id[earners], pay, day)

    n_merchants = max(10, n // 500)
    merchants = a_id[rng.choice(debit, n_merchants, replace=False)]
    k = rng.poisson(2.0, len(payer_acct))
    payer = np.repeat(payer_acct, k)
    shop = merchants[rng.choice(n_merchants, len(payer), p=zipf_weights(n_merchants, 1.1))]
    keep = a_id[payer] != shop
    transfers(
        world,
        a_id[payer][keep],
        shop[keep],
        rng.lognormal(np.log(60), 0.9, int(keep.sum())).round(2) + 1,
        NOW - rng.integers(1, 180 * DAY, int(keep.sum())),
    )
    # Shops keep their takings: a few larger transfers to a supplier once a month.
    supplier = corp[rng.integers(0, employers, n_merchants)]
    for month in range(3):
        transfers(
            world,
            merchants,
            supplier,
            rng.lognormal(np.log(20000), 0.5, n_merchants).round(2),
            ts("2026-07-28T15:00:00") + month * 30 * DAY + rng.integers(0, DAY, n_merchants),
        )

    # Family members send each other money now and then.
    fam_debit = first_debit.index.to_numpy()
    hh = household[fam_debit - idx[0]]
    order = np.argsort(hh, kind="stable")
    a, b = fam_debit[order][:-1], fam_debit[order][1:]
    same = hh[order][:-1] == hh[order][1:]
    pick = same & (rng.random(len(a)) < 0.4)
    transfers(
        world,
        a_id[first_debit[a[pick]].to_numpy()],
        a_id[first_debit[b[pick]].to_numpy()],
        rng.lognormal(np.log(1000), 0.8, int(pick.sum())).round(-1) + 10,
        NOW - rng.integers(1, 120 * DAY, int(pick.sum())),
    )
    return merchants


def _calls(
    world: World, idx: np.ndarray, msisdn: np.ndarray, holder: np.ndarray, first_sim: np.ndarray, household: np.ndarray
) -> None:
    """Each person calls a handful of family, friends and numbers of other operators."""
    rng = world.rng
    n = len(idx)
    k = rng.poisson(4, n) + 1
    caller = np.repeat(np.arange(n), k)
    pick = rng.random(len(caller))
    callee = first_sim[rng.integers(0, n, len(caller))]
    fam = pick < 0.4
    neighbour = np.clip(caller[fam] + rng.choice([-2, -1, 1, 2], int(fam.sum())), 0, n - 1)
    callee[fam] = first_sim[neighbour]
    external = pick > 0.85
    callee[external] = world.alloc.msisdns(int(external.sum()))
    keep = callee != first_sim[caller]
    caller, callee = first_sim[caller[keep]], callee[keep]
    m = len(caller)
    count = rng.integers(1, 60, m)
    sms = rng.random(m) < 0.15
    first = NOW - rng.integers(30 * DAY, 90 * DAY, m)
    world.add(
        "calls",
        caller_msisdn=caller.astype(str),
        callee_msisdn=callee.astype(str),
        kind=np.where(sms, "sms", "voice"),
        count=count,
        total_duration_s=np.where(sms, -1, count * rng.integers(30, 400, m)),
        first_ts=first,
        last_ts=first + rng.integers(DAY, 29 * DAY, m),
    )
