"""Cypher generated from the schema: constraints, indexes and batched MERGE loaders.

Only names from the declaration (labels, types, property names) are placed
into the text; every value travels as a parameter. Loader rows travel as
lists laid out by `node_fields`/`rel_fields`, and temporal values as ISO 8601
strings that become Neo4j DateTime/Date here: the driver's own temporal
encoding costs ~100 µs a value, parsing in the server a few.
"""

from __future__ import annotations

import re

from graphmodel.roles import DECISIONS
from graphmodel.schema import (
    KEYED,
    LOAD_ID,
    LOADED_RELATIONSHIPS,
    NODES,
    RELATIONSHIPS,
    SCORED,
    NodeSchema,
    Prop,
    RelSchema,
    Statement,
    node,
)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def constraints() -> list[Statement]:
    """One uniqueness constraint per node key and relationship key, plus declared indexes."""
    out: list[Statement] = []
    for n in NODES:
        name = f"{_snake(n.label)}_{n.key}_unique"
        out.append(
            Statement(name, f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{n.label}) REQUIRE n.{n.key} IS UNIQUE")
        )
        for p in n.props:
            if p.indexed:
                iname = f"{_snake(n.label)}_{p.name}_index"
                out.append(Statement(iname, f"CREATE INDEX {iname} IF NOT EXISTS FOR (n:{n.label}) ON (n.{p.name})"))
    if LOAD_ID.indexed:
        for n in KEYED:
            iname = f"{_snake(n.label)}_load_id_index"
            out.append(Statement(iname, f"CREATE INDEX {iname} IF NOT EXISTS FOR (n:{n.label}) ON (n.load_id)"))
        for r in LOADED_RELATIONSHIPS:
            iname = f"{r.type.lower()}_load_id_index"
            out.append(Statement(iname, f"CREATE INDEX {iname} IF NOT EXISTS FOR ()-[r:{r.type}]-() ON (r.load_id)"))
    for r in RELATIONSHIPS:
        if r.key_unique:
            name = f"{r.type.lower()}_{r.key}_unique"
            out.append(
                Statement(
                    name, f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR ()-[r:{r.type}]-() REQUIRE r.{r.key} IS UNIQUE"
                )
            )
    return out


def temporal(p: Prop) -> bool:
    """Whether a property is a date or time (sent as text, converted in the server)."""
    return p.kind in ("datetime", "date")


def node_fields(n: NodeSchema) -> tuple[Prop, ...]:
    """The layout of one loader row for `n`: its key, then every property ingest writes."""
    return (Prop(n.key), *(p for p in n.props if p.by == "ingest" and p.name not in (n.key, "on_record")))


def rel_fields(r: RelSchema) -> tuple[Prop, ...]:
    """The layout of one loader row for `r`: the element ids of its two ends, then its properties."""
    return (Prop("start_id"), Prop("end_id"), *r.props)


def _bind(fields: tuple[Prop, ...]) -> str:
    """Name each position of a row once; temporal text becomes a DateTime/Date here, once per row."""
    names = [
        f"{p.kind}(row[{i}]) AS {p.name}" if temporal(p) else f"row[{i}] AS {p.name}" for i, p in enumerate(fields)
    ]
    return "UNWIND $rows AS row\nWITH " + ", ".join(names)


def _on_create(var: str, props: tuple[Prop, ...], fixed: tuple[str, ...] = ()) -> str:
    items = [f"{var}.load_id = $load_id", *(f"{var}.{p.name} = {p.name}" for p in props), *fixed]
    return "ON CREATE SET " + ",\n    ".join(items)


def _on_match(var: str, props: tuple[Prop, ...], fixed: tuple[str, ...] = ()) -> str:
    """A repeated observation: a null keeps the stored value; min/max properties only ever widen."""
    items = [f"{var}.load_id = $load_id"]
    for p in props:
        stored = f"{var}.{p.name}"
        if p.merge == "replace":
            items.append(f"{stored} = coalesce({p.name}, {stored})")
        else:
            keep = "<" if p.merge == "min" else ">"
            items.append(
                f"{stored} = CASE WHEN {stored} {keep} {p.name} THEN {stored} ELSE coalesce({p.name}, {stored}) END"
            )
    return "ON MATCH SET " + ",\n    ".join(items + list(fixed))


