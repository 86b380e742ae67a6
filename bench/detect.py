"""Detection speed and memory.

    python bench/detect.py engines --nodes 1000000 --edges 5000000 [--engines igraph leiden louvain]
    python bench/detect.py database            # the full run on whatever the configured database holds
    python bench/detect.py reads               # each read, rows one by one against rows in batches
    python bench/detect.py partitions --truth data/generated/eval-medium-hard-1/truth.csv
                                               # the leads under the old global partition and per component

`engines` times community detection alone on a graph with planted
communities of 25 nodes (intra-community edges plus 10 % random ones);
`database` times projection, communities, facts, scoring and write-back.
Peak memory is sampled every 50 ms (RSS of this process, above what it held before the step).
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import psutil


class Peak:
    """Samples this process's RSS while a step runs."""

    def __init__(self) -> None:
        self.proc = psutil.Process()
        self.base = self.rss()
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        return int(self.proc.memory_info().rss)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.rss())

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())

    @property
    def mb(self) -> float:
        return (self.peak - self.base) / 2**20


def measure(label: str, fn: Callable[[], Any]) -> Any:
    with Peak() as peak:
        began = time.perf_counter()
        out = fn()
        seconds = time.perf_counter() - began
    print(f"  {label:28s} {seconds:8.1f} s   peak +{peak.mb:,.0f} MB", flush=True)
    return out


