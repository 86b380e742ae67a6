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
Inside a shard only the components holding a seed are partitioned (run.seeds: seed and expand).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from duanka import db, queries
from duanka.detect import increment, run, signals
from duanka.detect.communities import connected
from duanka.params import DetectParams
from duanka.settings import Settings

WHOLE = ("targets", "decisions")  # fact tables every shard needs in full: read once


@dataclass(frozen=True)
class Shard:
    """Whole components of the community graph: its part of the projection (numbered locally)."""

    part: run.Projection
    share: float = 1.0  # of the graph's nodes: a shard's reads hold about that share of a whole read

    @cached_property
    def region(self) -> increment.Region:
        """Its entities, as an incremental run's region: ids per kind, the fact queries' scope."""
        return increment.Region(set(self.part.keys))


@dataclass(frozen=True)
class Shared:
    """What every shard reads whole: busy callers' callees, decisions, the evidence the graph held."""

    targets: pd.DataFrame
    decisions: pd.DataFrame
    evidence: dict[str, int] = field(default_factory=dict)


def read_shared(settings: Settings) -> Shared:
    """The fact tables no shard can cut, read once."""
    facts = run.read_facts(settings, tables=WHOLE)
    return Shared(facts.targets, facts.decisions, facts.evidence)


def unprojected(settings: Settings) -> list[str]:
    """Cards and accounts on record that the community graph leaves out (each a component of its own)."""
    with db.session(settings) as sess:
        return [r["key"] for r in db.read(sess, queries.load("detect/unprojected_keys"))]


def cut(proj: run.Projection, alone: list[str], shards: int) -> list[Shard]:
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
        local = run.Projection(
            keys[inside], number[proj.sources[edges]], number[proj.targets[edges]], proj.weights[edges]
        )
        parts.append(Shard(local, float(inside.mean())))
    return parts


def read(settings: Settings, shard: Shard, shared: Shared) -> signals.Facts:
    """The shard's facts, read from Neo4j by the worker that scores them; the whole tables beside them."""
    tables = [t for t in run.FACT_QUERIES if t not in WHOLE]
    facts = run.read_facts(settings, shard.region.scope, tables=tables, share=shard.share)
    facts.targets, facts.decisions, facts.evidence = shared.targets, shared.decisions, shared.evidence
    return facts


def first_pass(facts: signals.Facts, shard: Shard, params: DetectParams) -> run.Suspicions:
    """The shard's own first pass; its first-level mules are only those among its own accounts (the
    counterparties it reads transfers of are scored, whole, by their own shard)."""
    first = run.first_pass(facts, params)
    mine = first.payers.intersection(pd.Index(sorted(shard.region.ids("account"))))
    return run.Suspicions(first.parts, first.scored, mine)


def payers(first: run.Suspicions) -> frozenset[str]:
    """The first-level mules a shard found (small: gathered by the driver)."""
    return frozenset(str(a) for a in first.payers)


def score(
    facts: signals.Facts,
    first: run.Suspicions,
    shard: Shard,
    every_payer: frozenset[str],
    detect: run.DetectRun,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shard's entities and clusters as a full run scores them: the money path followed with every
    shard's mules, only the seeds' components partitioned."""
    params = detect.params
    elsewhere = every_payer - shard.region.ids("account")
    own = run.suspicions(facts, params, frozenset(elsewhere), first)
    community = run.partitioned(detect, shard.part, run.seeds(own.scored, params))
    entities, clusters = run.score(facts, community, params, ranker=detect.ranker, own=own)
    return increment.within(shard.region, entities, clusters)
