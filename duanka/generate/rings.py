"""Planted supply chains: 号商 → 卡头 → 卡农, SIM boxes, mule accounts, victims and reports.

Each ring leaves the traces the domain brief lists — bursts of openings at a
few outlets, cards that move into devices not their holders', SIM boxes
hosting many holders' cards at once, accounts bound to those cards that take
victims' money and pass it on within hours — and only some of it is ever
reported. ``hard`` adds camouflage: a kept personal card, busy ordinary
outlets, rotating box IMEIs, unlisted devices. ``adversarial`` rings also
avoid the strongest single signals on purpose: openings spread over weeks,
SIM boxes that run one holder's cards at a time, a dealer working from many
cheap phones (two farmers' accounts each), mules that hold money for days.
"""

from __future__ import annotations

import numpy as np

from duanka.generate.clock import DAY, HOUR, NOW, RECENT, START
from duanka.generate.population import (
    Population,
    add_sims,
    brief_calls,
    call_back,
    new_people,
    seen,
    transfers,
)
from duanka.generate.world import World

FRAUD_TYPES = np.array(
    [
        "order_brushing",
        "fake_investment",
        "fake_shopping",
        "fake_ecommerce_support",
        "fake_credit",
        "fake_loan",
        "impersonate_official",
        "impersonate_acquaintance",
        "game_trading",
        "romance",
        "other",
    ],
    dtype=object,
)
FRAUD_WEIGHTS = np.array([0.24, 0.18, 0.1, 0.1, 0.08, 0.08, 0.07, 0.06, 0.04, 0.03, 0.02])
BOX_MODELS = np.array(["GoIP-32", "GoIP-16", "SK-64 SIM Bank", "DBL GoIP-8"], dtype=object)


REPORTED_SHARE = 0.65  # the rest are never reported: only their structure gives them away


def build(world: World, pop: Population, n_rings: int) -> None:
    """Plant `n_rings` supply chains (farmers, collectors, dealers, boxes, mules) and their truth."""
    reported = world.rng.permutation(n_rings) < min(n_rings - 1, round(REPORTED_SHARE * n_rings))
    for r in range(n_rings):
        _ring(world, pop, f"R{r + 1:04d}", bool(reported[r]))
    if world.hard:
        _innocent_reports(world, pop)