def planted_graph(nodes: int, edges: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    size = 25
    intra = int(edges * 0.9)
    a = rng.integers(0, nodes, intra)
    b = (a // size) * size + rng.integers(0, size, intra)
    b = np.minimum(b, nodes - 1)
    c = rng.integers(0, nodes, edges - intra)
    d = rng.integers(0, nodes, edges - intra)
    src, dst = np.concatenate([a, c]), np.concatenate([b, d])
    keep = src != dst
    return src[keep], dst[keep], np.ones(int(keep.sum()))


def engines(args: argparse.Namespace) -> None:
    from duanka.detect.communities import partition

    src, dst, w = planted_graph(args.nodes, args.edges)
    keys = np.array([f"n{i:08d}" for i in range(args.nodes)], dtype=object)
    print(f"planted graph: {args.nodes:,} nodes, {len(src):,} edges")
    for engine in args.engines:
        membership = measure(
            f"{engine}",
            lambda engine=engine: partition(keys, src, dst, w, engine=engine, seed=1, scale=float(w.sum())),
        )
        print(f"    {len(set(membership)):,} communities")


def database(args: argparse.Namespace) -> None:
    from duanka.detect import writeback
    from duanka.detect.job import DetectResult, DetectRun, Scored
    from duanka.detect.partitions import community_of_nodes
    from duanka.detect.ranking import rank_entities
    from duanka.detect.reading import FACT_QUERIES, read_facts, read_projection
    from duanka.params import DetectParams
    from duanka.settings import Settings

    settings = Settings.from_env()
    run = DetectRun(DetectParams(engine=args.engines[0]))
    print(f"detect on the configured database, engine {args.engines[0]} (its steps, without Prefect)")
    proj = measure("projection", lambda: read_projection(settings))
    print(f"    {len(proj.keys):,} nodes, {len(proj.sources):,} edges")
    community = measure("communities", lambda: community_of_nodes(settings, run, proj))
    facts = measure(f"facts ({len(FACT_QUERIES)} queries)", lambda: read_facts(settings))
    entities, clusters = measure("signals and scores", lambda: rank_entities(facts, community, run.params))
    scored = Scored(entities, clusters, proj.size, facts.evidence, {})
    entities, clusters, lineage = measure(
        "stable ids", lambda: writeback.carry_cluster_ids(settings, entities, clusters, run.params)
    )
    figures = writeback.run_figures(scored, entities, clusters)
    measure(
        "write-back",
        lambda: writeback.write_results(settings, run, entities, clusters, figures, facts.evidence, lineage),
    )
    writeback.finish(settings, run, DetectResult(run.run_id, run.params, entities, clusters, {}, figures))
    print(f"    {figures}")


def reads(args: argparse.Namespace) -> None:
    """Each detection read three ways — rows one by one, whole results in batches, pages of `--page-keys`
    keys in batches (finding the pages' bounds included) — on whatever the database holds."""
    from duanka import db, queries
    from duanka.detect.reading import FACT_QUERIES, PROJECTION, fact_reads
    from duanka.settings import Settings

    def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
        order = list(a.columns)
        return (
            a.astype(str)
            .sort_values(order, ignore_index=True)
            .equals(b.astype(str).sort_values(order, ignore_index=True))
        )

    print(
        "| query | rows | one by one (s) | in batches (s) | in pages (s) | same rows |\n|---|---:|---:|---:|---:|---|"
    )
    with db.session(Settings.from_env()) as sess:
        for read in [PROJECTION, *fact_reads(FACT_QUERIES, None).values()]:
            began = time.perf_counter()
            one = queries.frame(sess, read.query, **read.params)
            middle = time.perf_counter()
            batched = queries.batched_frame(sess, read.query, **read.params)
            end = time.perf_counter()
            bounds = {p.type: queries.key_bounds(sess, p.type, args.page_keys) for p in read.pagings}
            paged = pd.concat(queries.pages(sess, read.query, read.pagings, bounds, **read.params)) if bounds else one
            last = time.perf_counter()
            print(
                f"| `{read.query}` | {len(one):,} | {middle - began:.1f} | {end - middle:.1f} | "
                f"{last - end:.1f} | {same(one, batched) and same(one, paged)} |",
                flush=True,
            )


def partitions(args: argparse.Namespace) -> None:
    """The leads under the old global partition and per component at several scales, against --truth."""
    import random
    from pathlib import Path

    import igraph as ig
    import pandas as pd

    from duanka.detect import evaluate as ev
    from duanka.detect.communities import MIN_COMPONENT, partition
    from duanka.detect.ranking import rank_entities
    from duanka.detect.reading import read_graph
    from duanka.entity_keys import entity_keys
    from duanka.params import DetectParams
    from duanka.settings import Settings

    settings, params = Settings.from_env(), DetectParams()
    proj, facts = read_graph(settings)
    truth = ev.Truth.read(Path(args.truth))
    g = ig.Graph(n=len(proj.keys), edges=np.column_stack([proj.sources, proj.targets]).tolist())
    g.es["weight"] = proj.weights.tolist()
    random.seed(1)
    whole = np.asarray(g.community_multilevel(weights="weight").membership)
    components = np.asarray(g.connected_components().membership)
    small = np.bincount(components)[components] < MIN_COMPONENT
    weight = float(proj.weights.sum())
    ways = {"global (before issue 18)": np.where(small, components, whole + components.max() + 1)}
    for label, scale in [("weight / 3", weight / 3), ("1 M (the model's)", 1e6), ("weight × 3", weight * 3)]:
        ways[f"per component, scale {label}"] = partition(
            proj.keys, proj.sources, proj.targets, proj.weights, scale=scale
        )
    print(
        f"community graph weight {weight:,.0f}\n| partition | clusters | leads | p@R | recall | rings found | hn@500 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, membership in ways.items():
        entities, clusters = rank_entities(facts, pd.Series(membership, index=proj.keys), params)
        ranked = list(entity_keys(entities["entity_type"], entities["entity_id"]))
        m = ev.score_ranking(name, ranked, truth, flagged=int(entities["lead"].sum()))
        print(
            f"| {name} | {len(clusters)} | {m['flagged']:,} | {m['p@R']} | {m['recall']} | {m['rings_found']} | {m['hn_fp@500']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["engines", "database", "reads", "partitions"])
    parser.add_argument("--truth", help="partitions: the loaded world's truth.csv")
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--engines", nargs="+", default=["igraph", "leiden", "louvain"])
    parser.add_argument("--page-keys", type=int, default=1_000_000, help="reads: keys a page (queries.PAGE_KEYS)")
    args = parser.parse_args()
    {"engines": engines, "database": database, "reads": reads, "partitions": partitions}[args.mode](args)


if __name__ == "__main__":
    main()
