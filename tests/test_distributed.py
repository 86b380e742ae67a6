"""The distributed path: shards of whole components on a local Dask cluster give the in-process leads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import load_into_empty, rows_in_one_order

from duanka import db, queries
from duanka.detect import shards
from duanka.detect.communities import MIN_COMPONENT, connected, partition
from duanka.detect.job import DetectResult
from duanka.detect.projection import Projection
from duanka.generate import generate
from duanka.settings import Settings
from flows.detect import detect


def _graph(rng: np.random.Generator) -> Projection:
    """Components of many sizes: rings of two dense halves joined by one edge, households, loose pairs."""
    keys: list[str] = []
    ends: list[np.ndarray] = []
    for c, size in enumerate([40, 30, 30, 20, 16, *([3] * 30), *([2] * 40)]):
        first = len(keys)
        keys += [f"person:c{c}-{i}" for i in range(size)]
        ends.append(np.column_stack([np.arange(first, first + size - 1), np.arange(first + 1, first + size)]))
        for half in (first, first + size // 2):  # each half dense within itself
            pairs = rng.integers(half, half + size // 2, size=(2 * size, 2))
            ends.append(pairs[pairs[:, 0] != pairs[:, 1]])
    edges = np.vstack(ends)
    return Projection(np.asarray(keys, dtype=object), edges[:, 0], edges[:, 1], np.ones(len(edges)))


def test_shards_hold_whole_components_once_each_near_equal() -> None:
    proj = _graph(np.random.default_rng(5))
    parts = shards.cut(proj, ["sim:alone", proj.keys[0]], shards=4)
    keys = np.concatenate([p.part.keys for p in parts])
    assert sorted(keys) == sorted([*proj.keys, "sim:alone"])  # every node once, the unprojected one too
    assert sum(len(p.part.sources) for p in parts) == len(proj.sources)  # no edge crosses shards
    whole = pd.Series(connected(len(proj.keys), proj.sources, proj.targets), index=proj.keys)
    for p in parts:
        mine = set(p.part.keys)
        assert all(set(whole.index[whole == c]) <= mine for c in whole[whole.index.isin(mine)].unique())
    sizes = [len(p.part.keys) for p in parts]
    assert len(parts) == 4 and max(sizes) - min(sizes) <= 40  # the largest component bounds the balance
    assert sum(p.region.scope["sims"] == ["alone"] for p in parts) == 1  # read by exactly one shard


def test_seed_and_expand_partitions_the_seeded_components_as_the_whole_graph_does() -> None:
    proj = _graph(np.random.default_rng(6))
    graph = (proj.keys, proj.sources, proj.targets, proj.weights, "igraph", 1.0, 1, 100.0)
    whole = pd.Series(partition(*graph), index=proj.keys)
    seeds = pd.Index(proj.keys).isin(["person:c1-4"])  # one seed, in the second ring
    seeded = pd.Series(partition(*graph, seeds=seeds), index=proj.keys)
    ring = seeded.index.str.startswith("person:c1-")
    assert whole[ring].nunique() > 1  # the seeded component is really partitioned
    pd.testing.assert_series_equal(seeded[ring], whole[ring])
    other = seeded.index.str.startswith("person:c0-")  # an unseeded large component stays whole
    assert len(other) >= MIN_COMPONENT and seeded[other].nunique() == 1 and whole[other].nunique() > 1


@pytest.fixture(scope="module")
def runs(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict[str, DetectResult]:
    """A hard demo world with ports and middle numbers detected in process, on a local Dask cluster of two workers, and in process shard
    by shard as a graph too big to score whole would be."""
    root = tmp_path_factory.mktemp("distributed")
    generate(root / "world", "demo", persons=3000, seed=11, difficulty="hard", ports=True)
    load_into_empty(settings, root / "world")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUANKA_DASK_WORKERS", "2")
        patch.delenv("DUANKA_DASK_SCHEDULER", raising=False)
        runs = {"local": detect(seed=3), "dask": detect(seed=3, executor="dask", incremental=False)}
        patch.setattr(shards, "IN_TURN_ABOVE", 10)
        patch.setattr(shards, "SHARD_NODES", 4000)
        return runs | {"in_turn": detect(seed=3, incremental=False)}


def _written(result: DetectResult) -> pd.DataFrame:
    e = result.entities
    e = e[e["lead"] | e["cluster_id"].notna()]
    columns = ["entity_type", "entity_id", "lead", "role", "cluster_id", "reasons_en", "status", "kinds"]
    out = e[columns].reset_index(drop=True).astype({"kinds": int})
    return out.assign(score=e["score"].astype(float).to_numpy(), priority=e["priority"].astype(float).to_numpy())


@pytest.mark.slow
@pytest.mark.parametrize("sharded", ["dask", "in_turn"])
def test_shards_give_the_in_process_leads_in_the_same_order(runs: dict[str, DetectResult], sharded: str) -> None:
    local, other = _written(runs["local"]), _written(runs[sharded])
    assert local["lead"].sum() > 20 and local["cluster_id"].notna().sum() > 20
    resources = local[local["entity_type"].isin(["enterprise", "port", "middle_number"])]
    assert resources["lead"].sum() > 5, "the world's ports, middle numbers and shells are among the compared"
    pd.testing.assert_frame_equal(other, local, check_dtype=False, check_exact=False, atol=1e-6, rtol=0)
    columns = ["cluster_id", "score", "members", "persons", "sims", "accounts", "devices", "reports", "rank"]
    pd.testing.assert_frame_equal(
        runs[sharded].clusters[columns].reset_index(drop=True).astype({"score": float}),
        runs["local"].clusters[columns].reset_index(drop=True).astype({"score": float}),
    )


@pytest.mark.slow
def test_shards_gather_only_the_entities_with_something_to_say(runs: dict[str, DetectResult]) -> None:
    whole, gathered = runs["local"].entities, runs["in_turn"].entities
    left = whole[~whole.index.isin(gathered.index)]
    assert len(left) > len(gathered) / 2  # most of a graph has no evidence at all
    assert (left["kinds"] == 0).all() and not left["lead"].any() and left["cluster_id"].isna().all()
    assert not left["pays_as_suspect"].any() and set(gathered.index) <= set(whole.index)


@pytest.mark.slow
def test_the_run_says_where_it_ran_and_keeps_what_the_next_increment_needs(
    settings: Settings, runs: dict[str, DetectResult]
) -> None:
    with db.session(settings) as sess:
        recorded = {name: db.read(sess, RUN, run_id=result.run_id)[0] for name, result in runs.items()}
    assert recorded["dask"]["executor"] == "dask" and recorded["dask"]["workers"] == 2
    assert recorded["dask"]["shards"] == 4 and recorded["local"]["executor"] == "local"
    assert recorded["in_turn"]["executor"] == "local" and recorded["in_turn"]["shards"] >= 3
    assert recorded["local"]["shards"] is None  # scored whole
    kept = ["money_suspects_json", "co_callers_json"]
    assert [recorded["dask"][k] for k in kept] == [recorded["local"][k] for k in kept]
    assert [recorded["in_turn"][k] for k in kept] == [recorded["local"][k] for k in kept]
    assert len(recorded["local"]["money_suspects_json"]) > 10


@pytest.mark.slow
def test_a_shards_rows_put_aside_from_pages_are_those_its_region_reads(
    settings: Settings, runs: dict[str, DetectResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a shard scored in turn reads (whole tables' pages read beside the projection, each row dealt to
    the shards it is about) is what a Dask worker reads of it (its region's rows, sought by key): every
    fact table, row for row."""
    spill = shards.Spill(tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(queries, "BATCH_UP_TO", 10)  # pages of 300 keys
        patch.setattr(queries, "PAGE_KEYS", 300)
        proj = spill.read(settings)
    assert min(spill.pages.values()) >= 2  # several pages of every table
    parts = shards.cut(proj, shards.unprojected(settings), 3)
    spill.deal(parts)
    shared = shards.read_shared(settings)
    for i, part in enumerate(parts):
        dealt, read = spill.facts(i, shared), shards.read_shard_facts(settings, part, shared)
        for table in shards.DEALT:
            assert len(getattr(read, table)) > 0, table
            assert rows_in_one_order(getattr(dealt, table)).equals(rows_in_one_order(getattr(read, table))), table


RUN = """MATCH (r:Run {run_id: $run_id})
RETURN r.executor AS executor, r.workers AS workers, r.shards AS shards,
       r.money_suspects_json AS money_suspects_json, r.co_callers_json AS co_callers_json"""


def test_a_cluster_whose_workers_profile_is_refused_with_the_setting_to_change() -> None:
    from dask.distributed import LocalCluster

    from duanka.detect import distributed
    from duanka.errors import DuankaError

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        with pytest.raises(DuankaError, match="DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False"):
            with distributed.client({"DUANKA_DASK_SCHEDULER": cluster.scheduler_address}):
                pass