def _ring(world: World, pop: Population, ring: str, reported: bool) -> None:
    rng, hard = world.rng, world.hard
    n_coll = int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))
    per_coll = rng.integers(3, 11, n_coll)
    n_farm = int(per_coll.sum())
    people = new_people(world, 1 + n_coll + n_farm, birth_year=1978)
    dealer, collectors, farmers = people[0], people[1 : 1 + n_coll], people[1 + n_coll :]
    collector_of = np.repeat(np.arange(n_coll), per_coll)
    t0 = int(rng.integers(RECENT, NOW - 80 * DAY))

    # Dealer and collectors live ordinary-looking lives: one card, one phone.
    bosses = 1 + n_coll
    own = world.alloc.msisdns(bosses)
    add_sims(
        world,
        own,
        people[:bosses],
        rng.integers(START, RECENT, bosses),
        pop.sim_outlets[rng.integers(0, len(pop.sim_outlets), bosses)],
    )
    extra = max(1, -(-n_farm // 2) - 1) if world.adversarial else (1 if hard else 0)  # the dealer's other phones
    phones = world.alloc.imeis(bosses + extra)
    world.add("devices", device_id=phones.astype(str), device_kind="phone", model="iPhone 15")
    seen(world, own, phones[:bosses], rng.integers(START, RECENT, bosses), np.full(bosses, NOW - DAY))
    dealer_phones, collector_phones = np.r_[phones[:1], phones[bosses:]], phones[1:bosses]

    # Outlets: complicit agents (easy) or the busiest ordinary shops (hard).
    if hard:
        sim_out = rng.choice(pop.sim_outlets[:10], 2, replace=False)
        branch_out = rng.choice(pop.branches[:8], 2, replace=False)
    else:
        sim_out = np.array([f"SOR{ring[1:]}{c}" for c in "ab"], dtype=object)
        world.add("outlets", outlet_id=sim_out, outlet_kind="sim_outlet", name=["通讯代理点"] * 2, region_code="350583")
        branch_out = rng.choice(pop.branches[8:] if len(pop.branches) > 10 else pop.branches, 2, replace=False)

    # 卡农: several SIM cards in a burst of days, at the same few outlets.
    mvno_heavy = rng.random() < 0.4
    k = rng.integers(3, 9, n_farm)
    sim_farmer = np.repeat(np.arange(n_farm), k)
    msisdn = world.alloc.msisdns(len(sim_farmer), virtual_share=0.7 if mvno_heavy else 0.05)
    f_start = t0 + rng.integers(0, 20 * DAY, n_farm)
    burst = rng.integers(35, 70, n_farm) * DAY if world.adversarial else rng.integers(1, 5, n_farm) * DAY
    activated = f_start[sim_farmer] + rng.integers(0, burst[sim_farmer])
    if world.adversarial:  # one card every nine days or so: never a burst within a week
        nth = np.arange(len(sim_farmer)) - np.repeat(np.r_[0, np.cumsum(k)[:-1]], k)
        activated = f_start[sim_farmer] + nth * 9 * DAY + rng.integers(0, DAY, len(sim_farmer))
    add_sims(world, msisdn, farmers[sim_farmer], activated, sim_out[rng.integers(0, 2, len(msisdn))])
    first_of = np.r_[0, np.cumsum(k)[:-1]]
    kept = np.zeros(len(msisdn), bool)
    if hard:  # the farmer keeps one card for personal use, in a phone of their own
        kept[first_of] = True
        personal = world.alloc.imeis(n_farm)
        world.add("devices", device_id=personal.astype(str), device_kind="phone", model="Redmi 12")
        seen(world, msisdn[kept], personal, activated[kept] + HOUR, np.full(n_farm, NOW - DAY))
    sold = np.flatnonzero(~kept)

    # 卡头 tries each card in a phone of theirs for an hour or two before passing it on.
    test = activated[sold] + rng.integers(HOUR, 3 * DAY, len(sold))
    world.add(
        "sim_device_links",
        msisdn=msisdn[sold].astype(str),
        device_id=collector_phones[collector_of[sim_farmer[sold]]].astype(str),
        first_seen=test,
        last_seen=test + rng.integers(600, 3 * HOUR, len(sold)),
        days_seen=1,
    )

    # 猫池: the sold cards run together in SIM boxes for weeks.
    capacity = int(rng.integers(16, 65))
    n_boxes = -(-len(sold) // capacity)
    box_of = rng.permutation(np.arange(len(sold)) % n_boxes)
    box_start = t0 + 25 * DAY + rng.integers(0, 7 * DAY, n_boxes)
    box_end = box_start + rng.integers(14, 46, n_boxes) * DAY
    first = box_start[box_of] + rng.integers(0, 2 * DAY, len(sold))
    last = box_end[box_of] - rng.integers(0, 2 * DAY, len(sold))
    if world.adversarial:  # each box runs one farmer's cards at a time: never several holders at once
        _one_holder_at_a_time(sim_farmer[sold], box_of, box_start, box_end, first, last)
    pieces = rng.integers(2, 4, n_boxes) if hard else np.ones(n_boxes, int)  # hard: IMEI rotates
    box_imeis = world.alloc.imeis(int(pieces.sum()))
    box_first_imei = np.r_[0, np.cumsum(pieces)[:-1]]
    listed = rng.random(len(box_imeis)) < (0.5 if hard else 1.0)
    world.add(
        "devices",
        device_id=box_imeis[listed].astype(str),
        device_kind="unknown" if hard else "sim_box",
        model="" if hard else BOX_MODELS[rng.integers(0, len(BOX_MODELS), int(listed.sum()))],
    )
    reps = pieces[box_of]
    row = np.repeat(np.arange(len(sold)), reps)
    part = np.arange(len(row)) - np.repeat(np.cumsum(reps) - reps, reps)
    span = (last - first)[row] // reps[row]
    p_first = first[row] + part * span
    seen(world, msisdn[sold][row], box_imeis[box_first_imei[box_of][row] + part], p_first, p_first + span)

    # 涉诈号码: box cards call many strangers, briefly, off the list of targets the ring bought (料): a
    # number that did not pick up is tried again from another card, so the ring's cards share callees.
    n_calls = rng.integers(15, 80, len(sold))
    caller = np.repeat(np.arange(len(sold)), n_calls)
    c_first = first[caller] + (rng.random(len(caller)) * (last - first)[caller]).astype(np.int64)
    count = rng.integers(1, 4, len(caller))
    targets = pop.first_sim[rng.integers(0, pop.n, max(1, len(caller) * 2 // (3 if world.adversarial else 4)))]
    brief_calls(world, msisdn[sold][caller], targets, c_first, count, (8, 60), 2 * DAY)
    if hard:  # a few curious targets return the missed call
        call_back(world, (0.01, 0.05))
    if world.adversarial:  # 养卡: cards kept looking lived-in, a few contacts who call back, some more targets too
        call_back(world, (0.03, 0.12))
        k = rng.integers(3, 10, len(sold))
        own = np.repeat(msisdn[sold], k)
        friends = pop.first_sim[rng.integers(0, pop.n, len(own))]
        start = np.repeat(first, k)
        for a, b in ((own, friends), (friends, own)):
            world.add(
                "calls",
                caller_msisdn=a.astype(str),
                callee_msisdn=b.astype(str),
                kind="voice",
                count=rng.integers(1, 6, len(own)),
                total_duration_s=rng.integers(60, 900, len(own)),
                first_ts=start,
                last_ts=start + rng.integers(DAY, 20 * DAY, len(own)),
            )

    # 卡农's bank cards, opened in the same burst and bound to a sold card.
    m = rng.integers(2, 6, n_farm)
    acct_farmer = np.repeat(np.arange(n_farm), m)
    accounts, banks = world.alloc.cards(len(acct_farmer))
    opened = f_start[acct_farmer] + rng.integers(0, 2 * burst[acct_farmer])
    bound = msisdn[first_of + (1 if hard else 0)][acct_farmer]
    world.add(
        "bank_accounts",
        account_id=accounts,
        account_kind="debit_card",
        bank=banks,
        holder_person_id=farmers[acct_farmer],
        opened_at=opened,
        branch_id=branch_out[rng.integers(0, 2, len(accounts))],
        bound_msisdn=bound.astype(str),
        status="active",
    )
    setup = opened + rng.integers(HOUR, 2 * DAY, len(accounts))
    world.add(
        "account_device_links",
        account_id=accounts,
        device_id=collector_phones[collector_of[acct_farmer]].astype(str),
        first_seen=setup,
        last_seen=setup + HOUR,
    )
    if world.adversarial:  # two farmers' accounts per phone: no phone works many holders
        controller = dealer_phones[(acct_farmer // 2) % len(dealer_phones)]
    else:
        controller = dealer_phones[rng.integers(0, len(dealer_phones), len(accounts))]
    world.add(
        "account_device_links",
        account_id=accounts,
        device_id=controller.astype(str),
        first_seen=box_start.min() + rng.integers(0, 3 * DAY, len(accounts)),
        last_seen=box_end.max() - rng.integers(0, 3 * DAY, len(accounts)),
    )

    victims = _launder(world, pop, accounts, msisdn[sold], int(box_start.min()), int(box_end.max()))
    if reported:
        _report(world, victims)

    world.mark("person", [dealer], "number_dealer", ring)
    world.mark("person", collectors, "card_collector", ring)
    world.mark("person", farmers, "card_farmer", ring)
    world.mark("sim", msisdn[sold].astype(str), "fraud_sim", ring)
    world.mark("account", accounts, "mule_account", ring)
    world.mark("device", box_imeis.astype(str), "device_farm", ring)
    # The handsets the dealer and collectors work from carry their operator's role (leads contract).
    world.mark("device", dealer_phones.astype(str), "number_dealer", ring)
    world.mark("device", collector_phones.astype(str), "card_collector", ring)


def _one_holder_at_a_time(
    farmer: np.ndarray, box_of: np.ndarray, start: np.ndarray, end: np.ndarray, first: np.ndarray, last: np.ndarray
) -> None:
    """Split each box's weeks into one slot per farmer; a farmer's cards run only in their slot."""
    for b in np.unique(box_of):
        here = np.flatnonzero(box_of == b)
        farmers = np.unique(farmer[here])
        slot = (end[b] - start[b]) // len(farmers)
        place = np.searchsorted(farmers, farmer[here])
        first[here] = start[b] + place * slot
        last[here] = first[here] + slot - HOUR


def _launder(
    world: World, pop: Population, accounts: np.ndarray, fraud_sims: np.ndarray, start: int, end: int
) -> dict[str, np.ndarray]:
    """跑分: victims pay first-level cards, which pass the money on within hours."""
    rng = world.rng
    first_level = rng.random(len(accounts)) < 0.5
    first_level[0] = True
    l1, l2 = accounts[first_level], accounts[~first_level] if (~first_level).any() else accounts[first_level]
    v = rng.integers(3, 16, len(l1))
    into = np.repeat(l1, v)
    payers = np.flatnonzero(pop.acct_kind != "credit_card")
    victim_acct = payers[rng.integers(0, len(payers), len(into))]
    amount = np.clip(rng.lognormal(np.log(8000), 0.8, len(into)), 500, 100_000).round(2)
    paid = rng.integers(start, end, len(into))
    transfers(world, pop.acct_id[victim_acct], into, amount, paid)
    hold = (26 * HOUR, 4 * DAY) if world.adversarial else (20 * 60, 6 * HOUR)  # adversarial: held for days
    hop1 = paid + rng.integers(*hold, len(into))
    to_l2 = l2[rng.integers(0, len(l2), len(into))]
    transfers(world, into, to_l2, (amount * 0.97).round(2), hop1)
    sinks = world.alloc.cards(2)[0]  # cards of another bank, not in this extract
    transfers(
        world,
        to_l2,
        sinks[rng.integers(0, 2, len(into))],
        (amount * 0.94).round(2),
        hop1 + rng.integers(*hold, len(into)),
    )
    # Each victim was first called by one of the ring's cards.
    caller = fraud_sims[rng.integers(0, len(fraud_sims), len(into))]
    victim_phone = pop.first_sim[pop.acct_holder[victim_acct] - 0]
    called = paid - rng.integers(HOUR, 3 * DAY, len(into))
    n = rng.integers(2, 7, len(into))
    world.add(
        "calls",
        caller_msisdn=caller.astype(str),
        callee_msisdn=victim_phone.astype(str),
        kind="voice",
        count=n,
        total_duration_s=n * rng.integers(300, 1800, len(into)),
        first_ts=called,
        last_ts=paid - rng.integers(60, HOUR, len(into)),
    )
    return {"account": into, "sim": caller, "amount": amount, "paid": paid}


def _report(world: World, victims: dict[str, np.ndarray]) -> None:
    """Some victims report: the number that called them, the account they paid, or both."""
    rng = world.rng
    pick = np.flatnonzero(rng.random(len(victims["account"])) < rng.uniform(0.25, 0.5))
    if not len(pick):
        pick = np.array([0])
    has_sim = rng.random(len(pick)) < 0.7
    has_acct = (rng.random(len(pick)) < 0.8) | ~has_sim
    world.add(
        "reports",
        report_id=world.serials("RPT", len(pick), width=8),
        reported_at=victims["paid"][pick] + rng.integers(DAY, 10 * DAY, len(pick)),
        fraud_type=FRAUD_TYPES[rng.choice(len(FRAUD_TYPES), len(pick), p=FRAUD_WEIGHTS)],
        msisdn=np.where(has_sim, victims["sim"][pick].astype(str), ""),
        account_id=np.where(has_acct, victims["account"][pick], ""),
        amount_lost=victims["amount"][pick],
        region_code="",
    )


def _innocent_reports(world: World, pop: Population) -> None:
    """Victims are sometimes wrong: a few reports name innocent numbers and accounts."""
    rng = world.rng
    n = max(2, pop.n // 5_000)
    sims = pop.first_sim[rng.integers(0, pop.n, n)]
    world.add(
        "reports",
        report_id=world.serials("RPT", n, width=8),
        reported_at=NOW - rng.integers(DAY, 90 * DAY, n),
        fraud_type="other",
        msisdn=sims.astype(str),
        account_id="",
        amount_lost=rng.integers(100, 5000, n).astype(float),
        region_code="",
    )
    world.negative("sim", sims.astype(str), "wrongly_reported")
