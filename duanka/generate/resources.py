"""SMS ports, middle numbers and the enterprises behind them: planted for rings, and their look-alikes.

Each planted ring registers young shell companies fronted by its own card farmers (法人代持), leases
SMS ports for them through a reseller and texts strangers from a port's first day; it rents middle
numbers, binds them minutes at a time to its own cards and calls strangers through them. Victims
report the port codes and middle numbers they saw. An adversarial ring ages its shells (registered
three to fifteen months before their first lease), fronts one company per farmer, leases its ports
through several resellers of its own and licensed providers that also serve honest customers, texts
fewer strangers per port in smaller bursts days apart (a third of its ports following each text up
within days, so they text each recipient as often as a shop does), and keeps each binding for hours or
days.

Hard worlds add the look-alikes (shared/docs/domain.md), each with the property that makes it a twin:
old banks, couriers and schools texting their own customers for years; young shops and start-ups,
registered weeks before their port, texting their own customers again and again, some whose owner
has one other small business (so a legal person behind two enterprises, sometimes both young); old
apps' verification-code and marketing senders texting many strangers once or twice each, steadily,
some through a code opened weeks ago; a ride-hailing platform binding drivers to hundreds of
customers over months; and a delivery platform whose pooled middle numbers are bound minutes at a
time and call the customers themselves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from duanka.generate.clock import DAY, HOUR, NOW, RECENT, START
from duanka.generate.population import Population
from duanka.generate.world import World
from duanka.identifiers import CREDIT_ALPHABET, credit_check_char

MINUTE = 60
NOTICE_SENDERS = ("bank_notice", "courier_notice", "school_notice")
SHOPS_PER_10K = 8  # honest young enterprises leasing a port, per 10,000 persons in hard worlds
BULK_PER_10K = 3  # honest verification-code / marketing senders, per 10,000 persons
SHOP_KINDS = ("个体工商户", "贸易商行", "网络科技有限公司", "餐饮店", "美容工作室")


def build(world: World, pop: Population) -> None:
    """Resources for every planted ring (read from the truth so far), then the look-alikes of hard worlds."""
    providers = _enterprises(world, pop, 3, NOW - 12 * 365 * DAY, NOW - 6 * 365 * DAY, "Messaging Services")
    truth = pd.concat(world.truth, ignore_index=True) if world.truth else pd.DataFrame()
    for ring, members in truth.groupby("ring_id") if len(truth) else ():
        farmers = members.loc[(members.entity_type == "person") & (members.role == "card_farmer"), "entity_id"]
        cards = members.loc[(members.entity_type == "sim") & (members.role == "fraud_sim"), "entity_id"]
        if len(farmers) and len(cards):
            _ring(world, pop, str(ring), farmers.to_numpy(), cards.to_numpy(), providers)
    if world.hard:
        _notice_senders(world, pop, providers)
        _platform(world, pop)
        _young_shops(world, pop, providers)
        _bulk_senders(world, pop, providers)
        _delivery(world, pop)


def _credit_codes(world: World, n: int) -> list[str]:
    """Valid unified social credit codes (GB 32100): enterprise (91), Shenzhen region, random body."""
    bodies = world.rng.integers(0, len(CREDIT_ALPHABET), (n, 9))
    out = []
    for row in bodies:
        body = "91440300" + "".join(CREDIT_ALPHABET[i] for i in row)
        out.append(body + credit_check_char(body))
    return out


def _enterprises(
    world: World, pop: Population, n: int, earliest: int, latest: int, kind: str, legal: np.ndarray | None = None
) -> np.ndarray:
    """`n` enterprises registered between `earliest` and `latest`, fronted by `legal` (or ordinary people)."""
    ids = world.serials("ENT", n, width=6)
    if legal is None:
        legal = np.array([f"P{int(i):08d}" for i in world.rng.integers(0, pop.n, n)], dtype=object)
    world.add(
        "enterprises",
        enterprise_id=ids,
        credit_code=_credit_codes(world, n),
        name=[f"{kind} {i[-4:]}" for i in ids],
        legal_person_id=legal,
        registered_at=world.rng.integers(earliest, max(earliest + 1, latest), n),
        region_code="440300",
    )
    return ids


def _ports(world: World, n: int) -> np.ndarray:
    return world.serials("10690", n, width=8)


def _texts(world: World, port: str, recipients: np.ndarray, first: int, span: int, count: tuple[int, int]) -> None:
    rng = world.rng
    world.add(
        "calls",
        caller_msisdn=port,
        callee_msisdn=recipients.astype(str),
        kind="sms",
        count=rng.integers(*count, len(recipients)),
        total_duration_s=-1,
        first_ts=first + rng.integers(0, max(1, span // 4), len(recipients)),
        last_ts=first + rng.integers(span // 4, max(span // 4 + 1, span), len(recipients)),
    )


def _ring(
    world: World, pop: Population, ring: str, farmers: np.ndarray, cards: np.ndarray, providers: np.ndarray
) -> None:
    rng, adversarial = world.rng, world.adversarial
    # the ring leases and binds once the cards its middle numbers are bound to are active, never before
    sims = pd.concat(world.parts["sims"], ignore_index=True)
    active = sims.loc[sims["msisdn"].isin(cards[:3]), "activated_at"].astype("int64")
    ready = int(active.max()) if len(active) else RECENT
    t0 = min(ready + int(rng.integers(0, 7 * DAY)), NOW - 60 * DAY)
    order = farmers[rng.permutation(len(farmers))]
    if adversarial:  # one aged company per farmer, resellers fronted by other farmers, licensed providers too
        fronts = order[: min(len(order), 5)]
        shells = _enterprises(world, pop, len(fronts), t0 - 450 * DAY, t0 - 90 * DAY, "Trading", fronts)
        n_resellers = int(rng.integers(2, 4))
        behind = order[len(fronts) :] if len(order) > len(fronts) else fronts
        reseller_legal = behind[rng.integers(0, len(behind), n_resellers)]
        shell_resellers = _enterprises(
            world, pop, n_resellers, t0 - 300 * DAY, t0 - 60 * DAY, "Marketing", reseller_legal
        )
        per_shell = rng.integers(1, 3, len(shells))
        leased = np.repeat(shells, per_shell)
        pool = np.concatenate([shell_resellers, providers])
        agents = pool[rng.integers(0, len(pool), len(leased))]
        agents[: min(n_resellers, len(agents))] = shell_resellers[: len(agents)]  # every reseller of its own resells
    else:
        fronts = order[: min(len(order), 3)]
        shells = _enterprises(world, pop, 2 * len(fronts), t0 - 30 * DAY, t0, "Trading", np.repeat(fronts, 2))
        shell_resellers = _enterprises(world, pop, 1, t0 - 40 * DAY, t0 - 20 * DAY, "Marketing", fronts[:1])
        leased = shells
        agents = np.repeat(shell_resellers, len(shells))
    ports = _ports(world, len(leased))
    opened = t0 + rng.integers(0, 10 * DAY, len(ports))
    world.add("sms_ports", port_code=ports, enterprise_id=leased, agent_id=agents, opened_at=opened, status="active")
    recipients_all = pop.first_sim
    for port, when in zip(ports, opened, strict=True):
        texts_each = (1, 3)
        if adversarial:  # smaller bursts, days apart; a third follow each text up, as a shop's notices repeat
            n_to = int(rng.integers(40, 120))
            bursts = int(rng.integers(2, 4))
            texts_each = (3, 6) if rng.random() < 1 / 3 else (1, 3)
        else:
            n_to, bursts = int(rng.integers(150, 400)), 1
        recipients = recipients_all[rng.choice(len(recipients_all), n_to, replace=False)]
        first = int(when) + int(rng.integers(0, DAY if not adversarial else 5 * DAY))
        for i, part in enumerate(np.array_split(recipients, bursts)):
            _texts(world, str(port), part, first + i * int(rng.integers(4, 10)) * DAY, 2 * DAY, texts_each)
        reporting = recipients[rng.random(len(recipients)) < rng.uniform(0.01, 0.03)][:6]
        _reports(world, reporting.size, str(port), first + DAY + rng.integers(0, 7 * DAY, reporting.size))

    n_middle = int(rng.integers(3, 7))
    service = rng.random(n_middle) < 0.4
    middles = np.where(service, world.serials("95", n_middle, width=6), world.alloc.msisdns(n_middle).astype(str))
    holders = shells[rng.integers(0, len(shells), n_middle)]
    bound_cards = cards[rng.integers(0, min(len(cards), 3), n_middle)]  # a few cards, many middle numbers
    bound = t0 + 12 * DAY + rng.integers(0, DAY if not adversarial else 10 * DAY, n_middle)
    life = (
        rng.integers(5 * MINUTE, 40 * MINUTE, n_middle)
        if not adversarial
        else rng.integers(6 * HOUR, 5 * DAY, n_middle)
    )
    world.add(
        "number_bindings",
        middle_number=middles,
        real_msisdn=bound_cards,
        other_msisdn="",
        enterprise_id=holders,
        bound_at=bound,
        unbound_at=bound + life,
    )
    for middle, when, lasts in zip(middles, bound, life, strict=True):
        victims = recipients_all[rng.integers(0, len(recipients_all), int(rng.integers(15, 40)))]
        world.add(
            "calls",
            caller_msisdn=str(middle),
            callee_msisdn=victims.astype(str),
            kind="voice",
            count=1,
            total_duration_s=rng.integers(15, 90, len(victims)),
            first_ts=int(when) + rng.integers(0, max(MINUTE, int(lasts) // 2), len(victims)),
            last_ts=int(when) + int(lasts) - MINUTE,
        )
        n_reports = int(rng.integers(0, 3))
        _reports(world, n_reports, str(middle), int(when) + DAY + rng.integers(0, 5 * DAY, n_reports))

    world.mark("enterprise", np.concatenate([shells, shell_resellers]), "shell_enterprise", ring)
    world.mark("port", ports, "fraud_port", ring)
    world.mark("middle_number", middles, "fraud_middle_number", ring)


def _reports(world: World, n: int, number: str, when: np.ndarray) -> None:
    if n <= 0:
        return
    world.add(
        "reports",
        report_id=world.serials("RPS", n, width=8),
        reported_at=when,
        fraud_type=np.array(["impersonate_official", "fake_credit", "order_brushing"], dtype=object)[
            world.rng.integers(0, 3, n)
        ],
        msisdn=number,
        account_id="",
        amount_lost=world.rng.integers(500, 20_000, n).astype(float),
        region_code="",
    )


def _notice_senders(world: World, pop: Population, providers: np.ndarray) -> None:
    """Banks, couriers and schools: old enterprises texting their own customers, again and again, for years."""
    rng = world.rng
    per_kind = max(2, pop.n // 5_000)
    for typology in NOTICE_SENDERS:
        senders = _enterprises(world, pop, per_kind, START, NOW - 5 * 365 * DAY, typology.split("_")[0].title())
        ports = _ports(world, per_kind)
        world.add(
            "sms_ports",
            port_code=ports,
            enterprise_id=senders,
            agent_id=providers[rng.integers(0, len(providers), per_kind)],
            opened_at=NOW - rng.integers(3 * 365 * DAY, 8 * 365 * DAY, per_kind),
            status="active",
        )
        for port in ports:
            customers = pop.first_sim[rng.choice(pop.n, min(pop.n, int(rng.integers(300, 900))), replace=False)]
            _texts(world, str(port), customers, NOW - int(rng.integers(400, 900)) * DAY, 380 * DAY, (3, 30))
        world.negative("enterprise", senders, typology)
        world.negative("port", ports, typology)


def _platform(world: World, pop: Population) -> None:
    """A ride-hailing platform: a pool of middle numbers binding drivers and couriers to customers for an hour
    or two each, over months; both sides call the middle number."""
    rng = world.rng
    platform = _enterprises(world, pop, 1, START, NOW - 8 * 365 * DAY, "Ride-hailing")[0]
    pool = world.alloc.msisdns(max(50, pop.n // 100)).astype(str)
    drivers = pop.first_sim[rng.choice(pop.n, max(8, pop.n // 1_000), replace=False)]
    rows = []
    for driver in drivers:
        n = int(rng.integers(80, 250))
        bound = NOW - rng.integers(DAY, 150 * DAY, n)
        rows.append(
            pd.DataFrame(
                {
                    "middle_number": pool[rng.integers(0, len(pool), n)],
                    "real_msisdn": str(driver),
                    "other_msisdn": pop.first_sim[rng.integers(0, pop.n, n)].astype(str),
                    "enterprise_id": platform,
                    "bound_at": bound,
                    "unbound_at": bound + rng.integers(HOUR, 3 * HOUR, n),
                }
            )
        )
    bindings = pd.concat(rows, ignore_index=True)
    world.add("number_bindings", **{c: bindings[c].to_numpy() for c in bindings.columns})
    for side in ("real_msisdn", "other_msisdn"):  # the driver calls the customer, the customer calls back
        world.add(
            "calls",
            caller_msisdn=bindings[side].to_numpy(),
            callee_msisdn=bindings["middle_number"].to_numpy(),
            kind="voice",
            count=1,
            total_duration_s=rng.integers(20, 180, len(bindings)),
            first_ts=bindings["bound_at"].to_numpy() + 5 * MINUTE,
            last_ts=bindings["bound_at"].to_numpy() + 5 * MINUTE,
        )
    world.negative("sim", drivers.astype(str), "platform_driver")
    world.negative("middle_number", np.unique(bindings["middle_number"]), "platform_binding")
    world.negative("enterprise", [platform], "platform")


def _owner_names(world: World, owners: np.ndarray) -> np.ndarray:
    """The names of population persons (their ids), as the persons table holds them."""
    persons = world.parts["persons"][0].set_index("person_id")["name"]
    return persons.reindex(owners).fillna("").to_numpy(dtype=object)


def _customer_texts(world: World, pop: Population, port: str, first: int, n: int) -> None:
    """A shop texting its own customers: a first campaign to all, then the same customers again and again."""
    rng = world.rng
    customers = pop.first_sim[rng.choice(pop.n, min(pop.n, n), replace=False)]
    span = max(DAY, NOW - first)
    starts = first + rng.integers(0, max(DAY, span // 5), len(customers))
    world.add(
        "calls",
        caller_msisdn=port,
        callee_msisdn=customers.astype(str),
        kind="sms",
        count=rng.integers(3, 13, len(customers)),
        total_duration_s=-1,
        first_ts=starts,
        last_ts=np.maximum(starts, NOW - rng.integers(0, 7 * DAY, len(customers))),
    )


def _young_shops(world: World, pop: Population, providers: np.ndarray) -> None:
    """Honest young enterprises: a new shop or start-up registered weeks before it leases a port from a
    licensed provider, texting its own customers from its first week, again and again. Half their owners
    have one other small business that texts its customers too; half of those opened it within the year,
    so one ordinary person is the legal person of two young enterprises leasing ports."""
    rng = world.rng
    n = max(4, pop.n * SHOPS_PER_10K // 10_000)
    owners = np.array([f"P{int(i):08d}" for i in rng.choice(pop.n, n, replace=False)], dtype=object)
    leased = NOW - rng.integers(30 * DAY, 200 * DAY, n)
    registered = leased - rng.integers(14 * DAY, 60 * DAY, n)
    second = np.arange(n) < n // 2  # half the owners have another business, half of those a young one
    second_young = np.arange(n) < max(1, n // 4)
    second_leased = np.where(second_young, leased - rng.integers(60 * DAY, 160 * DAY, n), NOW - 3 * 365 * DAY)
    second_registered = np.where(
        second_young, second_leased - rng.integers(30 * DAY, 200 * DAY, n), NOW - rng.integers(4, 9, n) * 365 * DAY
    )
    all_owners = np.concatenate([owners, owners[second]])
    names = _owner_names(world, all_owners)
    kinds = np.array(SHOP_KINDS, dtype=object)[rng.integers(0, len(SHOP_KINDS), len(all_owners))]
    ids = world.serials("ENT", len(all_owners), width=6)
    world.add(
        "enterprises",
        enterprise_id=ids,
        credit_code=_credit_codes(world, len(ids)),
        name=names + kinds,  # an individual business is often named after its owner
        legal_person_id=all_owners,
        registered_at=np.concatenate([registered, second_registered[second]]),
        region_code="440300",
    )
    ports = _ports(world, len(ids))
    opened = np.concatenate([leased, second_leased[second]])
    world.add(
        "sms_ports",
        port_code=ports,
        enterprise_id=ids,
        agent_id=providers[rng.integers(0, len(providers), len(ids))],
        opened_at=opened,
        status="active",
    )
    for port, when in zip(ports, opened, strict=True):
        _customer_texts(world, pop, str(port), int(when) + int(rng.integers(0, 7 * DAY)), int(rng.integers(40, 250)))
    world.negative("enterprise", ids[: len(owners)], "young_shop")
    world.negative("enterprise", ids[len(owners) :], "owner_second_business")
    world.negative("port", ports, "young_shop")
    world.negative("person", owners[second], "owner_of_two_businesses")


def _bulk_senders(world: World, pop: Population, providers: np.ndarray) -> None:
    """Apps' verification-code and marketing senders: old enterprises whose ports text many strangers once
    or twice each, at a steady pace for months; a third send through a code opened weeks ago (a new
    provider), so the port is new though its enterprise is not."""
    rng = world.rng
    n = max(2, pop.n * BULK_PER_10K // 10_000)
    senders = _enterprises(world, pop, n, NOW - 12 * 365 * DAY, NOW - 5 * 365 * DAY, "App Technology")
    new_code = np.arange(n) % 3 == 0
    opened = np.where(
        new_code, NOW - rng.integers(30 * DAY, 120 * DAY, n), NOW - rng.integers(2 * 365 * DAY, 6 * 365 * DAY, n)
    )
    ports = _ports(world, n)
    world.add(
        "sms_ports",
        port_code=ports,
        enterprise_id=senders,
        agent_id=providers[rng.integers(0, len(providers), n)],
        opened_at=opened,
        status="active",
    )
    for port, when in zip(ports, opened, strict=True):
        first = max(int(when) + int(rng.integers(0, 2 * DAY)), NOW - 400 * DAY)
        recipients = pop.first_sim[rng.choice(pop.n, int(pop.n * rng.uniform(0.08, 0.2)), replace=False)]
        sent = rng.integers(first, NOW, len(recipients))  # steady: any day alike
        world.add(
            "calls",
            caller_msisdn=str(port),
            callee_msisdn=recipients.astype(str),
            kind="sms",
            count=rng.choice([1, 2], len(recipients), p=[0.8, 0.2]),
            total_duration_s=-1,
            first_ts=sent,
            last_ts=np.minimum(NOW, sent + rng.integers(0, 30 * DAY, len(recipients))),
        )
    world.negative("enterprise", senders, "bulk_sender")
    world.negative("port", ports, "bulk_sender")


def _delivery(world: World, pop: Population) -> None:
    """A delivery platform: pooled middle numbers bound minutes at a time, rider to customer; the middle
    number calls the customer briefly on the rider's behalf, and some customers call back. Each number
    serves many riders over months; the platform is old."""
    rng = world.rng
    platform = _enterprises(world, pop, 1, START, NOW - 6 * 365 * DAY, "Delivery")[0]
    pool = world.alloc.msisdns(max(40, pop.n // 200)).astype(str)
    riders = pop.first_sim[rng.choice(pop.n, max(6, pop.n // 1_500), replace=False)]
    rows = []
    for rider in riders:
        n = int(rng.integers(60, 200))
        bound = NOW - rng.integers(DAY, 120 * DAY, n)
        rows.append(
            pd.DataFrame(
                {
                    "middle_number": pool[rng.integers(0, len(pool), n)],
                    "real_msisdn": str(rider),
                    "other_msisdn": pop.first_sim[rng.integers(0, pop.n, n)].astype(str),
                    "enterprise_id": platform,
                    "bound_at": bound,
                    "unbound_at": bound + rng.integers(5 * MINUTE, 40 * MINUTE, n),
                }
            )
        )
    bindings = pd.concat(rows, ignore_index=True)
    world.add("number_bindings", **{c: bindings[c].to_numpy() for c in bindings.columns})
    calls_at = bindings["bound_at"].to_numpy() + rng.integers(MINUTE, 5 * MINUTE, len(bindings))
    world.add(  # "your order is here": the middle number calls the customer
        "calls",
        caller_msisdn=bindings["middle_number"].to_numpy(),
        callee_msisdn=bindings["other_msisdn"].to_numpy(),
        kind="voice",
        count=1,
        total_duration_s=rng.integers(15, 80, len(bindings)),
        first_ts=calls_at,
        last_ts=calls_at,
    )
    back = rng.random(len(bindings)) < 0.3
    world.add(
        "calls",
        caller_msisdn=bindings.loc[back, "other_msisdn"].to_numpy(),
        callee_msisdn=bindings.loc[back, "middle_number"].to_numpy(),
        kind="voice",
        count=1,
        total_duration_s=rng.integers(10, 60, int(back.sum())),
        first_ts=calls_at[back] + 2 * MINUTE,
        last_ts=calls_at[back] + 2 * MINUTE,
    )
    world.negative("sim", riders.astype(str), "delivery_rider")
    world.negative("middle_number", np.unique(bindings["middle_number"]), "delivery_binding")
    world.negative("enterprise", [platform], "delivery_platform")
