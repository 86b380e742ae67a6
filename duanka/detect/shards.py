"""Detection cut into shards of whole components, each read, partitioned and scored on its own.

The distributed path (duanka/detect/distributed.py) runs these functions as tasks; they take and return
plain values, so they are tested without a cluster. Why the shards' results, put together, equal a full
run's — the incremental run's argument (increment.py), applied to every component at once:
- communities never span components of the community graph, and each component is partitioned on its
  own, so a shard finds the communities the whole graph gives its components;
- every signal of an entity comes from its own component's facts except three, each handled: calls
  (busy callers' callees) and investigators' decisions are read once, whole, and given to every shard;
  money crosses components — an account is scored on how many first-level mules paid it, wherever they
  are — so every shard makes its first pass, the driver gathers the mules they found, and each shard's
  second pass knows them all;
- cluster scores, corroboration and order within a cluster depend on the cluster's own members.
Inside a shard only the components holding a seed are partitioned (ranking.seed_keys: seed and expand).

The same shards scored one after another in this process (`score_in_turn`) bound a big graph's memory to a
shard's facts and signals: the others' wait on disk meanwhile.
"""

from __future__ import annotations

import copy
import heapq
import math
import pickle
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from duanka import db, queries
from duanka.choices import Engine, Executor
from duanka.detect import increment, signals
from duanka.detect.communities import connected
from duanka.detect.job import DetectRun, Scored, timed
from duanka.detect.partitions import community_here
from duanka.detect.projection import Projection, edge_page, projection_of_pages
from duanka.detect.ranking import (
    Suspicions,
    first_suspicions,
    in_lead_order,
    own_suspicions,
    rank_entities,
    ranked_clusters,
    seed_keys,
)
from duanka.detect.reading import FACT_QUERIES, PROJECTION, fact_reads, read_facts, read_pages
from duanka.detect.region import Region, within
from duanka.entity_keys import entity_keys
from duanka.params import DetectParams
from duanka.settings import Settings

# Fact tables every shard needs in full, read once: the call graph, decisions, and the enterprises, ports and
# middle numbers (few; every shard scores them all and keeps its own, as an incremental run does).
WHOLE = ("targets", "decisions", *signals.RESOURCE_TABLES)

# A graph above this many relationships is scored in turn, shards of at most SHARD_NODES community-graph
# nodes (measured at the scaling curve's 300 k world: whole, the process held every fact table and
# signal frame at once; docs/benchmarks.md).
IN_TURN_ABOVE = 5_000_000
SHARD_NODES = 1_000_000


@dataclass(frozen=True)
class Shard:
    """Whole components of the community graph: its part of the projection (numbered locally)."""

    part: Projection
    share: float = 1.0  # of the graph's nodes: a shard's reads hold about that share of a whole read

    @cached_property
    def region(self) -> Region:
        """Its entities, as an incremental run's region: ids per type, the fact queries' scope."""
        return Region(set(self.part.keys))


@dataclass(frozen=True)
class Shared:
    """What every shard reads whole: busy callers' callees, decisions, the evidence the graph held, the
    resources (signals.RESOURCE_TABLES: table → rows)."""

    targets: pd.DataFrame
    decisions: pd.DataFrame
    evidence: dict[str, int] = field(default_factory=dict)
    resources: dict[str, pd.DataFrame] = field(default_factory=dict)


def read_shared(settings: Settings) -> Shared:
    """The fact tables no shard can cut, read once."""
    facts = read_facts(settings, tables=WHOLE)
    resources = {table: getattr(facts, table) for table in signals.RESOURCE_TABLES}
    return Shared(facts.targets, facts.decisions, facts.evidence, resources)


def unprojected(settings: Settings) -> list[str]:
    """Cards and accounts on record that the community graph leaves out (each a component of its own)."""
    with db.session(settings) as sess:
        return [r["key"] for r in db.read(sess, queries.load("detect/unprojected_keys"))]


def cut(proj: Projection, alone: list[str], shards: int) -> list[Shard]:
    """The graph in at most `shards` parts of whole components, near equal in nodes: components largest
    first, each to the shard holding fewest nodes so far (the largest component bounds the balance);
    `alone` (keys outside the community graph) joins as one-node components."""
    extra = sorted(set(alone) - set(proj.keys))
    keys = np.concatenate([proj.keys, np.asarray(extra, dtype=object)])
    components = connected(len(keys), proj.sources, proj.targets)
    names, component, sizes = np.unique(components, return_inverse=True, return_counts=True)
    shard_of = np.empty(len(names), dtype=np.int64)
    load = [(0, s) for s in range(shards)]
    for c in np.argsort(-sizes, kind="stable"):
        held, s = heapq.heappop(load)
        shard_of[c] = s
        heapq.heappush(load, (held + int(sizes[c]), s))
    node_shard, edge_shard = shard_of[component], shard_of[component[proj.sources]]
    parts = []
    for s in np.unique(node_shard):
        inside = node_shard == s
        number = np.cumsum(inside) - 1
        edges = edge_shard == s
        local = Projection(keys[inside], number[proj.sources[edges]], number[proj.targets[edges]], proj.weights[edges])
        parts.append(Shard(local, float(inside.mean())))
    return parts


