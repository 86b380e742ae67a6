"""SMS ports, middle numbers and the enterprises behind them: planted for rings, and their look-alikes.

Each planted ring registers young shell companies fronted by its own card farmers (法人代持), leases
SMS ports for them through a reseller and texts strangers from a port's first day; it rents middle
numbers, binds them minutes at a time to its own cards and calls strangers through them. Victims
report the port codes and middle numbers they saw. An adversarial ring spreads its ports across
licensed providers that also serve honest customers, keeps each binding for hours, and fronts one
company per farmer. Hard worlds add the look-alikes (shared/docs/domain.md): old banks, couriers and
schools texting their own customers for years through licensed providers, and a ride-hailing
platform binding drivers and couriers to hundreds of customers over months.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from duanka.generate.clock import DAY, HOUR, NOW, RECENT, START
from duanka.generate.population import Population
from duanka.generate.world import World
from duanka.identifiers import CREDIT_ALPHABET, credit_check_char

MINUTE = 60
# Look-alikes per 10,000 persons in hard worlds.
NOTICE_SENDERS = ("bank_notice", "courier_notice", "school_notice")


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
    t0 = int(rng.integers(RECENT, NOW - 60 * DAY))
    fronts = farmers[rng.permutation(len(farmers))[: min(len(farmers), 3)]]
    per_front = 1 if adversarial else 2
    legal = np.repeat(fronts, per_front)
    shells = _enterprises(world, pop, len(legal), t0 - 30 * DAY, t0, "Trading", legal)
    shell_resellers = np.array([], dtype=object)
    if adversarial:  # licensed providers that also serve honest customers
        agents = providers[rng.integers(0, len(providers), len(shells))]
    else:
        shell_resellers = _enterprises(world, pop, 1, t0 - 40 * DAY, t0 - 20 * DAY, "Marketing", fronts[:1])
        agents = np.repeat(shell_resellers, len(shells))
    ports = _ports(world, len(shells))
    opened = t0 + rng.integers(0, 10 * DAY, len(ports))
    world.add("sms_ports", port_code=ports, enterprise_id=shells, agent_id=agents, opened_at=opened, status="active")
    recipients_all = pop.first_sim
    for port, when in zip(ports, opened, strict=True):
        recipients = recipients_all[rng.choice(len(recipients_all), int(rng.integers(150, 400)), replace=False)]
        first = int(when) + int(rng.integers(0, DAY if not adversarial else 5 * DAY))
        _texts(world, str(port), recipients, first, 3 * DAY, (1, 3))
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
