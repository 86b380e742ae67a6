"""Send validated rows to Neo4j with the loaders generated from graphmodel."""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from typing import Any

import neo4j
from neo4j.exceptions import ClientError
import pandas as pd

from duanka.errors import DuankaError
from duanka.ingest.mapping import NodeWrite, RelWrite, Write
from graphmodel.cypher import merge_nodes, merge_relationships, merge_stubs, temporal
from graphmodel.schema import NodeSchema

BATCH_ROWS = 5_000  # measured: see docs/benchmarks.md


@cache
def statement(write: Write) -> str:
    return merge_nodes(write.node).cypher if isinstance(write, NodeWrite) else merge_relationships(write.rel).cypher


@cache
def stub_statement(n: NodeSchema) -> str:
    return merge_stubs(n).cypher


def _present(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


def _records(frame: pd.DataFrame, names: list[str]) -> list[dict[str, Any]]:
    return [_present(r) for r in frame[names].to_dict("records")] if names else [{}] * len(frame)


def node_rows(write: NodeWrite, frame: pd.DataFrame) -> list[dict[str, Any]]:
    props = [p for p in write.node.props if p.name in frame.columns and p.name != write.key]
    plain = _records(frame, [p.name for p in props if not temporal(p)])
    times = _records(frame, [p.name for p in props if temporal(p)])
    return [{"key": k, "props": p, "t": t} for k, p, t in zip(frame[write.key].tolist(), plain, times)]


def rel_rows(write: RelWrite, frame: pd.DataFrame) -> list[dict[str, Any]]:
    sub = frame[frame[write.start].notna() & frame[write.end].notna()]
    props = [p for p in write.rel.props if p.name in sub.columns]
    plain = _records(sub, [p.name for p in props if p.merge == "replace" and not temporal(p)])
    times = _records(sub, [p.name for p in props if p.merge == "replace" and temporal(p)])
    ranged = _records(sub, [p.name for p in props if p.merge != "replace"])
    return [
        {"start": s, "end": e, "props": p, "t": t, "range": r}
        for s, e, p, t, r in zip(sub[write.start].tolist(), sub[write.end].tolist(), plain, times, ranged)
    ]


def element_ids(write: Write, frame: pd.DataFrame) -> list[int]:
    """Hashes naming the graph elements `frame` writes, to count distinct elements loaded."""
    if isinstance(write, NodeWrite):
        columns = [write.key]
    else:
        columns = [write.start, write.end] + ([write.rel.key] if write.rel.key else [])
    return pd.util.hash_pandas_object(frame[columns].astype(str), index=False).tolist()


class BatchWriter:
    """Sends batches from one background thread, so Python prepares the next batch while Neo4j writes.

    One thread keeps batches in order (stubs and nodes before the relationships
    that MATCH them); a second concurrent writer measured slower, its MERGEs
    waiting on each other's locks. Each batch is its own retried transaction:
    a run that dies part-way leaves whole batches behind, and a re-run converges.
    """

    def __init__(self, session: neo4j.Session, load_id: str, batch: int | None = None, depth: int = 3) -> None:
        self.session, self.load_id, self.batch, self.depth = session, load_id, batch or BATCH_ROWS, depth
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="neo4j-writer")
        self._pending: deque[Future[None]] = deque()

    def _send(self, cypher: str, params: dict[str, Any]) -> None:
        try:
            self.session.execute_write(lambda tx: tx.run(cypher, params).consume())
        except ClientError as exc:  # not transient: the driver already retried what can be retried
            raise DuankaError(f"Neo4j refused a batch ({cypher.splitlines()[0].lstrip('/ ')}): {exc.message}") from exc

    def submit(self, cypher: str, items: list[Any], name: str = "rows") -> None:
        for i in range(0, len(items), self.batch):
            params = {name: items[i:i + self.batch], "load_id": self.load_id}
            self._pending.append(self._pool.submit(self._send, cypher, params))
            while len(self._pending) > self.depth:
                self._pending.popleft().result()  # re-raises a failed batch here

    def flush(self) -> None:
        while self._pending:
            self._pending.popleft().result()

    # The sink interface Ingestion writes through (BulkSink in bulk.py is the other one).
    def nodes(self, write: NodeWrite, frame: pd.DataFrame) -> None:
        self.submit(statement(write), node_rows(write, frame))

    def stubs(self, target: NodeSchema, keys: list[Any]) -> None:
        self.submit(stub_statement(target), keys, name="keys")

    def relationships(self, write: RelWrite, frame: pd.DataFrame) -> None:
        self.submit(statement(write), rel_rows(write, frame))

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
