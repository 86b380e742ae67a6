"""Innocent structures that look like fraud: the detector must not rank them high."""

from __future__ import annotations

import numpy as np
import pandas as pd

from duanka.generate.alloc import REGIONS
from duanka.generate.clock import DAY, HOUR, NOW, RECENT, START
from duanka.generate.population import Population, add_sims, brief_calls, call_back, new_people, seen
from duanka.generate.world import World, person_ids


def build(world: World, pop: Population) -> None:
    """Innocent look-alikes of each role (IoT fleets, families, repair shops, merchants), marked as such."""
    _family_tablets(world, pop)
    _iot_fleets(world, pop)
    _repair_shops(world, pop)
    _second_hand_dealers(world, pop)
    if world.hard:  # the look-alikes independent worlds confused the detector with
        _relatives_managing_accounts(world, pop)
        _cold_callers(world, pop)
        _call_centres(world, pop)
        _sms_gateways(world, pop)
        _heavy_card_holders(world, pop)
        # The call graph's look-alikes (duanka/detect/shape.py): what a numbers-only extract confuses with a ring.
        _courier_firms(world, pop)
        _hotlines(world, pop)
        _dense_groups(world, pop)
        _card_testing_shops(world, pop)


def _devices(world: World, n: int, kind: str, model: str) -> np.ndarray:
    imeis = world.alloc.imeis(n)
    world.add("devices", device_id=imeis.astype(str), device_kind=kind, model=model)
    return imeis


def _family_tablets(world: World, pop: Population) -> None:
    """A household's shared tablet sees every member's card, for years."""
    rng = world.rng
    members = pd.Series(np.arange(pop.n)).groupby(pop.household).agg(list)
    big = members[members.map(len) >= 3]
    chosen = big.sample(frac=0.25, random_state=int(rng.integers(0, 2**31))) if len(big) else big
    if chosen.empty:
        return
    tablets = _devices(world, len(chosen), "phone", "iPad")
    for tablet, group in zip(tablets, chosen, strict=False):
        sims = pop.first_sim[np.array(group)]
        first = NOW - rng.integers(200 * DAY, 900 * DAY, len(sims))
        seen(world, sims, np.full(len(sims), tablet), first, NOW - rng.integers(0, 10 * DAY, len(sims)))
    world.negative("device", tablets.astype(str), "family_tablet")


