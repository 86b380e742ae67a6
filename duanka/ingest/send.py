"""Run loader batches against Neo4j, one transaction each, from a thread or from a process of their own.

The Bolt client needs the interpreter lock for every batch it packs and every
answer it reads, and the loader's validation and bookkeeping hold that lock for
long stretches: beside a thread busy with pandas, the same client wrote half
as fast (docs/benchmarks.md). On a big extract the batches therefore go to a
second process that does nothing else.
"""

from __future__ import annotations

import multiprocessing as mp
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import neo4j
from neo4j.exceptions import ClientError

from duanka import db
from duanka.errors import DuankaError, Unavailable, is_transient
from duanka.settings import Settings
from duanka.subprocesses import channel, die_with_parent, receive, start
from graphmodel.cypher import locate_nodes
from graphmodel.schema import node


@dataclass(frozen=True)
class Batch:
    """One transaction's worth of rows and how to write them.

    `retry_with`: the statement a retried attempt runs (the MERGE of a CREATE batch);
    `ends`: the labels of a relationship batch's ends, whose keys become element ids;
    `of`: the label of a node batch, whose element ids come back to be remembered.
    """

    cypher: str
    params: dict[str, Any]
    retry_with: str | None = None
    ends: tuple[str, str] | None = None
    of: str | None = None


@cache
def _locate(label: str) -> str:
    return locate_nodes(node(label)).cypher


class BatchSender:
    """Writes batches in the order given, on one session, and remembers every node's element id.

    Relationship rows name their ends by key; the sender swaps in the element
    ids its node and stub batches returned, so the relationship statement
    finds each end without an index seek, and asks the graph (`locate_nodes`)
    only for a key an earlier load wrote.
    """

    def __init__(self, session: neo4j.Session) -> None:
        self.session = session
        self.element_ids: dict[str, dict[Any, str]] = {}  # label -> key -> element id

    def send(self, batch: Batch) -> None:
        """One batch, one transaction.

        The driver retries a batch whose connection dropped, and that batch may
        have committed before it dropped: run again as CREATE it would write
        twice, so a retry runs `retry_with` when there is one.
        """
        params = batch.params
        if batch.ends is not None:
            params = params | {"rows": self._with_element_ids(batch.ends, params["rows"])}
        attempts = 0

        def work(tx: neo4j.ManagedTransaction) -> list[tuple[Any, str]]:
            nonlocal attempts
            attempts += 1
            result = tx.run(batch.cypher if attempts == 1 or batch.retry_with is None else batch.retry_with, params)
            if batch.of is None:
                result.consume()
                return []
            return result.single(strict=True)["ids"]

        try:
            ids = self.session.execute_write(work)
        except ClientError as exc:  # not transient: the driver already retried what can be retried
            raise DuankaError(
                f"Neo4j refused a batch ({batch.cypher.splitlines()[0].lstrip('/ ')}): {exc.message}"
            ) from exc
        if batch.of is not None:
            self.element_ids.setdefault(batch.of, {}).update(ids)

    def _ids(self, label: str, keys: list[Any]) -> dict[Any, str]:
        known = self.element_ids.setdefault(label, {})
        missing = list({k for k in keys if k not in known})
        if missing:
            known.update(
                self.session.execute_read(lambda tx: tx.run(_locate(label), keys=missing).single(strict=True)["ids"])
            )
        return known

    def _with_element_ids(self, ends: tuple[str, str], rows: list[list[Any]]) -> list[list[Any]]:
        """The ends' keys replaced by element ids; a row whose end is not in the graph has nothing to join."""
        starts, stops = self._ids(ends[0], [r[0] for r in rows]), self._ids(ends[1], [r[1] for r in rows])
        return [[starts[r[0]], stops[r[1]], *r[2:]] for r in rows if r[0] in starts and r[1] in stops]


class Outbox(Protocol):
    """Where BatchWriter puts batches: they are written in order, some of them still in flight."""

    def put(self, batch: Batch) -> None:
        """Hand over one batch to write."""

    def wait(self, most: int) -> None:
        """Block until at most `most` batches are unwritten; raises a failed one's error."""

    def close(self, abort: bool) -> None:
        """Stop writing; `abort` drops what is unwritten."""


class ThreadOutbox:
    """A background thread of this process: no start-up cost, for small extracts."""

    def __init__(self, settings: Settings) -> None:
        self._stack = ExitStack()
        self._sender = BatchSender(self._stack.enter_context(db.session(settings)))
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="neo4j-writer")
        self._pending: deque[Future[None]] = deque()

    def put(self, batch: Batch) -> None:
        """Hand over one batch to write."""
        self._pending.append(self._pool.submit(self._sender.send, batch))

    def wait(self, most: int) -> None:
        """Block until at most `most` batches are unwritten; raises a failed one's error."""
        while len(self._pending) > most:
            self._pending.popleft().result()

    def close(self, abort: bool) -> None:
        """Stop writing; `abort` drops what is unwritten."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._stack.close()


def _serve(settings: Settings, inbox: mp.Queue[Batch | None], answers: mp.Queue[DuankaError | None]) -> None:
    """The writing process: each batch in order, one answer each (None, or the error); skips all after an error."""
    die_with_parent()  # a killed loader must not leave batches landing behind a re-run
    failed, sender = False, None
    with ExitStack() as stack:
        while (batch := inbox.get()) is not None:
            if failed:
                answers.put(None)
                continue
            try:
                if sender is None:  # connect on the first batch, so a refusal is answered like a failed batch
                    sender = BatchSender(stack.enter_context(db.session(settings)))
                sender.send(batch)
                answers.put(None)
            except BaseException as exc:
                failed = True
                kind = Unavailable if is_transient(exc) else DuankaError  # the cause does not cross processes
                answers.put(
                    exc
                    if isinstance(exc, DuankaError)
                    else kind(f"Writing to Neo4j at {settings.connection.uri} failed: {type(exc).__name__}: {exc}")
                )


class ProcessOutbox:
    """A second process that only writes: the Bolt client never waits for this one's interpreter lock."""

    def __init__(self, settings: Settings) -> None:
        self._inbox: mp.Queue[Batch | None] = channel()
        self._answers: mp.Queue[DuankaError | None] = channel()
        self._process = start(_serve, (settings, self._inbox, self._answers), "duanka-write")
        self._unanswered = 0

    def put(self, batch: Batch) -> None:
        """Hand over one batch to write."""
        self._inbox.put(batch)
        self._unanswered += 1

    def wait(self, most: int) -> None:
        """Block until at most `most` batches are unwritten; raises a failed one's error."""
        while self._unanswered > most:
            error = receive(self._answers, self._process, "writing to Neo4j")
            self._unanswered -= 1
            if error is not None:
                raise error

    def close(self, abort: bool) -> None:
        """Stop writing; `abort` drops what is unwritten."""
        if abort:
            self._process.terminate()
        else:
            self._inbox.put(None)
        self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._inbox.close()
        self._answers.close()
