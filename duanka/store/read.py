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
from duanka.store import layout
from graphmodel.schema import KEYED, LOADED_RELATIONSHIPS
from graphmodel.sql import rows_of, states, table

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


def files_of(settings: Settings, loads: Sequence[str]) -> dict[str, list[str]]:
    """Each label's and type's Parquet files in the given loads (every one of them finished)."""
    found: dict[str, list[str]] = {element: [] for element in ELEMENTS}
    for load_id in loads:
        parts = layout.parts(settings, load_id)
        if parts is None:
            raise DuankaError(f"The analysis store holds no finished load {load_id}.")
        for part in parts:
            found[part.element].append(str(part.path(settings, load_id)))
    return found


_FOLDED_NAMES = {f"state_{table(element)}" for element in FOLDED} | {f"nodes_{table(label)}" for label in EVERY_NODE}


@contextmanager
def opened(settings: Settings, loads: Sequence[str]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection on the store's rows of `loads`, the state of what detection reads folded (FOLDED,
    EVERY_NODE)."""
    con = duckdb.connect(config={"threads": THREADS})
    try:
        for element, paths in files_of(settings, loads).items():
            rows = con.read_parquet(paths) if paths else con.from_arrow(layout.columns(element).empty_table())
            rows.create_view(rows_of(element))
        for state in states():
            if state.name in _FOLDED_NAMES:
                con.execute(sql(state.name))
        yield con
    finally:
        con.close()


def frame(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    """A store query's rows as a DataFrame."""
    table: pa.Table = con.sql(sql(name), params=params or None).to_arrow_table()
    return table.to_pandas()


def evidence(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Relationships of each evidence kind the loads hold, and which optional columns arrived."""
    row = frame(con, "evidence").iloc[0]
    return {str(k): int(v) for k, v in row.items()}


def read_tables(
    con: duckdb.DuckDBPyConnection, reads: Mapping[str, tuple[str, dict[str, Any]]]
) -> dict[str, pd.DataFrame]:
    """Named store queries' rows: name → (query, parameters)."""
    return {name: frame(con, query, **params) for name, (query, params) in reads.items()}