def merge_nodes(n: NodeSchema) -> Statement:
    """Upsert a batch of source records: ``$rows`` of lists laid out as `node_fields`.

    Rows are lists, not maps, and every property is named (never ``SET x += map``):
    both measured cheaper in the server (docs/benchmarks.md).
    """
    fields = node_fields(n)
    fixed = ("n.on_record = true",) if n.has("on_record") else ()  # a source record, not just a link's end
    cypher = "\n".join(
        [
            f"// Upsert {n.label} nodes from source records; a null keeps what the graph had.",
            _bind(fields),
            f"MERGE (n:{n.label} {{{n.key}: {n.key}}})",
            _on_create("n", fields[1:], fixed),
            _on_match("n", fields[1:], fixed),
            _element_ids(n.key),
        ]
    )
    return Statement(f"load_{_snake(n.label)}", cypher, ("rows", "load_id"))


def merge_stubs(n: NodeSchema) -> Statement:
    """Nodes named only by a link (a callee of another operator, a device seen only in a link)."""
    comment = f"// {n.label} nodes known only as the end of a link: key only; on_record stays unset."
    return Statement(f"stub_{_snake(n.label)}", _by_key(n, "MERGE", comment), ("keys",))


def locate_nodes(n: NodeSchema) -> Statement:
    """Element ids of nodes an earlier load wrote, for the relationships this load hangs on them."""
    comment = f"// {n.label} nodes by key, for relationship rows whose ends this load did not write itself."
    return Statement(f"locate_{_snake(n.label)}", _by_key(n, "MATCH", comment), ("keys",))


def _by_key(n: NodeSchema, clause: str, comment: str) -> str:
    """`clause` (MATCH or MERGE) each of ``$keys`` as an `n`, answering with its element id."""
    return "\n".join([comment, "UNWIND $keys AS key", f"{clause} (n:{n.label} {{{n.key}: key}})", _element_ids("key")])


def _element_ids(key: str) -> str:
    """Each key with its node's element id: relationship rows then find their ends without an index seek."""
    return f"RETURN collect([{key}, elementId(n)]) AS ids"


def _rows_between(r: RelSchema) -> list[str]:
    """Name each row's values and find its two ends by element id (measured 25 % cheaper than by key).

    The loader resolves each key to its element id once (from the node and stub
    statements, or `locate_nodes`), while it holds the writer lock; the label
    check keeps a row from landing on a node of another kind.
    """
    start, end = node(r.start), node(r.end)
    return [
        f"// start_id, end_id: element ids of the {start.label} and {end.label} the row's keys name (resolved once per load).",
        _bind(rel_fields(r)),
        f"MATCH (a:{start.label}) WHERE elementId(a) = start_id",
        f"MATCH (b:{end.label}) WHERE elementId(b) = end_id",
    ]


def merge_relationships(r: RelSchema) -> Statement:
    """Upsert a batch of rows laid out as `rel_fields`, between nodes that exist (stubs come first)."""
    key = f" {{{r.key}: {r.key}}}" if r.key else ""
    props = tuple(p for p in r.props if p.name != r.key)
    lines = [
        f"// Upsert {r.name}; a repeated observation widens first/last seen instead of doubling.",
        *_rows_between(r),
        f"MERGE (a)-[r:{r.type}{key}]->(b)",
        _on_create("r", props),
        _on_match("r", props),
    ]
    return Statement(f"load_{r.type.lower()}", "\n".join(lines), ("rows", "load_id"))


