"""A cluster read as its supply chain: which entities each tier draws, in what order, and what is folded.

Pure data, no drawing: victim reports become counts on what they name, each tier draws its strongest
few (every entity type of the tier gets its turn) and counts the rest on a "+N more" row, and rows are
ordered so that links cross as little as a few barycentre sweeps can manage.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx

from graphmodel import tiers
from graphmodel.roles import OTHER, UNKNOWN
from graphmodel.tiers import FOLDED, OTHER_TIER, Tier, tier_of

PER_TIER = 14  # entities drawn per tier; the others are counted on its "+N more" row
SWEEPS = 4  # barycentre passes over the columns: enough for a cluster's few tiers


@dataclass(frozen=True)
class Entity:
    node: Hashable
    kind: str
    role: str
    label: str
    score: float
    reports: int  # victim reports naming it, drawn as a count on it


@dataclass(frozen=True)
class More:
    """A tier's entities beyond those drawn: one row, and the end of every link to any of them."""

    node: Hashable
    count: int
    kinds: tuple[tuple[str, int], ...]
    reports: int


@dataclass(frozen=True)
class Column:
    tier: Tier
    shown: tuple[Entity, ...]  # top to bottom
    more: More | None

    @property
    def total(self) -> int:
        """Entities of the cluster in this tier, drawn or not."""
        return len(self.shown) + (self.more.count if self.more else 0)

    @property
    def rows(self) -> tuple[Hashable, ...]:
        """What each row stands for, top to bottom: an entity's node, then the "+N more" row."""
        return (*(e.node for e in self.shown), *((self.more.node,) if self.more else ()))


@dataclass(frozen=True)
class Chain:
    columns: tuple[Column, ...]  # the cluster's tiers, upstream first; empty tiers left out
    links: tuple[tuple[Hashable, Hashable, str], ...]  # between rows: (upstream row, downstream row, relationship)
    reports: int  # victim reports folded into counts


def _reports_named(graph: nx.Graph) -> tuple[Counter[Hashable], int]:
    """Per entity, the folded nodes (victim reports) naming it; and how many folded nodes there are."""
    folded = [n for n, d in graph.nodes(data=True) if d.get("kind") in FOLDED]
    named: Counter[Hashable] = Counter()
    for report in folded:
        named.update(m for m in graph.neighbors(report) if graph.nodes[m].get("kind") not in FOLDED)
    return named, len(folded)


def _priority(entity: Entity, degree: int) -> tuple[bool, float, int, int, str]:
    """Suspected before the rest, then by score, by reports naming it and by links."""
    plain = entity.role in (OTHER.key, UNKNOWN.key)
    return (plain, -entity.score, -entity.reports, -degree, entity.label)


def _pick(
    tier: Tier, entities: list[Entity], graph: nx.Graph, degree: dict[Hashable, int], upstream: list[Entity]
) -> list[Entity]:
    """The tier's PER_TIER to draw.

    First, for the entities drawn upstream (`upstream`, dealer first), one each of what they link to here
    (up to half the tier), so the chain reads through from dealer to device; then the best of the rest, each entity
    type taking its turn so cards do not crowd out accounts.
    """

    def rank(e: Entity) -> tuple[bool, float, int, int, str]:
        return _priority(e, degree[e.node])

    here = {e.node: e for e in entities}
    picked: list[Entity] = []
    for anchor in upstream:
        if len(picked) >= PER_TIER // 2:
            break
        linked = [here[m] for m in graph.neighbors(anchor.node) if m in here]
        if linked and not any(e in picked for e in linked):
            picked.append(min(linked, key=rank))
    kinds = sorted({e.kind for e in entities}, key=lambda k: (_kind_rank(tier, k), k))
    queues = {k: sorted((e for e in entities if e.kind == k and e not in picked), key=rank) for k in kinds}
    while len(picked) < PER_TIER and any(queues.values()):
        for k in kinds:
            if queues[k] and len(picked) < PER_TIER:
                picked.append(queues[k].pop(0))
    return picked


def _kind_rank(tier: Tier, kind: str) -> int:
    return tier.entity_types.index(kind) if kind in tier.entity_types else len(tier.entity_types)


