"""The Cypher in queries/: read by name, run with parameters, streamed into DataFrames."""

from __future__ import annotations

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