def create_relationships(r: RelSchema) -> Statement:
    """First load of a type: rows `merge_relationships` would only ever create, written without MERGE's checks.

    Ingest uses it only for a type the graph held none of when the load began,
    and only for a row's first sighting in that load; a retried batch falls back
    to the MERGE, so a commit whose answer was lost cannot write a row twice.
    """
    props = ", ".join(["load_id: $load_id", *(f"{p.name}: {p.name}" for p in r.props)])
    lines = [
        f"// Create {r.name} on its first load; rows that may exist already go through load_{r.type.lower()}.",
        *_rows_between(r),
        f"CREATE (a)-[r:{r.type} {{{props}}}]->(b)",
    ]
    return Statement(f"create_{r.type.lower()}", "\n".join(lines), ("rows", "load_id"))


def present() -> Statement:
    """How many of each loaded label and type the graph holds: read from the count store, instantly."""
    counts = [f"COUNT {{ (:{n.label}) }} AS {n.label}" for n in KEYED]
    counts += [f"COUNT {{ ()-[:{r.type}]->() }} AS {r.type}" for r in LOADED_RELATIONSHIPS]
    cypher = (
        "// What an ingest finds before it writes: labels and types at 0 can be loaded by CREATE.\nRETURN "
        + ",\n       ".join(counts)
    )
    return Statement("present", cypher)


def known_keys(r: RelSchema) -> Statement:
    """Which of a batch's globally unique keys the graph holds already, and between which ends.

    The loader sorts each row by the answer: a key between the same ends is an
    update (MERGE), between other ends a conflict (quarantined), absent a new
    relationship (CREATE).
    """
    start, end = node(r.start), node(r.end)
    cypher = "\n".join(
        [
            f"// {r.type} keys of an extract already in the graph, with the ends they join.",
            "UNWIND $keys AS key",
            f"MATCH (a:{start.label})-[r:{r.type} {{{r.key}: key}}]->(b:{end.label})",
            f"RETURN key, a.{start.key} AS start, b.{end.key} AS end",
        ]
    )
    return Statement(f"known_{r.type.lower()}", cypher, ("keys",))


def loaders() -> list[Statement]:
    """Every statement ingest runs, in the order it runs them."""
    sources = KEYED
    return (
        [merge_nodes(n) for n in sources]
        + [
            merge_stubs(n)
            for n in sources
            if any(r.stub_end or r.stub_start for r in RELATIONSHIPS if n.label in (r.start, r.end))
        ]
        + [locate_nodes(n) for n in sources]
        + [merge_relationships(r) for r in LOADED_RELATIONSHIPS]
        + [create_relationships(r) for r in LOADED_RELATIONSHIPS]
        + [known_keys(r) for r in LOADED_RELATIONSHIPS if r.key_unique]
    )


# The entity-type ↔ label/key mapping and the decision statuses, written into the hand-written queries that
# need them (`duanka docs`): each fragment below is recognised by its shape and rewritten from the
# declaration, so a query file never holds a stale copy and a new entity type reaches every query at once.
# (Investigators paste these queries into the Browser as they are, so the values are spelled out.)
_TYPE_OF = re.compile(r"CASE WHEN (?P<var>\w+):Person THEN 'person'.*? END")
_KEY_OF = re.compile(r"coalesce\((?P<var>\w+)\.person_id(?:, (?P=var)\.\w+)*\)")
_DECISIONS = re.compile(r"\$status IN \[[^\]]*\]")
_KEYS = re.compile(
    r"^(?P<indent>[ \t]*)WITH (?P<type>\S+) = 'person' AS wanted WHERE wanted\n"
    r"(?P=indent)MATCH \((?P<var>\w+):Person\) RETURN (?P=var)\.person_id AS key\n"
    r"(?:(?P=indent)UNION ALL\n(?P=indent)WITH [^\n]* AS wanted WHERE wanted\n(?P=indent)MATCH [^\n]* AS key\n)*",
    re.MULTILINE,
)
_WRITTEN = re.compile(
    r"^(?P<indent>[ \t]*)MATCH \(n:\w+\) WHERE n\.load_id >= (?P<since>\$\w+) RETURN n\n"
    r"(?:(?P=indent)UNION\n(?P=indent)MATCH [^\n]*\.load_id >= (?P=since) [^\n]*\n)*",
    re.MULTILINE,
)
_FIND = re.compile(
    r"^(?P<indent>[ \t]*)MATCH \((?P<var>\w+):Person \{person_id: (?P<id>[^}]+)\}\)"
    r"(?: WHERE (?P<type>\S+) = 'person')? RETURN (?P=var)\n"
    r"(?:(?P=indent)UNION\n(?P=indent)MATCH \((?P=var):\w+ \{\w+: (?P=id)\}\)[^\n]*\n)*",
    re.MULTILINE,
)


