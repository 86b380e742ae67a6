"""Send validated rows to Neo4j with the loaders generated from graphmodel."""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

from duanka.ingest.read import CHUNK_ROWS
from duanka.ingest.send import Batch, Outbox, ProcessOutbox, ThreadOutbox
from duanka.ingest.writes import NodeWrite, RelWrite, Write
from duanka.settings import Settings
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
    """The MERGE loader for a write (generated from the schema, built once)."""
    return merge_nodes(write.node).cypher if isinstance(write, NodeWrite) else merge_relationships(write.rel).cypher


@cache
def create_statement(write: RelWrite) -> str:
    """The CREATE loader for rows that cannot exist yet."""
    return create_relationships(write.rel).cypher


@cache
def stub_statement(n: NodeSchema) -> str:
    """The key-only MERGE for link ends no file describes."""
    return merge_stubs(n).cypher


def _lists(columns: list[list[Any]]) -> list[list[Any]]:
    return [list(r) for r in zip(*columns, strict=False)]


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
    """Rows laid out as `rel_fields`, with the ends' keys where their element ids go; unlinked rows skipped.

    send.BatchSender puts the element ids in just before it writes the batch.
    """
    sub = frame[frame[write.start].notna() & frame[write.end].notna()]
    _, _, *props = rel_fields(write.rel)
    return _lists([sub[write.start].tolist(), sub[write.end].tolist()] + [_column(sub, p.name) for p in props])


class BatchWriter:
    """The Bolt sink: turns rows into batches and keeps a few in flight while the next chunk is validated.

    One writer keeps batches in order (stubs and nodes before the relationships
    that MATCH them); a second concurrent writer measured slower, even with
    batches cut so no two touched the same nodes: they waited on each other's
    relationship-chain locks. Each batch is its own retried transaction: a run
    that dies part-way leaves whole batches behind, and a re-run converges.
    `background`: the batches are written by a second process (send.ProcessOutbox).
    """

    def __init__(
        self,
        settings: Settings,
        load_id: str,
        background: bool = False,
        batch: int | None = None,
        depth: int | None = None,
    ) -> None:
        self.load_id, self.batch = load_id, batch or BATCH_ROWS
        # Two chunks' worth of batches in flight: Neo4j keeps writing while the next chunk is validated
        # (with 3 it sat idle a quarter of the time; docs/benchmarks.md).
        self.depth = depth or max(3, 2 * CHUNK_ROWS // self.batch)
        self.outbox: Outbox = ProcessOutbox(settings) if background else ThreadOutbox(settings)

    def submit(self, cypher: str, items: list[Any], name: str = "rows", **how: Any) -> None:
        """`items` in batches; `how`: the rest of send.Batch (retry_with, ends, of)."""
        for i in range(0, len(items), self.batch):
            self.outbox.put(Batch(cypher, {name: items[i : i + self.batch], "load_id": self.load_id}, **how))
            self.outbox.wait(self.depth)  # raises a failed batch's error here

    def flush(self) -> None:
        """Wait until every batch handed over so far is written."""
        self.outbox.wait(0)

    # The Sink (duanka/ingest/sink.py) for Bolt; BulkSink in bulk.py is the other one.
    def nodes(self, write: NodeWrite, frame: pd.DataFrame) -> None:
        """Upsert node rows in batches."""
        self.submit(statement(write), node_rows(write, frame), of=write.node.label)

    def stubs(self, target: NodeSchema, keys: list[Any]) -> None:
        """Upsert key-only nodes in batches."""
        self.submit(stub_statement(target), keys, name="keys", of=target.label)

    def relationships(self, write: RelWrite, frame: pd.DataFrame, new: bool = False) -> None:
        """`new`: none of these can exist yet (see Loader.first_load), so CREATE them."""
        ends = (write.rel.start, write.rel.end)
        if new:
            self.submit(create_statement(write), rel_rows(write, frame), retry_with=statement(write), ends=ends)
        else:
            self.submit(statement(write), rel_rows(write, frame), ends=ends)

    def close(self) -> None:
        """Write what is left and wait for it; the writer stops."""
        try:
            self.flush()
        except BaseException:
            self.outbox.close(abort=True)
            raise
        self.outbox.close(abort=False)

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
