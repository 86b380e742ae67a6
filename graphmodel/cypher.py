"""Cypher generated from the schema: constraints, indexes and batched MERGE loaders.

Only names from the declaration (labels, types, property names) are placed
into the text; every value travels as a parameter. Temporal values travel as
ISO 8601 strings and become Neo4j DateTime/Date here: the driver's own
temporal encoding costs ~100 µs a value, parsing in the server next to nothing.
"""

from __future__ import annotations

from graphmodel.schema import NODES, RELATIONSHIPS, NodeSchema, Prop, RelSchema, Statement, node

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


def temporal(p: Prop) -> bool:
    return p.kind in ("datetime", "date")


def _value(p: Prop, source: str) -> str:
    ref = f"{source}.{p.name}"
    return f"{p.kind}({ref})" if temporal(p) else ref  # datetime(null) and date(null) are null


def _sets(var: str, props: tuple[Prop, ...], skip: str | None = None) -> str:
    """One SET clause naming every declared property: a missing value keeps the stored one.

    Plain values arrive in row.props, temporal ones in row.t, min/max-merged ones
    in row.range. Naming properties one by one (never ``SET x += map``) lets the
    planner see that no write touches the key a MERGE reads, so it plans no Eager.
    """
    items = [f"{var}.load_id = $load_id"]
    for p in props:
        if p.name == skip:
            continue
        current = f"{var}.{p.name}"
        if p.merge == "replace":
            items.append(f"{current} = coalesce({_value(p, 'row.t' if temporal(p) else 'row.props')}, {current})")
        else:
            new = _value(p, "row.range")
            better = "<" if p.merge == "min" else ">"
            items.append(f"{current} = CASE WHEN {current} IS NULL OR {new} {better} {current} THEN coalesce({new}, {current}) ELSE {current} END")
    return "SET " + ",\n    ".join(items)


def merge_nodes(n: NodeSchema) -> Statement:
    """Upsert a batch of source records: ``$rows`` of ``{key, props, t}`` (no nulls in the maps)."""
    cypher = "\n".join([
        f"// Upsert {n.label} nodes from source records; absent values keep what the graph had.",
        "UNWIND $rows AS row",
        f"MERGE (n:{n.label} {{{n.key}: row.key}})",
        _sets("n", tuple(p for p in n.props if p.name != "on_record")) + (",\n    n.on_record = true" if n.has("on_record") else ""),
    ])
    return Statement(f"load_{_snake(n.label)}", cypher, ("rows", "load_id"))


def merge_stubs(n: NodeSchema) -> Statement:
    """Nodes named only by a link (a callee of another operator, a device seen only in a link)."""
    cypher = "\n".join([
        f"// {n.label} nodes known only as the end of a link: key only; on_record stays unset.",
        "UNWIND $keys AS key",
        f"MERGE (:{n.label} {{{n.key}: key}})",
    ])
    return Statement(f"stub_{_snake(n.label)}", cypher, ("keys",))


def merge_relationships(r: RelSchema) -> Statement:
    """Upsert a batch of ``{start, end, props, t, range}`` between nodes that exist (stubs come first)."""
    start, end = node(r.start), node(r.end)
    key = f" {{{r.key}: row.props.{r.key}}}" if r.key else ""
    lines = [
        f"// Upsert {r.name}; a repeated observation widens first/last seen instead of doubling.",
        "UNWIND $rows AS row",
        f"MATCH (a:{start.label} {{{start.key}: row.start}})",
        f"MATCH (b:{end.label} {{{end.key}: row.end}})",
        f"MERGE (a)-[r:{r.type}{key}]->(b)",
        _sets("r", r.props, skip=r.key),
    ]
    return Statement(f"load_{r.type.lower()}", "\n".join(lines), ("rows", "load_id"))


def key_conflicts(r: RelSchema) -> Statement:
    """Rows whose globally unique key is already in the graph between other nodes."""
    start, end = node(r.start), node(r.end)
    cypher = "\n".join([
        f"// {r.type} keys this extract reuses for other endpoints: such rows are quarantined, not loaded.",
        "UNWIND $rows AS row",
        f"MATCH (a:{start.label})-[r:{r.type} {{{r.key}: row.key}}]->(b:{end.label})",
        f"WHERE a.{start.key} <> row.start OR b.{end.key} <> row.end",
        f"RETURN row.key AS key, a.{start.key} AS start, b.{end.key} AS end",
    ])
    return Statement(f"conflicts_{r.type.lower()}", cypher, ("rows",))


def loaders() -> list[Statement]:
    """Every statement ingest runs, in the order it runs them."""
    sources = [n for n in NODES if not n.analysis]
    return (
        [merge_nodes(n) for n in sources]
        + [merge_stubs(n) for n in sources if any(r.stub_end or r.stub_start for r in RELATIONSHIPS if n.label in (r.start, r.end))]
        + [merge_relationships(r) for r in RELATIONSHIPS if not r.analysis]
    )
