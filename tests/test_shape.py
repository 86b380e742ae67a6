"""Evidence from the call graph's shape, each signal against its innocent twin on a small built graph (no database)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from duanka.detect import score, shape
from duanka.detect.model import BLOCK_LIFT
from duanka.detect.ranking import first_suspicions
from duanka.detect.signals import Facts
from duanka.params import DetectParams


def _edges(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["caller", "callee"])


def town(rng: np.random.Generator, people: int = 300) -> list[tuple[str, str]]:
    """Ordinary people in circles of five who call each other, both ways."""
    pairs = []
    for g in range(people // 5):
        members = [f"p{g * 5 + i}" for i in range(5)]
        pairs += [(a, b) for a in members for b in members if a != b and rng.random() < 0.6]
    return pairs


def world() -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """A ring of six numbers working one list of strangers beside its innocent twins: a call centre whose
    customers call back, a courier whose recipients are neighbours, a company whose staff all call each
    other, a phone shop testing new cards nobody else calls, and a hotline many people call."""
    rng = np.random.default_rng(7)
    pairs = town(rng)
    people = [f"p{i}" for i in range(300)]
    victims = people[0:300:3]  # one in three, scattered over the circles: strangers to each other
    ring = [f"r{i}" for i in range(6)]
    for r in ring:
        pairs += [(r, v) for v in rng.choice(victims, 40, replace=False)]
    centre = [f"c{i}" for i in range(6)]
    customers = people[1:300:3]
    for c in centre:
        mine = rng.choice(customers, 40, replace=False)
        pairs += [(c, v) for v in mine] + [(v, c) for v in mine if rng.random() < 0.5]
    district = people[100:160]  # twelve neighbouring circles
    pairs += [("courier", v) for v in district] + [(v, "courier") for v in district if rng.random() < 0.2]
    company = [f"k{i}" for i in range(12)]
    pairs += [(a, b) for a in company for b in company if a != b]
    new_cards = [f"n{i}" for i in range(40)]
    pairs += [("shop", n) for n in new_cards] + [(n, people[i * 7]) for i, n in enumerate(new_cards)]
    pairs += [(p, "hotline") for p in people[::2]]
    pairs += [("quiet", victims[5]), ("quiet", victims[40])]  # a ring's quiet card: two calls off the list
    pairs += [("friend", victims[7]), ("friend", "p22"), ("friend", "p23"), ("p22", "friend"), ("p23", "friend")]
    twins = {"ring": ring, "centre": centre, "courier": ["courier"], "company": company, "shop": ["shop"]}
    return _edges(pairs), twins


def facts(edges: pd.DataFrame, symmetric: bool = False) -> Facts:
    """A numbers-only extract: who called whom, no durations, times, holders, devices or money."""
    if symmetric:
        edges = pd.concat([edges, edges.rename(columns={"caller": "callee", "callee": "caller"})]).drop_duplicates()
    numbers = pd.Index(sorted(set(edges["caller"]) | set(edges["callee"])))
    sims = pd.DataFrame({"msisdn": numbers})
    sims["callees"] = sims["msisdn"].map(edges.groupby("caller").size()).fillna(0)
    sims["calls"] = sims["callees"]
    sims["callers_in"] = sims["msisdn"].map(edges.groupby("callee").size()).fillna(0)
    return Facts(sims=sims, targets=edges)


def scored(f: Facts) -> pd.DataFrame:
    return score.sims(first_suspicions(f, DetectParams()).parts["sim"])


def test_callbacks_are_read_only_where_they_can_be_seen() -> None:
    """A callee who calls nobody (another operator's customer) can not be seen calling back: not counted."""
    s = shape.call_shape(_edges([("a", "b"), ("b", "a"), ("a", "x"), ("a", "y"), ("c", "b")]))
    assert s.loc["a", "out_degree"] == 3 and s.loc["a", "answering"] == 1 and s.loc["a", "called_back"] == 1
    assert s.loc["c", "called_back"] == 0 and not s["symmetric"].any()


def test_a_projection_has_no_callbacks_to_read() -> None:
    edges, _ = world()
    s = shape.call_shape(facts(edges, symmetric=True).targets)
    assert s["symmetric"].all() and s["called_back"].isna().all()


def test_links_among_callees_separate_strangers_from_a_couriers_neighbours() -> None:
    edges, twins = world()
    s = shape.call_shape(edges)
    ring_rate = (s.loc[twins["ring"], "callee_links"] / s.loc[twins["ring"], "out_degree"]).max()
    courier_rate = s.loc["courier", "callee_links"] / s.loc["courier", "out_degree"]
    assert ring_rate < 0.2 < courier_rate


def test_peeling_finds_the_ring_not_the_shop_nor_the_hotlines_callers() -> None:
    """Degree-weighted peeling: six numbers sharing a list are a block; a star (the shop) is not, nor are the
    people who share only a hotline (each link to it weighs 1 / log(150 + 5))."""
    edges, twins = world()
    s = shape.call_shape(edges)
    ring_blocks = s.loc[twins["ring"], "block"]
    assert (ring_blocks >= 0).all() and ring_blocks.nunique() == 1
    assert s.loc[twins["ring"], "block_lift"].min() >= BLOCK_LIFT
    assert s.loc["shop", "block"] == -1 or s.loc["shop", "block_callers"] < 4
    ring_block = ring_blocks.iloc[0]
    hotline_callers = s.index[s.index.str.startswith("p")]
    assert not (s.loc[hotline_callers, "block"] == ring_block).any()


def test_the_ring_outscores_every_twin_and_the_shop_stays_alone() -> None:
    edges, twins = world()
    got = scored(facts(edges))
    ring = got.loc[twins["ring"], "score"]
    for twin in ("centre", "courier", "company", "shop"):
        assert ring.min() > got.loc[twins[twin], "score"].max(), twin
    assert (got.loc[twins["ring"], "kinds"] >= 2).all()
    assert got.loc["shop", "kinds"] <= 1  # strangers, but no other number works its list: never a lead alone


def test_a_quiet_card_calling_off_the_list_versus_a_targets_friend() -> None:
    """Two calls, both to numbers the ring worked, never returned; a friend calls one target among friends
    who call back."""
    edges, _ = world()
    got = scored(facts(edges))
    signals = first_suspicions(facts(edges), DetectParams()).parts["sim"]
    assert signals.loc["quiet", "listed"] == 2 and signals.loc["friend", "listed"] == 1
    assert got.loc["quiet", "score"] > 0.3 > got.loc["friend", "score"]
    assert "on a list" in got.loc["quiet", "reasons_en"]


def test_without_callbacks_the_strangers_term_is_not_guessed() -> None:
    """In a projection nobody "never called back": calls are taken half-way, and a dense block is not read (a
    company is as dense as a ring there)."""
    edges, _ = world()
    got = scored(facts(edges, symmetric=True))
    text = " ".join(got["reasons_en"]) + " ".join(got["reasons_zh"])
    assert "called back" not in text and "回拨" not in text and "block of" not in text and "密集" not in text


@pytest.mark.parametrize("symmetric", [False, True])
def test_reasons_on_a_bare_call_graph_cite_only_what_it_holds(symmetric: bool) -> None:
    """No durations, times, counts, holders, devices, money or reports arrived: no reason may cite them."""
    edges, twins = world()
    got = scored(facts(edges, symmetric))
    text = got.loc[twins["ring"], "reasons_en"]
    assert text.str.len().min() > 0
    forbidden = (
        r"\d+\s*s per call|秒|second|\bdays?\b|天|hour|小时|holder|持卡人|device|设备|yuan|元|account|账户|report|报案"
    )
    for lang in ("reasons_en", "reasons_zh"):
        for reasons in got[lang]:
            assert not re.search(forbidden, reasons), reasons
    if not symmetric:
        assert text.str.contains("called back").all() and text.str.contains("block of").all()
