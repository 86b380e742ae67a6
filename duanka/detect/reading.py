"""What detection reads: the community graph and the fact tables signals are computed from, from Neo4j or
from the analysis store (duanka/store/read.py; which one: source.py).

Every fact query is declared once here (FACT_QUERIES): the table it fills, its parameters, how a region
or a shard limits it to its own entities, which of its columns name the entities its rows are about, and
its counterpart over the store (queries/store/), or that it is read from the graph whichever reader reads.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from duanka import db, queries
from duanka.detect import evidence, signals
from duanka.detect.projection import EDGE_PARAMS, Projection, projection_of
from duanka.detect.source import Source
from duanka.errors import DuankaError
from duanka.settings import Settings
from duanka.store import read as store

# While one thread decodes a result, the server computes the next: medium's projection and fact
# queries took 34 s one at a time, 24.5 s two at a time, 27 s three at a time (2 cores, Neo4j beside).
READERS = 2


@dataclass(frozen=True)
class Read:
    """A read query, its parameters, and how it goes page by page in a graph too big for whole results
    (one paging per type of entity its rows are read from; none: row by row there)."""

    query: str
    params: dict[str, Any] = field(default_factory=dict)
    pagings: tuple[queries.Paging, ...] = ()


UNPAGED = {"from_key": None, "to_key": None}  # the key range of a page (paged_frame); unbounded: every row

# Holders, cards, accounts, ports and middle numbers start every projected relationship: paged by them, each
# is read once.
PROJECTION = Read(
    "detect/project_edges",
    {"type": None, **EDGE_PARAMS, **UNPAGED},
    tuple(queries.Paging(t, {"type": t}) for t in ("person", "sim", "account", "port", "middle_number")),
)


@dataclass(frozen=True)
class FactQuery:
    """One fact table and the query that fills it.

    A query limited by `region_param` (the ids of the region's `region_type` entities) reads only a region's
    or a shard's rows, page by page over those entities when read whole; one without is always read whole.
    `rows_about`: the columns naming the `region_type` entities a row is about (a shard's rows are those
    about its own entities; a transfer is about both its ends). `store`: the query of queries/store/ that
    gives the same rows from the analysis store; `graph_only`: what only the graph holds (investigators'
    decisions), read from Neo4j whichever reader reads the rest."""

    table: str
    query: str
    params: Mapping[str, Any] = field(default_factory=dict)
    region_param: str | None = None
    region_type: str | None = None
    rows_about: tuple[str, ...] = ()
    store: str | None = None
    graph_only: bool = False

    @property
    def limited(self) -> bool:
        """Whether a region's read reads only its own rows (else it is read whole)."""
        return self.region_param is not None

    def read(self, scope: Mapping[str, list[str]] | None = None) -> Read:
        """The read of this table, limited to the region `scope` names (None: the whole graph)."""
        if self.region_param is None or self.region_type is None:
            return Read(self.query, dict(self.params))
        limit = {self.region_param: (scope or {}).get(self.region_param)}
        return Read(self.query, {**self.params, **UNPAGED, **limit}, (queries.Paging(self.region_type),))

    def store_read(self, scope: Mapping[str, list[str]] | None = None) -> tuple[str, dict[str, Any]]:
        """Its query over the analysis store and parameters, limited to the region `scope` names."""
        if self.store is None:
            raise DuankaError(f"The fact table {self.table!r} has no query over the analysis store (queries/store/).")
        limit = {self.region_param: (scope or {}).get(self.region_param)} if self.region_param else {}
        return self.store, {**self.params, **limit}


FACT_QUERIES: dict[str, FactQuery] = {
    q.table: q
    for q in (
        FactQuery("sims", "detect/facts_sims", {}, "sims", "sim", ("msisdn",), "facts_sims"),
        FactQuery("seen", "detect/facts_seen", {}, "devices", "device", ("device",), "facts_seen"),
        FactQuery("accounts", "detect/facts_accounts", {}, "accounts", "account", ("account",), "facts_accounts"),
        FactQuery("used", "detect/facts_used_from", {}, "accounts", "account", ("account",), "facts_used_from"),
        # a page: the transfers its accounts paid; a shard's: those either end of which is its own
        FactQuery("transfers", "detect/facts_transfers", {}, "accounts", "account", ("src", "dst"), "facts_transfers"),
        # the whole call graph, always whole
        FactQuery("targets", "detect/facts_targets", {"min_callees": 1}, store="facts_targets"),
        FactQuery("decisions", "detect/facts_decisions", graph_only=True),
        # enterprises, SMS ports and middle numbers: few beside cards and accounts, always whole
        FactQuery("enterprises", "detect/facts_enterprises", store="facts_enterprises"),
        FactQuery("ports", "detect/facts_ports", store="facts_ports"),
        FactQuery("texts", "detect/facts_texts", store="facts_texts"),
        FactQuery("bindings", "detect/facts_bindings", store="facts_bindings"),
        FactQuery("holdings", "detect/facts_holdings", store="facts_holdings"),
        FactQuery("middle_calls", "detect/facts_middle_calls", store="facts_middle_calls"),
        FactQuery("named", "detect/facts_named", store="facts_named"),
    )
}
LIMITS = {q.region_param for q in FACT_QUERIES.values() if q.region_param}


def region_scope(ids_of_type: Callable[[str], Collection[str]]) -> dict[str, list[str]]:
    """The fact queries' limits that read a region's rows: each limiting parameter → the region's ids."""
    return {
        q.region_param: sorted(ids_of_type(q.region_type))
        for q in FACT_QUERIES.values()
        if q.region_param and q.region_type
    }


def fact_reads(tables: Collection[str], scope: Mapping[str, list[str]] | None) -> dict[str, Read]:
    """Fact tables → their reads, each limited to the region `scope` names (None: the whole graph)."""
    return {table: query.read(scope) for table, query in FACT_QUERIES.items() if table in tables}


def read_projection(settings: Settings, source: Source | None = None) -> Projection:
    """The community graph: holders, cards, accounts, devices, enterprises, SMS ports and middle numbers joined
    by what ties them (model.edge_weights)."""
    if source is not None and source.store:
        with store.opened(settings, source.loads) as con:
            return projection_of(store.arrow(con, "project_edges", **EDGE_PARAMS))
    return projection_of(read_frames(settings, {"edges": PROJECTION})["edges"])


def read_graph(settings: Settings, source: Source | None = None) -> tuple[Projection, signals.Facts]:
    """The community graph and every fact table, read together (read_frames: two queries at a time); from
    the analysis store where `source` says so (None: Neo4j)."""
    if source is not None and source.store:
        projection, facts = _from_store(settings, source, FACT_QUERIES, None, edges=True)
        assert projection is not None
        return projection, facts
    frames = read_frames(settings, {"edges": PROJECTION, **fact_reads(FACT_QUERIES, None)})
    edges = frames.pop("edges")
    return projection_of(edges), facts_with_evidence(settings, frames)


def read_facts(
    settings: Settings,
    scope: Mapping[str, list[str]] | None = None,
    tables: Collection[str] = tuple(FACT_QUERIES),
    share: float = 1.0,
    source: Source | None = None,
) -> signals.Facts:
    """The fact `tables` signals are computed from (the others empty), and which evidence the graph held
    at all; only the region's where `scope` names it (fact-query parameter → ids, about `share` of
    the graph: what the server holds of a result at once). From the analysis store where `source` says so."""
    if source is not None and source.store:
        return _from_store(settings, source, tables, scope, edges=False)[1]
    return facts_with_evidence(settings, read_frames(settings, fact_reads(tables, scope), share))


def _from_store(
    settings: Settings,
    source: Source,
    tables: Collection[str],
    scope: Mapping[str, list[str]] | None,
    edges: bool,
) -> tuple[Projection | None, signals.Facts]:
    """The projection (where `edges`) and fact tables from the store's rows of the source's loads; the
    tables only the graph holds (decisions) from Neo4j."""
    wanted = [q for t, q in FACT_QUERIES.items() if t in tables]
    from_graph = {q.table: q.read(scope) for q in wanted if q.graph_only}
    with store.opened(settings, source.loads) as con:
        frames = store.read_tables(con, {q.table: q.store_read(scope) for q in wanted if not q.graph_only})
        projection = projection_of(store.arrow(con, "project_edges", **EDGE_PARAMS)) if edges else None
        held = store.evidence(con)
    if from_graph:
        frames |= read_frames(settings, from_graph)
    return projection, signals.Facts(**frames, evidence=held)


def facts_with_evidence(settings: Settings, tables: dict[str, pd.DataFrame]) -> signals.Facts:
    """The fact tables read, with which evidence the graph holds at all (count store: instant)."""
    with db.session(settings) as sess:
        return signals.Facts(**tables, evidence=evidence.held(sess))


def read_frames(settings: Settings, reads: dict[str, Read], share: float = 1.0) -> dict[str, pd.DataFrame]:
    """Named reads' rows, each read as `read_pages` reads it."""
    got: dict[str, list[pd.DataFrame]] = {name: [] for name in reads}
    read_pages(settings, reads, lambda name, page: got[name].append(page), share)
    return {name: pages[0] if len(pages) == 1 else pd.concat(pages, ignore_index=True) for name, pages in got.items()}


def read_pages(
    settings: Settings, reads: dict[str, Read], take: Callable[[str, pd.DataFrame], None], share: float = 1.0
) -> None:
    """Named reads' rows handed to `take` (name, rows) as they arrive: whole, in batches, where whole
    results fit the server's heap (`share`: of the graph, see queries.batches_fit); else a page at a time
    where a read has pagings, whole and row by row where it has none (or is limited to a region's keys).
    READERS at a time, each on its own session; one read's pages in order, from one thread."""
    with db.connection(settings) as drv:
        with drv.session(database=settings.connection.database) as sess:
            batched = queries.batches_fit(sess, share)
            types = set() if batched else {p.type for r in reads.values() if _whole(r) for p in r.pagings}
            bounds = {t: queries.key_bounds(sess, t) for t in sorted(types)}

        def one(name: str) -> None:
            read = reads[name]
            with drv.session(database=settings.connection.database) as sess:
                if batched:
                    take(name, queries.batched_frame(sess, read.query, **read.params))
                elif not (read.pagings and _whole(read)):
                    take(name, queries.frame(sess, read.query, **read.params))
                else:
                    for page in queries.pages(sess, read.query, read.pagings, bounds, **read.params):
                        take(name, page)

        with ThreadPoolExecutor(READERS) as pool:
            list(pool.map(one, reads))  # raises the first error


def _whole(read: Read) -> bool:
    """Whether a read is of the whole graph (no region's keys given): only such reads are paged."""
    return all(value is None for key, value in read.params.items() if key in LIMITS)
