"""Detection's reads from the analysis store: the fact tables, the community graph's edges and the evidence
held, computed with DuckDB over the Parquet files of the loads asked for.

Each label's and type's rows are folded into the graph's state by the generated views
(queries/store/state_*.sql), then read by the named queries beside them (queries/store/*.sql), which give
the rows and columns of their Cypher counterparts in queries/detect/. DuckDB, not Polars or pyarrow's
datasets: the same folds and joins measured quickest at `small` (docs/benchmarks.md), and they stay SQL
files, as the Cypher does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from duanka.errors import DuankaError
from duanka.settings import Settings, project_root
from duanka.store import folded, layout
from graphmodel.schema import KEYED, LOADED_RELATIONSHIPS
from graphmodel.sql import identity, rows_of, states, table

STORE_QUERIES = project_root() / "queries" / "store"
THREADS = 2  # the machines it runs on have two cores; DuckDB's default takes every core it sees


@cache
def sql(name: str) -> str:
    """The text of queries/store/<name>.sql (read once)."""
    path = STORE_QUERIES / f"{name}.sql"
    if not path.exists():
        raise DuankaError(f"No store query {name!r} in {STORE_QUERIES}")
    return path.read_text(encoding="utf-8")


ELEMENTS = tuple(n.label for n in KEYED) + tuple(r.type for r in LOADED_RELATIONSHIPS)
# What the queries of queries/store/ read, folded once a connection (folding every label and type took
# small's reads from 1.5 to 5 s): a query that reads another finds no such table, and says so.
FOLDED = (
    "Sim",
    "Account",
    "Device",
    "HOLDS_SIM",
    "HOLDS_ACCOUNT",
    "ACTIVATED_AT",
    "BOUND_TO",
    "SEEN_IN",
    "USED_FROM",
    "TRANSFER",
    "CALLED",
    "REPORTS_SIM",
    "REPORTS_ACCOUNT",
    # enterprises, SMS ports and middle numbers (detect/facts_enterprises … facts_named, the projection)
    "Enterprise",
    "Port",
    "LEGAL_PERSON_OF",
    "LEASED_BY",
    "RESOLD_BY",
    "SENT_TO",
    "BINDS",
    "HELD_BY",
    "DIALS_AS",
    "REPORTS_PORT",
)
# The labels whose every node, stubs too, a query reads as a MATCH on the label does (<label>_nodes).
EVERY_NODE = ("Enterprise", "Port")


def files_by_load(settings: Settings, loads: Sequence[str]) -> dict[str, dict[str, list[str]]]:
    """Each label's and type's Parquet files in each of the given loads (every one of them finished)."""
    found: dict[str, dict[str, list[str]]] = {element: {} for element in ELEMENTS}
    for load_id in loads:
        parts = layout.parts(settings, load_id)
        if parts is None:
            raise DuankaError(f"The analysis store holds no finished load {load_id}.")
        for part in parts:
            found[part.element].setdefault(load_id, []).append(str(part.path(settings, load_id)))
    return found


def files_of(settings: Settings, loads: Sequence[str]) -> dict[str, list[str]]:
    """Each label's and type's Parquet files in the given loads."""
    return {
        element: [path for paths in by_load.values() for path in paths]
        for element, by_load in files_by_load(settings, loads).items()
    }


# A row's place in the order rows were written in, as one integer (ORDER in graphmodel/sql.py): its load's rank
# among the loads read (load ids sort by time) above its `seq` within the load. The folds' arg_max over it
# took a third of the time they took over the pair (load_id, seq) (medium, 2026-12-07).
SEQ_BITS = 40


def _rows(
    con: duckdb.DuckDBPyConnection, element: str, by_load: dict[str, list[str]], first_rank: int = 0
) -> duckdb.DuckDBPyRelation:
    """An element's rows of the loads read, each with its `ord` (the loads ranked from `first_rank`)."""
    parts = [
        con.read_parquet(paths).project(f"*, {rank} * {1 << SEQ_BITS} + seq AS ord")
        for rank, (_, paths) in enumerate(sorted(by_load.items()), start=first_rank)
    ]
    if not parts:
        return con.from_arrow(layout.columns(element).empty_table()).project("*, seq AS ord")
    rows = parts[0]
    for part in parts[1:]:
        rows = rows.union(part)  # UNION ALL
    return rows