def plan(graph: nx.Graph) -> Chain:
    """The drawing's content: nodes carry `kind`, `role`, `label` and optionally `score`."""
    named, folded = _reports_named(graph)
    by_tier: dict[Tier, list[Entity]] = defaultdict(list)
    for node, d in graph.nodes(data=True):
        kind = str(d.get("kind") or "unknown")
        if kind in FOLDED:
            continue
        role_key = str(d.get("role") or OTHER.key)
        score = d.get("score")
        label = str(d.get("label") or "")  # as the caller masked it; never the node key, which may be an id
        entity = Entity(node, kind, role_key, label, float(score or 0.0), named[node])
        by_tier[tier_of(kind, role_key)].append(entity)
    degree = {n: sum(1 for m in graph.neighbors(n) if graph.nodes[m].get("kind") not in FOLDED) for n in graph}
    columns: list[Column] = []
    for tier in (*tiers.TIERS, OTHER_TIER):  # read at each call, as tier_of reads it
        entities = by_tier.get(tier, [])
        if not entities:
            continue
        shown = _pick(tier, entities, graph, degree, [e for c in columns for e in c.shown])
        rest = [e for e in entities if e not in shown]
        more = (
            More(
                ("+more", tier.key),
                len(rest),
                tuple(sorted(Counter(e.kind for e in rest).items(), key=lambda kc: (_kind_rank(tier, kc[0]), kc[0]))),
                sum(e.reports for e in rest),
            )
            if rest
            else None
        )
        columns.append(Column(tier, tuple(shown), more))
    links = _links(graph, columns)
    return Chain(_ordered(columns, links), links, folded)


def _links(graph: nx.Graph, columns: list[Column]) -> tuple[tuple[Hashable, Hashable, str], ...]:
    """The graph's edges between rows, upstream end first; an entity not drawn is its tier's "+N more" row."""
    row_of: dict[Hashable, tuple[int, Hashable]] = {}
    for i, column in enumerate(columns):
        for e in column.shown:
            row_of[e.node] = (i, e.node)
        if column.more:
            stand_in = column.more.node
            row_of.update({n: (i, stand_in) for n in graph if n not in row_of and _in(graph, n, column.tier)})
    seen: dict[frozenset[Hashable], tuple[Hashable, Hashable, str]] = {}
    for a, b, d in graph.edges(data=True):
        if a not in row_of or b not in row_of:
            continue  # a folded report
        (i, ra), (j, rb) = row_of[a], row_of[b]
        if ra == rb:
            continue
        key = frozenset((ra, rb))
        if key not in seen:
            seen[key] = (ra, rb, str(d.get("label", ""))) if i <= j else (rb, ra, str(d.get("label", "")))
    return tuple(sorted(seen.values(), key=lambda link: (str(link[0]), str(link[1]))))


def _in(graph: nx.Graph, node: Hashable, tier: Tier) -> bool:
    d = graph.nodes[node]
    kind = str(d.get("kind") or "unknown")
    return kind not in FOLDED and tier_of(kind, str(d.get("role") or OTHER.key)) == tier


def _ordered(columns: list[Column], links: tuple[tuple[Hashable, Hashable, str], ...]) -> tuple[Column, ...]:
    """Rows sorted within each entity type by the mean height of what they link to, sweep after sweep."""
    neighbours: dict[Hashable, list[Hashable]] = defaultdict(list)
    for a, b, _ in links:
        neighbours[a].append(b)
        neighbours[b].append(a)
    order = [list(c.shown) for c in columns]

    def heights() -> dict[Hashable, float]:
        at: dict[Hashable, float] = {}
        for column, shown in zip(columns, order, strict=True):
            rows = [e.node for e in shown] + ([column.more.node] if column.more else [])
            at.update({n: i / max(1, len(rows) - 1) for i, n in enumerate(rows)})
        return at

    for _ in range(SWEEPS):
        for i, column in enumerate(columns):
            at = heights()
            own = {e.node for e in order[i]}

            def key(
                e: Entity, column: Column = column, at: dict[Hashable, float] = at, own: set[Hashable] = own
            ) -> tuple[int, str, float, str]:
                others = [at[n] for n in neighbours[e.node] if n in at and n not in own]
                centre = sum(others) / len(others) if others else at[e.node]
                return (_kind_rank(column.tier, e.kind), e.kind, centre, e.label)

            order[i] = sorted(order[i], key=key)
    return tuple(Column(c.tier, tuple(shown), c.more) for c, shown in zip(columns, order, strict=True))
