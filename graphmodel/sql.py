"""SQL generated from the schema: the analysis store's rows folded into the graph's current state.

The store (duanka/store/) keeps every load's rows as ingest wrote them; these tables fold them the way the
loaders' MERGEs do (graphmodel/cypher.py): a later row's value replaces an earlier one where it has one (a
null keeps it), min/max properties only widen, `load_id` is the last load that wrote the element. Rows are
ordered by load (load ids sort by time) and, within a load, by `seq`, the order ingest wrote them in: the
reader gives each row both in one integer, `ord` (duanka/store/read.py).
Only names from the declaration are placed into the text; filed under queries/store/ (`duanka docs`).
"""

from __future__ import annotations

from graphmodel.cypher import node_fields
from graphmodel.schema import KEYED, LOADED_RELATIONSHIPS, NodeSchema, Prop, RelSchema, Statement, node, relationship

START, END = "start_key", "end_key"  # a relationship row's ends: the keys of its start and end nodes
ORDER = "ord"  # the order rows were written in, across loads and within one


def table(name: str) -> str:
    """A label's or a type's table name in the store's SQL (Sim → sim, HOLDS_SIM → holds_sim)."""
    return "".join(
        f"_{c.lower()}" if c.isupper() and i and not name.isupper() else c.lower() for i, c in enumerate(name)
    )


def rows_of(name: str) -> str:
    """The name the store's rows of a label or type are read under (the rows of the loads read)."""
    return f"{table(name)}_rows"


def _folded(p: Prop) -> str:
    name = f'"{p.name}"'  # quoted: a property may be named as a function is (count)
    if p.merge == "min":
        return f"min({name}) AS {name}"
    if p.merge == "max":
        return f"max({name}) AS {name}"
    return f"arg_max({name}, {ORDER}) FILTER (WHERE {name} IS NOT NULL) AS {name}"


def node_state(n: NodeSchema) -> Statement:
    """One row per `n` an extract described, its properties as the graph holds them after the loads read
    (nodes named only as a link's end, stubs, are not here: they carry no properties)."""
    key, *props = node_fields(n)
    fixed = [", true AS on_record"] if n.has("on_record") else []
    lines = [
        f"-- {n.label} nodes the loads read described, folded as the loaders' MERGEs fold them. Generated.",
        f"-- Reads {rows_of(n.label)}: {key.name}, its properties, load_id, ord.",
        f"CREATE OR REPLACE TEMP TABLE {table(n.label)} AS",
        f"SELECT {key.name},",
        "       max(load_id) AS load_id,",
        *(f"       {_folded(p)}," for p in props),
        f"       max({ORDER}) AS written{''.join(fixed)}",
        f"FROM {rows_of(n.label)}",
        f"GROUP BY {key.name};",
    ]
    return Statement(f"state_{table(n.label)}", "\n".join(lines))


def identity(name: str) -> list[str]:
    """The columns a label's or a type's folded state has one row per (its key; a link's ends' keys and its
    own key where the type has one): what its fold groups by."""
    if not name.isupper():  # a label (Sim), not a type (HOLDS_SIM), as table() tells them apart
        return [node(name).key]
    r = relationship(name)
    return [START, END, *([r.key] if r.key else [])]


def rel_state(r: RelSchema) -> Statement:
    """One row per `r` relationship: its ends' keys, its key where the type has one, its properties."""
    keys = identity(r.type)
    props = [p for p in r.props if p.name != r.key]
    lines = [
        f"-- {r.name} relationships the loads read, folded as the loaders' MERGEs fold them. Generated.",
        f"-- Reads {rows_of(r.type)}: {', '.join(keys)}, the properties, load_id, ord.",
        f"CREATE OR REPLACE TEMP TABLE {table(r.type)} AS",
        f"SELECT {', '.join(keys)},",
        "       max(load_id) AS load_id,",
        *(f"       {_folded(p)}," for p in props),
        f"       max({ORDER}) AS written",
        f"FROM {rows_of(r.type)}",
        f"GROUP BY {', '.join(keys)};",
    ]
    return Statement(f"state_{table(r.type)}", "\n".join(lines))


def _stub_ends(n: NodeSchema) -> list[tuple[RelSchema, str]]:
    """The types whose rows may name an `n` the extracts never described (a stub), and at which end."""
    return [
        *((r, START) for r in LOADED_RELATIONSHIPS if r.start == n.label and r.stub_start),
        *((r, END) for r in LOADED_RELATIONSHIPS if r.end == n.label and r.stub_end),
    ]


def node_keys(n: NodeSchema) -> Statement:
    """One row per `n` node the graph holds after the loads: those an extract described and the stubs the
    loaders create for a link's end no file describes (as a MATCH on the label finds them all)."""
    ends = _stub_ends(n)
    arms = [f"SELECT {n.key} FROM {rows_of(n.label)}", *(f"SELECT {end} FROM {rows_of(r.type)}" for r, end in ends)]
    named = ", ".join(f"{r.type} ({'start' if end == START else 'end'})" for r, end in ends) or "no link"
    lines = [
        f"-- Every {n.label} node the loads read: described, or named only at an end of a link. Generated.",
        f"-- Reads {rows_of(n.label)} and the rows of the links whose ends may be stubs: {named}.",
        f"CREATE OR REPLACE TEMP TABLE {table(n.label)}_nodes AS",
        "\nUNION\n".join(arms) + ";",
    ]
    return Statement(f"nodes_{table(n.label)}", "\n".join(lines))


def states() -> list[Statement]:
    """Every loaded label's and type's state view, and each label's nodes, stubs too."""
    return (
        [node_state(n) for n in KEYED]
        + [rel_state(r) for r in LOADED_RELATIONSHIPS]
        + [node_keys(n) for n in KEYED if _stub_ends(n)]
    )