def _iot_fleets(world: World, pop: Population) -> None:
    """An enterprise's hundreds of cards, opened together, each in its own modem for good."""
    rng = world.rng
    n_fleets = max(1, pop.n // 25_000)
    contacts = new_people(world, n_fleets)
    outlet = "SOENT" + pd.Series(np.arange(n_fleets)).astype(str).str.zfill(3)
    world.add(
        "outlets",
        outlet_id=outlet.to_numpy(dtype=object),
        outlet_kind="sim_outlet",
        name=[f"政企客户部{i:03d}" for i in range(n_fleets)],
        region_code=REGIONS[0],
    )
    for contact, out in zip(contacts, outlet, strict=False):
        size = int(rng.integers(100, 400))
        sims = world.alloc.msisdns(size, virtual_share=0.0)
        day = int(rng.integers(START + 365 * DAY, RECENT))
        activated = day + rng.integers(0, 3 * DAY, size)
        add_sims(world, sims, np.full(size, contact, dtype=object), activated, np.full(size, out, dtype=object))
        modems = _devices(world, size, "modem", "Quectel EC20")
        seen(world, sims, modems, activated + HOUR, NOW - rng.integers(0, 3 * DAY, size))
        world.negative("sim", sims.astype(str), "iot_fleet")
        world.negative("device", modems.astype(str), "iot_fleet")
    world.negative("person", contacts, "iot_fleet")


def _brief_visits(world: World, pop: Population, device: int, visits: int) -> None:
    """Customers' cards, one at a time, for an hour or two each, over a year."""
    rng = world.rng
    sims = pop.first_sim[rng.integers(0, pop.n, visits)]
    first = NOW - rng.integers(5 * DAY, 365 * DAY, visits)
    world.add(
        "sim_device_links",
        msisdn=sims.astype(str),
        device_id=str(device),
        first_seen=first,
        last_seen=first + rng.integers(10 * 60, 4 * HOUR, visits),
        days_seen=1,
    )


def _repair_shops(world: World, pop: Population) -> None:
    rng = world.rng
    n = max(1, pop.n // 8_000)
    benches = _devices(world, n, "phone", "维修测试机")
    for bench in benches:
        _brief_visits(world, pop, int(bench), int(rng.integers(40, 150)))
    world.negative("device", benches.astype(str), "repair_shop")


def _second_hand_dealers(world: World, pop: Population) -> None:
    rng = world.rng
    for _ in range(max(1, pop.n // 10_000)):
        stock = world.alloc.imeis(int(rng.integers(8, 20)))
        world.add("devices", device_id=stock.astype(str), device_kind="phone", model="二手机")
        for handset in stock:
            _brief_visits(world, pop, int(handset), int(rng.integers(2, 7)))
        world.negative("device", stock.astype(str), "second_hand_dealer")


def _relatives_managing_accounts(world: World, pop: Population) -> None:
    """A grown child's phone works two to four elderly relatives' bank accounts for months: a dealer's trace."""
    rng = world.rng
    owners = pd.Series(np.arange(len(pop.acct_id))).groupby(pop.acct_holder).agg(list)
    managers = rng.choice(pop.n, max(1, pop.n // 1_500), replace=False)
    for manager in managers:
        relatives = rng.choice(owners.index, int(rng.integers(2, 5)), replace=False)
        accounts = np.concatenate([pop.acct_id[np.array(owners[r][:2])] for r in relatives if r != manager])
        if not len(accounts):
            continue
        first = NOW - rng.integers(120 * DAY, 700 * DAY, len(accounts))
        world.add(
            "account_device_links",
            account_id=accounts,
            device_id=str(pop.phone[manager]),
            first_seen=first,
            last_seen=NOW - rng.integers(0, 5 * DAY, len(accounts)),
        )
        world.negative("person", person_ids(np.array([manager])), "relative_managing_accounts")
        world.negative("device", [str(pop.phone[manager])], "relative_managing_accounts")


def _cold_callers(world: World, pop: Population) -> None:
    """Couriers and sales staff: one number, in its holder's own phone, calling dozens of strangers briefly."""
    rng = world.rng
    callers = rng.choice(pop.n, max(1, pop.n // 1_000), replace=False)
    calls = rng.integers(30, 150, len(callers))
    caller = np.repeat(pop.first_sim[callers], calls)
    first = NOW - rng.integers(DAY, 90 * DAY, len(caller))
    brief_calls(world, caller, pop.first_sim, first, rng.integers(1, 4, len(caller)), (15, 80), 3 * DAY)
    world.negative("sim", pop.first_sim[callers].astype(str), "cold_caller")


def _call_centres(world: World, pop: Population) -> None:
    """A sales team working one list of prospects: shared callees, like a ring's, but each number in its own phone."""
    rng = world.rng
    for _ in range(max(1, pop.n // 20_000)):
        staff = rng.choice(pop.n, int(rng.integers(10, 31)), replace=False)
        calls = rng.integers(30, 120, len(staff))
        caller = np.repeat(pop.first_sim[staff], calls)
        prospects = pop.first_sim[rng.integers(0, pop.n, max(1, len(caller) // 2))]
        first = NOW - rng.integers(DAY, 120 * DAY, len(caller))
        brief_calls(world, caller, prospects, first, rng.integers(1, 3, len(caller)), (20, 120), 2 * DAY)
        call_back(world, (0.25, 0.5))  # customers return a missed sales call
        world.negative("sim", pop.first_sim[staff].astype(str), "call_centre")


def _sms_gateways(world: World, pop: Population) -> None:
    """A company's notification number in a modem, texting hundreds of customers (delivery codes, bills)."""
    rng = world.rng
    n = max(1, pop.n // 20_000)
    contacts = new_people(world, n)
    numbers = world.alloc.msisdns(n, virtual_share=0.0)
    add_sims(world, numbers, contacts, NOW - rng.integers(400 * DAY, 900 * DAY, n), pop.sim_outlets[:n])
    modems = _devices(world, n, "modem", "SMS网关")
    seen(world, numbers, modems, NOW - rng.integers(300 * DAY, 400 * DAY, n), np.full(n, NOW - DAY))
    for number in numbers:
        k = int(rng.integers(300, 1_000))
        first = NOW - rng.integers(DAY, 200 * DAY, k)
        world.add(
            "calls",
            caller_msisdn=str(number),
            callee_msisdn=pop.first_sim[rng.integers(0, pop.n, k)].astype(str),
            kind="sms",
            count=rng.integers(1, 6, k),
            total_duration_s=0,
            first_ts=first,
            last_ts=first + rng.integers(0, 30 * DAY, k),
        )
    world.negative("sim", numbers.astype(str), "sms_gateway")
    world.negative("person", contacts, "sms_gateway")


def _heavy_card_holders(world: World, pop: Population) -> None:
    """Someone with six or more cards, opened one at a time over years and all kept in their own phone."""
    rng = world.rng
    holders = rng.choice(pop.n, max(1, pop.n // 4_000), replace=False)
    k = rng.integers(5, 9, len(holders))
    owner = np.repeat(holders, k)
    numbers = world.alloc.msisdns(len(owner), virtual_share=0.3)
    opened = START + rng.integers(0, RECENT - START, len(owner))
    add_sims(
        world, numbers, person_ids(owner), opened, pop.sim_outlets[rng.integers(0, len(pop.sim_outlets), len(owner))]
    )
    seen(world, numbers, pop.phone[owner], opened + HOUR, NOW - rng.integers(0, 30 * DAY, len(owner)))
    world.negative("person", person_ids(holders), "heavy_card_holder")


def _courier_firms(world: World, pop: Population) -> None:
    """Couriers of one firm, each working a district: neighbours who know each other, a fifth call back."""
    rng = world.rng
    for _ in range(max(1, pop.n // 20_000)):
        couriers = rng.choice(pop.n, int(rng.integers(5, 15)), replace=False)
        for courier in couriers:
            start = int(rng.integers(0, max(1, pop.n - 400)))
            district = pop.first_sim[start : start + 400]  # households are neighbours by index
            k = int(rng.integers(60, 160))
            first = NOW - rng.integers(DAY, 60 * DAY, k)
            caller = np.full(k, pop.first_sim[courier])
            brief_calls(world, caller, district, first, rng.integers(1, 3, k), (10, 60), DAY)
            call_back(world, (0.1, 0.3))
        world.negative("sim", pop.first_sim[couriers].astype(str), "courier")


def _hotlines(world: World, pop: Population) -> None:
    """A business's mobile hotline: hundreds of unrelated customers call it; it calls a few of them back."""
    rng = world.rng
    for _ in range(max(1, pop.n // 10_000)):
        line = int(rng.integers(0, pop.n))
        k = int(rng.integers(200, 600))
        customers = pop.first_sim[rng.integers(0, pop.n, k)]
        first = NOW - rng.integers(DAY, 120 * DAY, k)
        brief_calls(world, customers, np.array([pop.first_sim[line]]), first, rng.integers(1, 3, k), (30, 300), DAY)
        world.negative("sim", [str(pop.first_sim[line])], "hotline")


def _dense_groups(world: World, pop: Population) -> None:
    """A company team or an extended family whose members all call each other: truly dense, and returned."""
    rng = world.rng
    for _ in range(max(1, pop.n // 10_000)):
        members = pop.first_sim[rng.choice(pop.n, int(rng.integers(15, 60)), replace=False)]
        a, b = np.meshgrid(members, members)
        keep = (a != b) & (rng.random(a.shape) < 0.85)
        k = int(keep.sum())
        first = NOW - rng.integers(30 * DAY, 90 * DAY, k)
        world.add(
            "calls",
            caller_msisdn=a[keep].astype(str),
            callee_msisdn=b[keep].astype(str),
            kind="voice",
            count=rng.integers(1, 20, k),
            total_duration_s=rng.integers(30, 600, k),
            first_ts=first,
            last_ts=first + rng.integers(DAY, 29 * DAY, k),
        )
        world.negative("sim", members.astype(str), "dense_group")


def _card_testing_shops(world: World, pop: Population) -> None:
    """A phone shop's number calls each customer's new card once to test it: many callees, none calls back,
    none knows another — a ring's shape, but alone: no other number works the same list."""
    rng = world.rng
    for _ in range(max(1, pop.n // 10_000)):
        shop = int(rng.integers(0, pop.n))
        k = int(rng.integers(40, 120))
        opened = NOW - rng.integers(DAY, 180 * DAY, k)
        cards = world.alloc.msisdns(k, virtual_share=0.1)
        add_sims(world, cards, person_ids(rng.choice(pop.n, k)), opened, pop.sim_outlets[rng.integers(0, 5, k)])
        world.add(
            "calls",
            caller_msisdn=str(pop.first_sim[shop]),
            callee_msisdn=cards.astype(str),
            kind="voice",
            count=1,
            total_duration_s=rng.integers(5, 30, k),
            first_ts=opened + 600,
            last_ts=opened + 600,
        )
        world.negative("sim", [str(pop.first_sim[shop])], "card_testing_shop")
