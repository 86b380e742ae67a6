"""The distributed path beside the in-process one, on whatever the configured database holds.

    python bench/sharded.py --workers 1 2          # on whatever world the configured database holds
    python bench/sharded.py --fit                  # the model fitted to every size measured so far

Times, without Prefect and without write-back (the same for both paths):
- in process, whole graph: projection, communities, facts, signals and scores (today's path);
- in process, seed and expand: facts and own scores first, then only the seeds' components partitioned;
- on a local Dask cluster of each `--workers` count: the cluster's start, then the shards (facts read by
  the workers, first pass, gathered mules, second pass, communities, scores) and the driver's merge.
Peak memory is the whole process tree's (driver, Dask scheduler, nannies and workers) resident memory,
sampled every 50 ms, above what it held before. Each path's leads are compared with the whole-graph
path's: entities, roles, clusters and order the same, scores within 1e-6. Each Dask measurement is kept in
data/generated/sharded.json; `--fit` fits shards seconds = a + b·nodes + c·nodes / workers to them (least
squares) and extrapolates.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import psutil

from bench.detect import Peak
from duanka.detect import distributed
from duanka.detect.job import DetectRun
from duanka.detect.partitions import community_here, community_of_nodes
from duanka.detect.projection import Projection
from duanka.detect.ranking import own_suspicions, rank_entities, seed_keys
from duanka.detect.reading import read_facts, read_projection
from duanka.params import DetectParams
from duanka.settings import Settings, project_root

RESULTS = project_root() / "data" / "generated" / "sharded.json"


class TreePeak(Peak):
    """Peak resident memory of this process and all its descendants (Dask's scheduler, nannies, workers)."""

    def rss(self) -> int:
        total = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total


def measure(label: str, fn: Callable[[], Any], rows: list[dict[str, Any]]) -> Any:
    with TreePeak() as peak:
        began = time.perf_counter()
        out = fn()
        seconds = time.perf_counter() - began
    rows.append({"step": label, "seconds": round(seconds, 1), "peak_mb": round(peak.mb)})
    print(f"  {label:44s} {seconds:8.1f} s   peak +{peak.mb:,.0f} MB", flush=True)
    return out


def written(entities: pd.DataFrame) -> pd.DataFrame:
    e = entities[entities["lead"] | entities["cluster_id"].notna()]
    columns = ["entity_type", "entity_id", "lead", "role", "cluster_id", "status"]
    return e[columns].reset_index(drop=True).assign(score=e["score"].astype(float).to_numpy())


def same(a: pd.DataFrame, b: pd.DataFrame) -> str:
    x, y = written(a), written(b)
    if len(x) != len(y) or not x.drop(columns="score").equals(y.drop(columns="score")):
        return f"DIFFERENT ({len(x)} vs {len(y)} written)"
    return f"same ({int(x['lead'].sum())} leads, largest score gap {np.abs(x['score'] - y['score']).max():.1e})"


def keep(result: dict[str, float]) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else []
    RESULTS.write_text(json.dumps([*results, result], indent=1))


def fit() -> None:
    results = json.loads(RESULTS.read_text())
    n = np.array([r["nodes"] for r in results], dtype=float)
    w = np.array([r["workers"] for r in results], dtype=float)
    t = np.array([r["seconds"] for r in results])
    design = np.column_stack([np.ones_like(n), n, n / w])
    (a, b, c), *_ = np.linalg.lstsq(design, t, rcond=None)
    print(
        f"{len(t)} measurements; shards seconds = {a:.1f} + {b * 1e6:.1f}·(nodes/1M) + {c * 1e6:.1f}·(nodes/1M)/workers"
    )
    for r, predicted in zip(results, design @ [a, b, c], strict=True):
        print(
            f"  {r['nodes']:>10,} nodes, {r['workers']} worker(s): measured {r['seconds']:.1f} s, fitted {predicted:.1f} s"
        )
    for nodes in (7.6e6, 76e6):
        for workers in (1, 10, 80):
            print(f"  {nodes / 1e6:>5.1f} M nodes, {workers:>2} workers: {a + b * nodes + c * nodes / workers:,.0f} s")


def in_process(settings: Settings, run: DetectRun, rows: list[dict[str, Any]]) -> tuple[Projection, pd.DataFrame]:
    print("in process, whole graph")
    proj = measure("projection", lambda: read_projection(settings), rows)
    print(f"    {len(proj.keys):,} nodes, {len(proj.sources):,} edges")
    community = measure("communities (every component)", lambda: community_of_nodes(settings, run, proj), rows)
    facts = measure("facts", lambda: read_facts(settings), rows)
    whole, _ = measure("signals and scores", lambda: rank_entities(facts, community, run.params), rows)

    print("in process, seed and expand")
    own = measure("own scores (no communities)", lambda: own_suspicions(facts, run.params), rows)
    seeds = seed_keys(own.scored, run.params)
    seeded = measure(f"communities ({len(seeds):,} seeds' components)", lambda: community_here(run, proj, seeds), rows)
    expanded, _ = measure("scores", lambda: rank_entities(facts, seeded, run.params, own=own), rows)
    partitioned = seeded[seeded.index.isin(seeds)].nunique()
    print(f"    seeds in {partitioned:,} communities; leads {same(expanded, whole)}")
    return proj, whole[whole["lead"] | whole["cluster_id"].notna()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--fit", action="store_true", help="fit the model to the kept measurements; measure nothing")
    args = ap.parse_args()
    if args.fit:
        return fit()
    settings = Settings.from_env()
    run = DetectRun(DetectParams(seed=3))
    rows: list[dict[str, Any]] = []

    proj, whole = in_process(settings, run, rows)  # returns only what is compared: the rest frees its memory
    for workers in args.workers:
        print(f"dask, local cluster of {workers} worker process(es)")
        env = {"DUANKA_DASK_WORKERS": str(workers)}
        with TreePeak() as peak:
            began = time.perf_counter()
            with distributed.client(env) as client:
                started = time.perf_counter()
                done = distributed.score_shards_on(settings, run, proj, client, {})
                ended = time.perf_counter()
        for label, seconds in [("cluster start", started - began), (f"shards ({workers} worker(s))", ended - started)]:
            rows.append({"step": label, "seconds": round(seconds, 1), "peak_mb": round(peak.mb)})
            print(f"  {label:44s} {seconds:8.1f} s   peak +{peak.mb:,.0f} MB (both)", flush=True)
        print(f"    {done.shards} shards; leads {same(done.entities, whole)}")
        keep({"nodes": len(proj.keys), "edges": len(proj.sources), "workers": workers, "seconds": ended - started})
    print("\n| step | seconds | peak MB (process tree) |\n|---|---:|---:|")
    for r in rows:
        print(f"| {r['step']} | {r['seconds']} | {r['peak_mb']:,} |")


if __name__ == "__main__":
    main()
