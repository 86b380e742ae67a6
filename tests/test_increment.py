"""Incremental detection equals a full run on the same graph (duanka/detect/increment.py says why)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from helpers import ingest_source, load_into_empty

from duanka import db, queries
from duanka.detect import increment, ranking, writeback
from duanka.detect.calibrate import Calibration
from duanka.detect.communities import connected, partition
from duanka.detect.job import DetectResult
from duanka.detect.reading import read_facts, read_projection
from duanka.generate import generate
from duanka.generate.views import split_by_time
from duanka.settings import Settings
from flows.detect import detect


@pytest.fixture(scope="module")
def runs(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, DetectResult]:
    """A world's earlier rows loaded and detected in full; its last 2 % loaded as two days. After the
    first day an incremental run told any region is too large runs in full; after the second, one told
    none is re-scores what the day touched; then the same graph is detected in full, and incrementally
    again with nothing new."""
    root = tmp_path_factory.mktemp("increment")
    generate(root / "world", "demo", persons=3000, seed=7, difficulty="hard")
    split_by_time(root / "world", root / "before", root / "days", share=0.02)
    split_by_time(root / "days", root / "day1", root / "day2", share=0.5)
    load_into_empty(settings, root / "before")
    with pytest.MonkeyPatch.context() as patch:
        for module in (ranking, increment, writeback):
            patch.setattr(module, "CALIBRATION", STEEP)
        out = {"first": detect(seed=3)}
        assert ingest_source(root / "day1", settings).ok
        patch.setattr(increment, "FULL_ABOVE", 0.0)
        out["busy"] = detect(seed=3, incremental=True)
        assert ingest_source(root / "day2", settings).ok
        patch.setattr(increment, "FULL_ABOVE", 1.0)  # a demo world's day of transfers touches most of it
        out["incremental"] = detect(seed=3)  # the default: incremental where it can be
        out["full"] = detect(seed=3, incremental=False)
        out["nothing new"] = detect(seed=3, incremental=True)
    return out


# A map shaped as the isotonic fits come out: flat at the foot, then steep (0.24 → 0.35 rises 0.06 → 0.89).
# Where it is steep, a difference of 1e-5 in a rule score is one of 1e-4 in the score an officer sees.
STEEP = Calibration(
    "test",
    (0.0, 0.0162, 0.0276, 0.0459, 0.1746, 0.24, 0.3518, 0.4154, 0.5419, 0.6326, 0.6768, 0.905, 1.0),
    (0.0, 5e-05, 5e-05, 0.00011, 0.00014, 0.06061, 0.88889, 0.88889, 0.88889, 0.98519, 0.99, 0.99, 0.99),
    "a steep map injected by the test",
)


def _written(result: DetectResult) -> pd.DataFrame:
    """What a run wrote, in its order: leads and cluster members."""
    e = result.entities
    e = e[e["lead"] | e["cluster_id"].notna()]
    columns = ["entity_type", "entity_id", "lead", "role", "cluster_id", "reasons_en", "status", "kinds"]
    out = e[columns].reset_index(drop=True).astype({"kinds": int})
    return out.assign(score=e["score"].round(4).to_numpy(), priority=e["priority"].astype(float).round(6).to_numpy())


def test_an_increment_is_rescored_alone(runs: dict[str, DetectResult]) -> None:
    inc, full = runs["incremental"], runs["full"]
    assert inc.figures["scope"] == "incremental" and inc.figures["built_on"] == runs["busy"].run_id
    assert full.figures["scope"] == "full"
    # each run says why it had its scope, as the loading path is said
    assert runs["first"].figures["scope_why"] == "an incremental run is not possible (no completed detection run yet)"
    assert full.figures["scope_why"] == "a full run was asked for"
    touched = re.fullmatch(
        rf"the rows and decisions since {runs['busy'].run_id} touched (\d+) entities, whose components hold (\d+)"
        r" of the graph's (\d+) \(\d+\.\d%; a full run above 100%\)",
        inc.figures["scope_why"],
    )
    assert touched, inc.figures["scope_why"]
    seeds, region, graph = map(int, touched.groups())
    assert 0 < seeds <= region == inc.figures["rescored"] < graph, inc.figures
    assert 0 < inc.figures["rescored"] < 0.8 * full.figures["nodes"], (inc.figures, full.figures)
    # the region was walked out from what the day touched: the increment never read the whole graph
    assert inc.figures["nodes"] <= inc.figures["rescored"] < full.figures["nodes"], (inc.figures, full.figures)


def test_a_run_returns_the_scores_it_wrote(runs: dict[str, DetectResult], settings: Settings) -> None:
    """An increment keeps the run before's results as written: a run's own results must be those too, or a
    score on a calibration step's half-way value (0.00005) is one value kept and another re-scored."""
    full = runs["full"]
    with db.session(settings) as sess:
        written = queries.frame(sess, "detect/previous_results", run_id=full.run_id)
    written.index = written["entity_type"] + ":" + written["entity_id"].astype(str)
    ours = full.entities.loc[written.index]
    assert (ours["rule_score"] < 0.24).sum() > 10  # scores on the map's foot were written
    assert (ours["score"].astype(float).to_numpy() == written["score"].astype(float).to_numpy()).all()
    assert (ours["rule_score"].astype(float).to_numpy() == written["rule_score"].astype(float).to_numpy()).all()