def read_shard_facts(settings: Settings, shard: Shard, shared: Shared) -> signals.Facts:
    """The shard's facts, read from Neo4j by the worker that scores them; the whole tables beside them."""
    tables = [t for t in FACT_QUERIES if t not in WHOLE]
    facts = read_facts(settings, shard.region.scope, tables=tables, share=shard.share)
    facts.evidence = shared.evidence
    return _beside(facts, shared)


def shard_first_suspicions(facts: signals.Facts, shard: Shard, params: DetectParams) -> Suspicions:
    """The shard's own first pass; its first-level mules are only those among its own accounts (the
    counterparties it reads transfers of are scored, whole, by their own shard)."""
    first = first_suspicions(facts, params)
    mine = first.payers.intersection(pd.Index(sorted(shard.region.ids("account"))))
    return Suspicions(first.parts, first.scored, mine)


def payers(first: Suspicions) -> frozenset[str]:
    """The first-level mules a shard found (small: gathered by the driver)."""
    return frozenset(str(a) for a in first.payers)


def shard_results(
    facts: signals.Facts,
    first: Suspicions,
    shard: Shard,
    every_payer: frozenset[str],
    detect: DetectRun,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shard's entities and clusters as a full run scores them: the money path followed with every
    shard's mules, only the seeds' components partitioned."""
    params = detect.params
    elsewhere = every_payer - shard.region.ids("account")
    own = own_suspicions(facts, params, frozenset(elsewhere), first)
    community = community_here(detect, shard.part, seed_keys(own.scored, params))
    entities, clusters = rank_entities(facts, community, params, ranker=detect.ranker, own=own)
    entities, clusters = within(shard.region, entities, clusters)
    return entities[telling(entities)], clusters


def telling(entities: pd.DataFrame) -> pd.Series:
    """The entities a sharded run gathers: those with evidence, a cluster, a lead or a money suspicion; the
    rest (most of a big graph) score zero, are never written, and would only fill the gathering process."""
    return (entities["kinds"] > 0) | entities["lead"] | entities["cluster_id"].notna() | entities["pays_as_suspect"]


def gathered(
    results: list[tuple[pd.DataFrame, pd.DataFrame]],
    shared: Shared,
    graph: tuple[int, int],
    workers: int,
    executor: Executor,
    timings: dict[str, float],
) -> Scored:
    """The shards' entities and clusters as one run's: one lead order, one cluster ranking."""
    entities = in_lead_order(pd.concat([entities for entities, _ in results]))
    found = [clusters for _, clusters in results]
    clusters = ranked_clusters(pd.concat([c for c in found if len(c)] or found[:1], ignore_index=True))  # dtypes kept
    kept_for_next = increment.for_next(entities, signals.Facts(targets=shared.targets))
    return Scored(
        entities,
        clusters,
        graph,
        shared.evidence,
        kept_for_next,
        timings,
        executor=str(executor),
        shards=len(results),
        workers=workers,
    )


# The fact tables a shard's rows are dealt from: those a region's read limits to its own entities.
DEALT = tuple(table for table, query in FACT_QUERIES.items() if query.limited)


def score_in_turn(settings: Settings, detect: DetectRun) -> Scored:
    """Every entity scored and every cluster found, a shard at a time in this process: what a Dask worker
    does with each shard, so memory holds one shard's facts and signals (and the gathered results) instead
    of the whole graph's. The fact tables are read whole beside the projection, page by page onto disk,
    then each row dealt to the shards it is about; a shard's graph and first pass wait on disk too while the
    others make theirs. Timed: reading (with the dealing) and scoring (with the seeds' communities)."""
    timings: dict[str, float] = {}
    under = settings.work_dir / "runs"  # on disk: a temporary folder may be memory (tmpfs)
    under.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"{detect.run_id}-shards-", dir=under) as folder:
        spill = Spill(Path(folder))
        with timed(timings, "reading"):
            proj = spill.read(settings)
            shared = read_shared(settings)
            parts = cut(proj, unprojected(settings), max(1, math.ceil(len(proj.keys) / SHARD_NODES)))
            graph = proj.size
            del proj  # its shards hold their parts of it
            spill.deal(parts)
        every_payer: frozenset[str] = frozenset()
        for i, part in enumerate(parts):
            with timed(timings, "scoring"):
                facts = spill.facts(i, shared)
                first = shard_first_suspicions(facts, part, detect.params)
                every_payer |= payers(first)
                spill.keep(i, facts, first, part)
            del facts, first, part
        shards = len(parts)
        del parts  # each waits on disk with its first pass: memory holds one shard at a time
        results = []
        for i in range(shards):
            with timed(timings, "scoring"):
                results.append(shard_results(*spill.kept(i, shared), every_payer, detect))
    return gathered(results, shared, graph, 1, Executor.LOCAL, timings)


class Spill:
    """Fact tables' pages on disk, then their rows dealt to the shards they are about; the shards' first
    passes beside (pickles: a run's own files, gone with it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pages: dict[str, int] = {}  # put so far, per table

    def read(self, settings: Settings) -> Projection:
        """The community graph, and beside it (two reads at a time) the fact tables' pages put on disk."""
        edges: list[pa.Table] = []

        def take(name: str, rows: pd.DataFrame) -> None:
            if name == "edges":
                edges.append(edge_page(rows))
            else:
                self.put(name, rows)

        read_pages(settings, {"edges": PROJECTION, **fact_reads(DEALT, None)}, take)
        return projection_of_pages(edges)

    def put(self, table: str, rows: pd.DataFrame) -> None:
        """One page of a fact table, as read."""
        page = self.pages.get(table, 0)
        self._write(f"page-{table}-{page:06d}", rows)
        self.pages[table] = page + 1

    def deal(self, parts: list[Shard]) -> None:
        """Every page's rows to the shards of the entities they are about (a transfer: of both its ends;
        a row about no shard's entity: to none, as no region reads it)."""
        keys = pd.Index(np.concatenate([p.part.keys for p in parts]))
        shard_of = np.concatenate([np.full(len(p.part.keys), i) for i, p in enumerate(parts)])
        for path in sorted(self.folder.glob("page-*.pickle")):
            table, page = path.stem.split("-")[1:]
            rows: pd.DataFrame = _read(path)
            query = FACT_QUERIES[table]
            found = [keys.get_indexer(entity_keys(str(query.region_type), rows[column])) for column in query.rows_about]
            owners = [np.where(at >= 0, shard_of[at], -1) for at in found]
            for shard in np.unique(np.concatenate(owners)):
                if shard >= 0:
                    self._write(f"{shard}-{table}-{page}", rows[np.logical_or.reduce([o == shard for o in owners])])
            path.unlink()

    def facts(self, shard: int, shared: Shared) -> signals.Facts:
        """A shard's fact tables from its dealt pages (typed here, once), the tables every shard reads whole
        beside them (typed when read: not again for each shard)."""
        tables = {}
        for table in DEALT:
            found = sorted(self.folder.glob(f"{shard}-{table}-*.pickle"))
            if found:
                tables[table] = pd.concat([_read(f) for f in found], ignore_index=True)
        return _beside(signals.Facts(**tables, evidence=shared.evidence), shared)

    def keep(self, i: int, facts: signals.Facts, first: Suspicions, shard: Shard) -> None:
        """A shard with its facts and first pass, until every shard has made its own (the shared tables left out)."""
        own = copy.copy(facts)
        for table in WHOLE:
            setattr(own, table, getattr(facts, table).iloc[:0])
        self._write(f"first-{i}", (own, first, shard))

    def kept(self, i: int, shared: Shared) -> tuple[signals.Facts, Suspicions, Shard]:
        """A shard's facts, first pass and graph, as `keep` left them."""
        facts, first, shard = _read(self.folder / f"first-{i}.pickle")
        return _beside(facts, shared), first, shard

    def _write(self, name: str, value: object) -> None:
        with (self.folder / f"{name}.pickle").open("wb") as f:  # streamed: no second copy in memory
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)


def _read(path: Path) -> Any:
    with path.open("rb") as f:
        return pickle.load(f)


def _beside(facts: signals.Facts, shared: Shared) -> signals.Facts:
    """A shard's facts with the shared tables set as they are (Facts() would type them again)."""
    facts.targets, facts.decisions = shared.targets, shared.decisions
    for table, rows in shared.resources.items():
        setattr(facts, table, rows)
    return facts


def cut_into_shards(settings: Settings, run: DetectRun, executor: Executor) -> bool:
    """Whether the run scores the graph shard by shard: on Dask when asked, in turn in this process when
    the graph has over IN_TURN_ABOVE relationships (not with gds, which partitions the whole graph in Neo4j)."""
    if executor == Executor.DASK:
        return True
    if run.params.engine == Engine.GDS:
        return False
    with db.session(settings) as sess:
        return queries.relationship_count(sess) > IN_TURN_ABOVE
