"""Send validated rows to Neo4j with the loaders generated from graphmodel."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import neo4j
import pandas as pd

from duanka.ingest.mapping import NodeWrite, RelWrite, Write
from graphmodel.cypher import merge_nodes, merge_relationships

BATCH_ROWS = 5_000  # measured: see docs/benchmarks.md


@cache
def statement(write: Write) -> str:
    return merge_nodes(write.node).cypher if isinstance(write, NodeWrite) else merge_relationships(write.rel).cypher


def _present(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


def node_rows(write: NodeWrite, frame: pd.DataFrame) -> list[dict[str, Any]]:
    props = [p.name for p in write.node.props if p.name in frame.columns and p.name != write.key]
    sub = frame[[write.key, *props]]
    return [{"key": r.pop(write.key), "props": _present(r)} for r in sub.to_dict("records")]


def rel_rows(write: RelWrite, frame: pd.DataFrame) -> list[dict[str, Any]]:
    sub = frame[frame[write.start].notna() & frame[write.end].notna()]
    replace = [p.name for p in write.rel.props if p.merge == "replace" and p.name in sub.columns]
    ranged = [p.name for p in write.rel.props if p.merge != "replace" and p.name in sub.columns]
    starts, ends = sub[write.start].tolist(), sub[write.end].tolist()
    rep = sub[replace].to_dict("records") if replace else [{}] * len(sub)
    rng = sub[ranged].to_dict("records") if ranged else [{}] * len(sub)
    return [
        {"start": s, "end": e, "props": _present(p), "range": _present(r)}
        for s, e, p, r in zip(starts, ends, rep, rng)
    ]


def rows_for(write: Write, frame: pd.DataFrame) -> list[dict[str, Any]]:
    return node_rows(write, frame) if isinstance(write, NodeWrite) else rel_rows(write, frame)


def identity(write: Write, row: dict[str, Any]) -> int:
    """A hash naming the graph element a row writes, to count distinct elements loaded."""
    if isinstance(write, NodeWrite):
        return hash(row["key"])
    key = row["props"].get(write.rel.key) if write.rel.key else None
    return hash((row["start"], row["end"], key))


def send(session: neo4j.Session, write: Write, rows: list[dict[str, Any]], load_id: str,
         batch: int = BATCH_ROWS, on_batch: Callable[[int], None] | None = None) -> None:
    """Upsert in batches, each in its own retried transaction: a re-run converges on the same graph."""
    cypher = statement(write)
    for i in range(0, len(rows), batch):
        part = rows[i:i + batch]
        session.execute_write(lambda tx: tx.run(cypher, rows=part, load_id=load_id).consume())
        if on_batch:
            on_batch(len(part))
