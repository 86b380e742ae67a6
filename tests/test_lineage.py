"""Stable cluster ids across runs: growth, splits, merges and novelty; then a ring growing in the database."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from helpers import ingest_source, load_into_empty

from duanka import db, queries
from duanka.detect.lineage import MERGE, SPLIT, Link, carry_ids
from duanka.generate import generate
from duanka.settings import Settings
from flows.detect import detect


def members(prefix: str, n: int) -> set[str]:
    return {f"{prefix}{i}" for i in range(n)}


def test_a_ring_that_gains_a_card_keeps_its_id() -> None:
    old = {"C_ring": members("a", 10)}
    ids, links = carry_ids({"C_fresh": members("a", 10) | {"new_card"}}, old)
    assert ids == {"C_fresh": "C_ring"} and links == []


def test_a_ring_that_loses_most_of_its_members_does_not_keep_its_id() -> None:
    ids, links = carry_ids({"C_fresh": members("a", 4)}, {"C_ring": members("a", 10)})
    assert ids == {"C_fresh": "C_fresh"} and links == [Link("C_fresh", "C_ring", SPLIT, 4)]


def test_a_split_keeps_the_id_with_the_majority_and_records_the_rest() -> None:
    old = {"C_ring": members("a", 10)}
    new = {"C_big": members("a", 7), "C_small": members("a", 10) - members("a", 7)}
    ids, links = carry_ids(new, old)
    assert ids == {"C_big": "C_ring", "C_small": "C_small"}
    assert links == [Link("C_small", "C_ring", SPLIT, 3)]


def test_a_merge_keeps_the_larger_share_and_records_the_other() -> None:
    old = {"C_one": members("a", 8), "C_two": members("b", 5)}
    ids, links = carry_ids({"C_both": members("a", 8) | members("b", 5)}, old)
    assert ids == {"C_both": "C_one"} and links == [Link("C_one", "C_two", MERGE, 5)]


def test_a_new_ring_gets_a_new_id_and_an_unrelated_cluster_is_untouched() -> None:
    old = {"C_ring": members("a", 6)}
    ids, links = carry_ids({"C_same": members("a", 6), "C_new": members("z", 9)}, old)
    assert ids == {"C_same": "C_ring", "C_new": "C_new"} and links == []


def test_a_ring_that_gains_a_card_is_the_same_cluster_grown(settings: Settings, tmp_path: Path) -> None:
    """A day later one farmer of a planted ring opens another card and it runs in the ring's SIM box: the
    box's cluster keeps its id (a case file still finds it), and `new_or_grown` calls it grown, not new."""
    world = tmp_path / "world"
    generate(world, "demo", persons=1_500, seed=3)
    load_into_empty(settings, world)
    detect(seed=1)
    truth = pd.read_csv(world / "truth.csv", dtype=str)
    box = truth.loc[truth["role"] == "device_farm", "entity_id"].iloc[0]
    farmer = truth.loc[
        (truth["role"] == "card_farmer")
        & (truth["ring_id"] == truth.loc[truth["entity_id"] == box, "ring_id"].iloc[0]),
        "entity_id",
    ].iloc[0]
    before = _cluster_of(settings, "device", box)

    links = pd.read_csv(world / "sim_device_links.csv", dtype=str)
    window = links[links["device_id"] == box].iloc[0]
    day = tmp_path / "day2"
    day.mkdir()
    pd.DataFrame(
        [
            {
                "msisdn": "17099990001",
                "holder_person_id": farmer,
                "activated_at": window["first_seen"],
                "status": "active",
            }
        ]
    ).to_csv(day / "sims.csv", index=False)
    pd.DataFrame(
        [
            {
                "msisdn": "17099990001",
                "device_id": box,
                "first_seen": window["first_seen"],
                "last_seen": window["last_seen"],
            }
        ]
    ).to_csv(day / "sim_device_links.csv", index=False)
    assert ingest_source(day, settings).ok
    detect(seed=1)

    assert _cluster_of(settings, "sim", "17099990001") == before == _cluster_of(settings, "device", box)
    with db.session(settings) as sess:
        changes = {r["cluster_id"]: r for r in db.read(sess, queries.load("new_or_grown"))}
    assert changes[before]["change"] == "grew"
    assert changes[before]["members_now"] == changes[before]["members_before"] + 1
    assert all(r["change"] != "new" for r in changes.values())  # nothing else is called a new ring


def _cluster_of(settings: Settings, entity_type: str, entity_id: str) -> str:
    with db.session(settings) as sess:
        leads = db.read(sess, queries.load("latest_leads"), limit=100_000)
    return next(r["cluster_id"] for r in leads if (r["entity_type"], r["entity_id"]) == (entity_type, entity_id))
