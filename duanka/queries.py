"""The Cypher in queries/: read by name, run with parameters, streamed into DataFrames."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import neo4j
import pandas as pd

from duanka.errors import DuankaError
from duanka.settings import project_root

QUERIES = project_root() / "queries"


@cache
def load(name: str) -> str:
    """The text of queries/<name>.cypher (read once)."""
    path = QUERIES / f"{name}.cypher"
    if not path.exists():
        known = sorted(p.relative_to(QUERIES).with_suffix("").as_posix() for p in QUERIES.rglob("*.cypher"))
        raise DuankaError(f"No query {name!r}; known: {', '.join(known)}")
    return path.read_text(encoding="utf-8")


def frame(session: neo4j.Session, name: str, chunk: int = 200_000, **params: object) -> pd.DataFrame:
    """Stream a query's rows into a DataFrame chunk by chunk (the driver fetches lazily)."""
    result = session.run(load(name), params)
    keys = result.keys()
    parts: list[pd.DataFrame] = []
    rows: list[tuple[Any, ...]] = []
    for record in result:
        rows.append(tuple(record.values()))
        if len(rows) >= chunk:
            parts.append(pd.DataFrame(rows, columns=keys))
            rows = []
    parts.append(pd.DataFrame(rows, columns=keys))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


# Decoding a record costs the driver far more than decoding a value: a query's rows, gathered into
# lists of BATCH_ROWS on the server, arrive about five times faster (measured: 1.37 M projection rows in
# 10 s instead of 53 s). The server then holds the whole result at once, ~300 bytes a row on its heap:
# graphs above BATCH_UP_TO relationships are read a page of PAGE_KEYS entities at a time (Paging), or
# row by row where a read cannot be paged.
BATCH_ROWS = 20_000
BATCH_UP_TO = 5_000_000
PAGE_KEYS = 250_000  # ~1.3 M rows a page at most (a holder's cards and accounts): ~400 MB of the server's heap
_IN_BATCHES = """CALL () {{
{query}
}}
WITH [{columns}] AS row
WITH collect(row) AS rows
UNWIND range(0, size(rows) - 1, $batch_rows) AS i
RETURN rows[i..i + $batch_rows] AS batch"""


def batches_fit(session: neo4j.Session, share: float = 1.0) -> bool:
    """Whether whole results of this graph (or of a `share` of it: a shard's) fit the server's heap as
    batches (see BATCH_UP_TO)."""
    return relationship_count(session) * share <= BATCH_UP_TO


def relationship_count(session: neo4j.Session) -> int:
    """How many relationships the graph holds (the count store: instant)."""
    return int(session.run(load("maintenance/relationship_count")).single(strict=True)["relationships"])


def batched_frame(session: neo4j.Session, name: str, **params: object) -> pd.DataFrame:
    """A read query's rows as a DataFrame, taken from the server in batches of BATCH_ROWS rows.

    The query text is wrapped, never altered: its own RETURN names the columns (asked of the planner
    with EXPLAIN), and the parameters pass through untouched.
    """
    query = load(name)
    keys = _columns(session, name, params)
    columns = ", ".join(f"`{k}`" for k in keys)
    wrapped = _IN_BATCHES.format(query=query, columns=columns)
    parts = [pd.DataFrame(r["batch"], columns=keys) for r in session.run(wrapped, params, batch_rows=BATCH_ROWS)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=keys)


@dataclass(frozen=True)
class Paging:
    """How a read goes page by page when its whole result would not fit the server's heap: its rows read
    from entities of `type` whose keys lie between two bounds (`$from_key`, `$to_key`), `fixed`
    parameters beside; each row read in exactly one page."""

    type: str
    fixed: dict[str, Any] = field(default_factory=dict)


def key_bounds(session: neo4j.Session, entity_type: str, per_page: int | None = None) -> list[str]:
    """The keys that cut one type of entity into pages of `per_page` (default PAGE_KEYS; the server's order)."""
    query = load("detect/key_bounds")
    per_page = per_page or PAGE_KEYS
    return list(session.run(query, type=entity_type, per_page=per_page).single(strict=True)["bounds"])


def pages(
    session: neo4j.Session, name: str, pagings: Sequence[Paging], bounds: dict[str, list[str]], **params: object
) -> Iterator[pd.DataFrame]:
    """A read query's rows a page of keys at a time (between consecutive `bounds` of each paging's type),
    each page in batches: the server holds one page's result at a time, and rows still arrive as batches."""
    for paging in pagings:
        for lo, hi in itertools.pairwise([None, *bounds[paging.type], None]):
            yield batched_frame(session, name, **{**params, **paging.fixed, "from_key": lo, "to_key": hi})


_COLUMNS: dict[str, list[str]] = {}


def _columns(session: neo4j.Session, name: str, params: dict[str, object]) -> list[str]:
    """The columns a query returns, asked of the planner once per query (an incremental run's region walk
    wraps the same query once a step)."""
    if name not in _COLUMNS:
        _COLUMNS[name] = list(session.run("EXPLAIN " + load(name), params).keys())
    return _COLUMNS[name]
