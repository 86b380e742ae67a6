"""Incremental detection equals a full run on the same graph (duanka/detect/increment.py says why)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import ingest_source, load_into_empty

from duanka.detect.communities import partition
from duanka.detect.run import DetectResult
from duanka.generate import generate
from duanka.generate.views import split_by_time
from duanka.settings import Settings
from flows.detect import detect


@pytest.fixture(scope="module")
def runs(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, DetectResult]:
    """A world's earlier rows loaded and detected in full; its last 2 % loaded as a day's increment and
    detected incrementally; then the same graph detected in full."""
    root = tmp_path_factory.mktemp("increment")
    generate(root / "world", "demo", persons=3000, seed=7, difficulty="hard")
    split_by_time(root / "world", root / "before", root / "after", share=0.02)
    load_into_empty(settings, root / "before")
    first = detect(seed=3)
    assert ingest_source(root / "after", settings).ok
    return {"first": first, "incremental": detect(seed=3, incremental=True), "full": detect(seed=3)}


def _written(result: DetectResult) -> pd.DataFrame:
    """What a run wrote, in its order: leads and cluster members."""
    e = result.entities
    e = e[e["lead"] | e["cluster_id"].notna()]
    columns = ["entity_type", "entity_id", "lead", "role", "cluster_id", "reasons_en", "status", "kinds"]
    out = e[columns].reset_index(drop=True).astype({"kinds": int})
    return out.assign(score=e["score"].round(4).to_numpy(), priority=e["priority"].astype(float).round(6).to_numpy())


def test_an_increment_is_rescored_alone(runs: dict[str, DetectResult]) -> None:
    inc, full = runs["incremental"], runs["full"]
    assert inc.figures["scope"] == "incremental" and inc.figures["built_on"] == runs["first"].run_id
    assert full.figures["scope"] == "full"
    assert 0 < inc.figures["rescored"] < 0.8 * full.figures["nodes"], (inc.figures, full.figures)


def test_incremental_leads_and_clusters_equal_a_full_run(runs: dict[str, DetectResult]) -> None:
    inc, full = _written(runs["incremental"]), _written(runs["full"])
    assert len(inc) == len(full) and inc["lead"].sum() > 20
    pd.testing.assert_frame_equal(inc, full)
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
