"""Innocent structures that look like fraud: the detector must not rank them high."""

from __future__ import annotations

import numpy as np
import pandas as pd

from duanka.generate.alloc import REGIONS
from duanka.generate.clock import DAY, HOUR, NOW, RECENT, START
from duanka.generate.population import Population, add_sims, new_people, seen
from duanka.generate.world import World


def build(world: World, pop: Population) -> None:
    """Innocent look-alikes of each role (IoT fleets, families, repair shops, merchants), marked as such."""
    _family_tablets(world, pop)
    _iot_fleets(world, pop)
    _repair_shops(world, pop)
    _second_hand_dealers(world, pop)


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
