"""Counts of what the graph holds, per label and per relationship type."""

from __future__ import annotations

import neo4j

from graphmodel.schema import NODES, RELATIONSHIPS


def graph_counts(session: neo4j.Session) -> dict[tuple[str, str], int]:
    """Counts from Neo4j's count store: instant, whatever the graph's size.

    Labels and types come from the schema declaration, never from data, so
    they may stand in the query text (Cypher 5 cannot take them as parameters
    and still use the count store).
    """
    counts: dict[tuple[str, str], int] = {}
    for n in NODES:
        counts[("node", n.label)] = session.run(f"MATCH (n:{n.label}) RETURN count(n) AS c").single(strict=True)["c"]
    for rel_type in sorted({r.type for r in RELATIONSHIPS}):
        query = f"MATCH ()-[r:{rel_type}]->() RETURN count(r) AS c"
        counts[("relationship", rel_type)] = session.run(query).single(strict=True)["c"]
    return counts
