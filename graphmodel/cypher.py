"""Cypher generated from the schema: constraints, indexes and batched MERGE loaders.

Only names from the declaration (labels, types, property names) are placed
into the text; every value travels as a parameter.
"""

from __future__ import annotations

from graphmodel.schema import NODES, RELATIONSHIPS, NodeSchema, RelSchema, Statement, node


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def constraints() -> list[Statement]:
    """One uniqueness constraint per node key and relationship key, plus declared indexes."""
    out: list[Statement] = []
    for n in NODES:
        name = f"{_snake(n.label)}_{n.key}_unique"
        out.append(Statement(name, f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{n.label}) REQUIRE n.{n.key} IS UNIQUE"))
        for p in n.props:
            if p.indexed:
                iname = f"{_snake(n.label)}_{p.name}_index"
                out.append(Statement(iname, f"CREATE INDEX {iname} IF NOT EXISTS FOR (n:{n.label}) ON (n.{p.name})"))
    for r in RELATIONSHIPS:
        if r.key_unique:
            name = f"{r.type.lower()}_{r.key}_unique"
            out.append(Statement(
                name, f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR ()-[r:{r.type}]-() REQUIRE r.{r.key} IS UNIQUE"
            ))
    return out


def _merge_rules(var: str, rel_or_node_props, source: str) -> list[str]:
    lines = []
    for p in rel_or_node_props:
        if p.merge == "replace":
            continue
        better = "<" if p.merge == "min" else ">"
        lines.append(
            f"SET {var}.{p.name} = CASE WHEN {source}.{p.name} IS NULL THEN {var}.{p.name} "
            f"WHEN {var}.{p.name} IS NULL OR {source}.{p.name} {better} {var}.{p.name} "
            f"THEN {source}.{p.name} ELSE {var}.{p.name} END"
        )
    return lines


def merge_nodes(n: NodeSchema) -> Statement:
    """Upsert a batch of source records: ``$rows`` of ``{key, props}`` (props without nulls)."""
    cypher = "\n".join([
        f"// Upsert {n.label} nodes from source records; absent values keep what the graph had.",
        "UNWIND $rows AS row",
        f"MERGE (n:{n.label} {{{n.key}: row.key}})",
        "SET n += row.props, n.load_id = $load_id" + (", n.on_record = true" if n.has("on_record") else ""),
    ])
    return Statement(f"load_{_snake(n.label)}", cypher, ("rows", "load_id"))


def _endpoint(var: str, label: str, field: str, stub: bool) -> str:
    n = node(label)
    verb = "MERGE" if stub else "MATCH"
    line = f"{verb} ({var}:{label} {{{n.key}: row.{field}}})"
    if stub and n.has("on_record"):
        line += f"\n  ON CREATE SET {var}.on_record = false"
    return line


def merge_relationships(r: RelSchema) -> Statement:
    """Upsert a batch of ``{start, end, props, range}``; ``range`` holds min/max-merged values."""
    key = f" {{{r.key}: row.props.{r.key}}}" if r.key else ""
    ranged = [p for p in r.props if p.merge != "replace"]
    lines = [
        f"// Upsert {r.name}; a repeated observation widens first/last seen instead of doubling.",
        "UNWIND $rows AS row",
        _endpoint("a", r.start, "start", r.stub_start),
        _endpoint("b", r.end, "end", r.stub_end),
        f"MERGE (a)-[r:{r.type}{key}]->(b)",
        "SET r += row.props, r.load_id = $load_id",
        *_merge_rules("r", ranged, "row.range"),
    ]
    return Statement(f"load_{r.type.lower()}", "\n".join(lines), ("rows", "load_id"))


def loaders() -> list[Statement]:
    return [merge_nodes(n) for n in NODES if n.label not in ("Run", "Cluster")] + [
        merge_relationships(r) for r in RELATIONSHIPS if not r.analysis
    ]
