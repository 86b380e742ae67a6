"""Send validated rows to Neo4j with the loaders generated from graphmodel."""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from typing import Any

import neo4j
import pandas as pd
from neo4j.exceptions import ClientError

from duanka.errors import DuankaError
from duanka.ingest.mapping import NodeWrite, RelWrite, Write
from duanka.ingest.read import CHUNK_ROWS
from graphmodel.cypher import (
    create_relationships,
    merge_nodes,
    merge_relationships,
    merge_stubs,
    node_fields,
    rel_fields,
)
from graphmodel.schema import NodeSchema

BATCH_ROWS = 5_000  # measured: see docs/benchmarks.md


@cache
def statement(write: Write) -> str:
    return merge_nodes(write.node).cypher if isinstance(write, NodeWrite) else merge_relationships(write.rel).cypher


@cache
def create_statement(write: RelWrite) -> str:
    return create_relationships(write.rel).cypher


@cache
def stub_statement(n: NodeSchema) -> str:
    return merge_stubs(n).cypher


def _lists(columns: list[list[Any]]) -> list[list[Any]]:
    return [list(r) for r in zip(*columns)]


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A column's values (None for missing); a column the extract lacks is all None: nothing overwritten."""
    if name not in frame.columns:
        return [None] * len(frame)
    values = frame[name]
    if values.dtype != object:  # normalise gives object columns with None; anything else must not send NaN
        values = values.astype(object).where(values.notna(), None)
    return values.tolist()


def node_rows(write: NodeWrite, frame: pd.DataFrame) -> list[list[Any]]:
    """Rows laid out as the loader statement reads them (graphmodel.cypher.node_fields)."""
    _, *props = node_fields(write.node)
    return _lists([frame[write.key].tolist()] + [_column(frame, p.name) for p in props])


def rel_rows(write: RelWrite, frame: pd.DataFrame) -> list[list[Any]]:
    """Rows laid out as the loader statement reads them (graphmodel.cypher.rel_fields); unlinked rows skipped."""
    sub = frame[frame[write.start].notna() & frame[write.end].notna()]
    _, _, *props = rel_fields(write.rel)
    return _lists([sub[write.start].tolist(), sub[write.end].tolist()] + [_column(sub, p.name) for p in props])


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

    def __init__(self, session: neo4j.Session, load_id: str, batch: int | None = None, depth: int | None = None) -> None:
        self.session, self.load_id, self.batch = session, load_id, batch or BATCH_ROWS
        # Two chunks' worth of batches in flight: Neo4j keeps writing while the next chunk is validated
        # (with 3 it sat idle a quarter of the time; docs/benchmarks.md).
        self.depth = depth or max(3, 2 * CHUNK_ROWS // self.batch)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="neo4j-writer")
        self._pending: deque[Future[None]] = deque()

    def _send(self, cypher: str, params: dict[str, Any], retry_with: str | None = None) -> None:
        """One batch, one transaction; a retry runs `retry_with` (the MERGE of a CREATE batch) if given.

        The driver retries a batch whose connection dropped, and that batch may
        have committed before it dropped: run again as CREATE it would write twice.
        """
        attempts = 0

        def work(tx: neo4j.ManagedTransaction) -> None:
            nonlocal attempts
            attempts += 1
            tx.run(cypher if attempts == 1 or retry_with is None else retry_with, params).consume()

        try:
            self.session.execute_write(work)
        except ClientError as exc:  # not transient: the driver already retried what can be retried
            raise DuankaError(f"Neo4j refused a batch ({cypher.splitlines()[0].lstrip('/ ')}): {exc.message}") from exc

    def submit(self, cypher: str, items: list[Any], name: str = "rows", retry_with: str | None = None) -> None:
        for i in range(0, len(items), self.batch):
            params = {name: items[i:i + self.batch], "load_id": self.load_id}
            self._pending.append(self._pool.submit(self._send, cypher, params, retry_with))
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

    def relationships(self, write: RelWrite, frame: pd.DataFrame, new: bool = False) -> None:
        """`new`: none of these can exist yet (see Ingestion.first_load), so CREATE them."""
        if new:
            self.submit(create_statement(write), rel_rows(write, frame), retry_with=statement(write))
        else:
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