FOLDED_TABLES = {f"state_{table(e)}": table(e) for e in FOLDED} | {
    f"nodes_{table(label)}": f"{table(label)}_nodes" for label in EVERY_NODE
}  # each fold's statement name → the table it makes
_KEYS = {table(e): identity(e) for e in FOLDED} | {f"{table(label)}_nodes": identity(label) for label in EVERY_NODE}


def _same(keys: list[str], a: str, b: str) -> str:
    """SQL: rows `a` and `b` are of one element (a null key is a key, as GROUP BY takes it)."""
    return " AND ".join(f'{a}."{k}" IS NOT DISTINCT FROM {b}."{k}"' for k in keys)


def _rows_with_kept(con: duckdb.DuckDBPyConnection, element: str, since: str) -> None:
    """An element's rows to fold: those of the loads since (view `since`) and, as rows of one earlier load,
    the kept state of the elements they touch; each kept value at the ord it was last written at, below
    every ord of the loads since."""
    columns = ["CAST(NULL AS BIGINT) AS seq" if f.name == "seq" else f'k."{f.name}"' for f in layout.columns(element)]
    con.execute(
        f"CREATE VIEW {rows_of(element)} AS "
        f"SELECT {', '.join(columns)}, k.written AS ord FROM kept_{table(element)} k "
        f"SEMI JOIN {since} s ON {_same(identity(element), 'k', 's')} "
        f"UNION ALL SELECT * FROM {since}"
    )


def _fold(con: duckdb.DuckDBPyConnection, settings: Settings, loads: list[str], kept: folded.Checkpoint | None) -> None:
    """The folded tables of `loads`: the loads after the kept ones folded onto the kept state where there is
    one (only the elements they touch are folded again), else every load folded."""
    first = len(kept.loads) if kept else 0
    if kept is not None:
        for name in FOLDED_TABLES.values():
            con.read_parquet(kept.table(name)).create_view(f"kept_{name}")
    for element, by_load in files_by_load(settings, loads[first:]).items():
        onto_kept = kept is not None and element in FOLDED
        rows = _rows(con, element, by_load, first)
        rows.create_view(f"{rows_of(element)}_since" if onto_kept else rows_of(element))
        if onto_kept:
            _rows_with_kept(con, element, f"{rows_of(element)}_since")
    for state in states():
        if state.name in FOLDED_TABLES:
            con.execute(sql(state.name))
    if kept is not None:  # what the loads since did not touch, as it was kept
        for name in FOLDED_TABLES.values():
            same = _same(_KEYS[name], "k", "f")
            con.execute(f"INSERT INTO {name} SELECT k.* FROM kept_{name} k ANTI JOIN {name} f ON {same}")


@contextmanager
def opened(settings: Settings, loads: Sequence[str]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection on the store's rows of `loads`, the state of what detection reads folded (FOLDED,
    EVERY_NODE): read as kept where the kept state covers them all (duanka/store/folded.py), else folded and
    kept for the next read. Names placed into the SQL come from the schema's declaration, never from data."""
    ordered = sorted(loads)
    con = duckdb.connect(config={"threads": THREADS})
    try:
        kept = folded.find(settings, ordered)
        if kept is not None and len(kept.loads) == len(ordered):
            for name in FOLDED_TABLES.values():
                con.read_parquet(kept.table(name)).create_view(name)
        else:
            _fold(con, settings, ordered, kept)
            if ordered:
                folded.save(con, settings, ordered, list(FOLDED_TABLES.values()))
        yield con
    finally:
        con.close()


def arrow(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pa.Table:
    """A store query's rows as an Arrow table."""
    table: pa.Table = con.sql(sql(name), params=params or None).to_arrow_table()
    return table


def frame(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """A store query's rows as a DataFrame."""
    return arrow(con, name, **params).to_pandas()


def evidence(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Relationships of each evidence kind the loads hold, and which optional columns arrived."""
    row = frame(con, "evidence").iloc[0]
    return {str(k): int(v) for k, v in row.items()}


def read_tables(
    con: duckdb.DuckDBPyConnection, reads: Mapping[str, tuple[str, dict[str, Any]]]
) -> dict[str, pd.DataFrame]:
    """Named store queries' rows: name → (query, parameters)."""
    return {name: frame(con, query, **params) for name, (query, params) in reads.items()}