def type_of(var: str, nodes: tuple[NodeSchema, ...] = SCORED) -> str:
    """The entity type of node `var` as lead lists write it (person, sim, account, device)."""
    return "CASE " + " ".join(f"WHEN {var}:{n.label} THEN '{n.entity_type}'" for n in nodes) + " END"


def key_of(var: str, nodes: tuple[NodeSchema, ...] = SCORED) -> str:
    """The key of node `var`, whichever of `nodes` it is."""
    return "coalesce(" + ", ".join(f"{var}.{n.key}" for n in nodes) + ")"


def _key_of(m: re.Match[str]) -> str:
    """A scored entity's key where the query named only those; any loaded node's where it named more."""
    named = set(re.findall(r"\.(\w+)", m[0]))
    return key_of(m["var"], SCORED if named <= {n.key for n in SCORED} else KEYED)


def find_entity(
    var: str, id_expr: str, type_expr: str | None = None, indent: str = "", nodes: tuple[NodeSchema, ...] = SCORED
) -> str:
    """UNION arms matching the entity of `nodes` `id_expr` names (of type `type_expr`, when given) as `var`."""
    arms = []
    for n in nodes:
        where = f" WHERE {type_expr} = '{n.entity_type}'" if type_expr else ""
        arms.append(f"{indent}MATCH ({var}:{n.label} {{{n.key}: {id_expr}}}){where} RETURN {var}\n")
    return f"{indent}UNION\n".join(arms)


def keys_of(var: str, type_expr: str, indent: str = "") -> str:
    """UNION ALL arms returning, as `key`, the key of every scored entity of the type `type_expr` names
    (the others' arms never scan: their guard is false before any node is read)."""
    arms = [
        f"{indent}WITH {type_expr} = '{n.entity_type}' AS wanted WHERE wanted\n"
        f"{indent}MATCH ({var}:{n.label}) RETURN {var}.{n.key} AS key\n"
        for n in SCORED
    ]
    return f"{indent}UNION ALL\n".join(arms)


def written_since(since: str, indent: str = "") -> str:
    """UNION arms returning, as `n`, every node a load at or after `since` wrote and both ends of every
    relationship it wrote: one arm per loaded label and relationship type, so each seeks its load_id index."""
    arms = [f"{indent}MATCH (n:{n.label}) WHERE n.load_id >= {since} RETURN n\n" for n in KEYED]
    arms += [
        f"{indent}MATCH (a)-[r:{r.type}]->(b) WHERE r.load_id >= {since} UNWIND [a, b] AS n RETURN n\n"
        for r in LOADED_RELATIONSHIPS
    ]
    return f"{indent}UNION\n".join(arms)


def with_generated_fragments(text: str) -> str:
    """`text` with every entity fragment and status list rewritten from the declaration."""
    text = _FIND.sub(lambda m: find_entity(m["var"], m["id"], m["type"], m["indent"]), text)
    text = _WRITTEN.sub(lambda m: written_since(m["since"], m["indent"]), text)
    text = _KEYS.sub(lambda m: keys_of(m["var"], m["type"], m["indent"]), text)
    text = _DECISIONS.sub("$status IN [" + ", ".join(f"'{s}'" for s in DECISIONS) + "]", text)
    text = _TYPE_OF.sub(lambda m: type_of(m["var"]), text)
    return _KEY_OF.sub(_key_of, text)