def test_scores_are_kept_as_written_on_a_steps_half_way_value() -> None:
    entities = pd.DataFrame(
        {"score": STEEP(np.array([0.02, 0.1, 0.3])), "rule_score": [0.02, 0.1, 0.3]}, index=["a", "b", "c"]
    )
    assert entities["score"].iloc[0] == 5e-05  # half-way at four places: numpy rounds it down, `round` up
    kept = ranking.as_written(entities)
    assert all(round(float(v), ranking.DECIMALS) == v for v in kept["score"])
    assert kept["score"].round(ranking.DECIMALS).equals(kept["score"])


def test_a_day_that_touched_too_much_runs_in_full(runs: dict[str, DetectResult]) -> None:
    """Past FULL_ABOVE of the graph a full run is quicker, and gives the same results by construction."""
    assert runs["busy"].figures["scope"] == "full" and runs["busy"].leads.shape[0] > 20
    assert "touched components holding over 0% of the graph" in runs["busy"].figures["scope_why"]


def test_nothing_new_rescores_nothing_and_keeps_everything(runs: dict[str, DetectResult]) -> None:
    calm = runs["nothing new"]
    assert calm.figures["scope"] == "incremental" and calm.figures["rescored"] == 0
    pd.testing.assert_frame_equal(_written(calm), _written(runs["full"]), check_dtype=False)


def test_incremental_leads_and_clusters_equal_a_full_run(runs: dict[str, DetectResult]) -> None:
    inc, full = _written(runs["incremental"]), _written(runs["full"])
    assert len(inc) == len(full) and inc["lead"].sum() > 20
    pd.testing.assert_frame_equal(inc, full, check_dtype=False)
    columns = ["cluster_id", "score", "members", "persons", "sims", "accounts", "devices", "reports", "rank"]
    pd.testing.assert_frame_equal(
        runs["incremental"].clusters[columns].reset_index(drop=True).astype({"score": float}),
        runs["full"].clusters[columns].reset_index(drop=True).astype({"score": float}),
    )


def test_the_increment_changed_something(runs: dict[str, DetectResult]) -> None:
    """Equality above means something only if the day's rows moved the results."""
    before, after = _written(runs["first"]), _written(runs["full"])
    assert not before[["entity_id", "score"]].equals(after[["entity_id", "score"]])


def test_a_component_gets_the_same_communities_read_alone() -> None:
    rng = np.random.default_rng(4)
    keys = np.array([f"n{i:03d}" for i in range(300)], dtype=object)
    src = rng.integers(0, 150, 600)  # one large tangle of 150 nodes and
    dst = rng.integers(0, 150, 600)
    pairs = np.arange(150, 300).reshape(-1, 2)  # 75 pairs
    src, dst = np.r_[src, pairs[:, 0]], np.r_[dst, pairs[:, 1]]
    weights = rng.choice([1.0, 2.0, 3.0], len(src))
    scale = float(weights.sum())  # resolution as modularity over this graph asks
    whole = partition(keys, src, dst, weights, seed=2, scale=scale)
    assert 1 < len(set(whole[:150])) < 150
    alone = (src < 150) | (src >= 290)  # the tangle and the last five pairs, in another order
    order = rng.permutation(int(alone.sum()))
    nodes = np.unique(np.r_[src[alone], dst[alone]])
    index = {n: i for i, n in enumerate(nodes)}
    part = partition(
        keys[nodes],
        np.array([index[n] for n in src[alone]])[order],
        np.array([index[n] for n in dst[alone]])[order],
        weights[alone][order],
        seed=2,
        scale=scale,
    )
    assert (part == whole[nodes]).all()


def test_the_walk_reaches_exactly_the_whole_components(runs: dict[str, DetectResult], settings: Settings) -> None:
    """The region walked out from a few entities is their components in the whole community graph, with
    every edge of them once; a limit below it stops the walk."""
    whole = read_projection(settings)
    component = connected(len(whole.keys), whole.sources, whole.targets)
    picks = set(np.random.default_rng(5).choice(whole.keys, 12, replace=False)) | {"sim:not-in-the-graph"}
    walk = increment.Walk(settings, limit=len(whole.keys) + len(picks))
    assert walk.reach(picks)
    inside = np.isin(component, component[pd.Index(whole.keys).get_indexer(sorted(picks - {"sim:not-in-the-graph"}))])
    assert walk.keys == set(whole.keys[inside]) | {"sim:not-in-the-graph"}
    region = walk.projection()
    assert len(region.sources) == int(inside[whole.sources].sum()) and set(region.keys) == set(whole.keys[inside])
    assert not increment.Walk(settings, limit=len(walk.keys) - 1).reach(picks)


def test_a_regions_facts_are_the_whole_graphs_facts_of_its_entities(
    runs: dict[str, DetectResult], settings: Settings
) -> None:
    """Sought by key (a region's) or read whole, each fact table holds the same rows of the region's
    entities: a transfer between two of them once, a transfer to or from one of them in either direction."""
    whole = read_facts(settings)
    rng = np.random.default_rng(11)

    def some(*columns: pd.Series) -> list[str]:
        return sorted({str(i) for c in columns for i in rng.choice(c.dropna().unique(), 15, replace=False)})

    paired = whole.transfers.sample(5, random_state=11)  # both ends: transfers between two of the region's accounts
    scope = {
        "sims": some(whole.sims["msisdn"]),
        "devices": some(whole.seen["device"]),
        "accounts": sorted(
            set(some(whole.transfers["dst"], whole.used["account"], whole.accounts["account"]))
            | set(paired["src"])
            | set(paired["dst"])
        ),
    }
    part = read_facts(settings, scope)
    limits = {
        "sims": ("sims", ["msisdn"]),
        "seen": ("devices", ["device"]),
        "accounts": ("accounts", ["account"]),
        "used": ("accounts", ["account"]),
        "transfers": ("accounts", ["src", "dst"]),
    }
    for table, (limit, columns) in limits.items():
        full = getattr(whole, table)
        expected = full[full[columns].isin(scope[limit]).any(axis=1)]
        assert len(expected) > 0, table
        assert _rows(getattr(part, table)) == _rows(expected), table


def _rows(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    """A table's rows as a sorted list: equal tables, duplicates counted."""
    return sorted(map(tuple, frame.astype(str).to_numpy()))
