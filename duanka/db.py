"""Connections to Neo4j and the few ways the project talks to it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired, TransientError

from duanka.errors import DuankaError, Unavailable
from duanka.settings import Settings

RETRYABLE = (ServiceUnavailable, SessionExpired, TransientError, ConnectionError, OSError)


def driver(settings: Settings, password: str | None = None) -> neo4j.Driver:
    """A driver for the configured server (the local credentials file when no password is given)."""
    conn = settings.connection
    return neo4j.GraphDatabase.driver(
        conn.uri,
        auth=(conn.user, password if password is not None else settings.password()),
        connection_timeout=10,
        max_connection_lifetime=3600,
        notifications_min_severity="OFF",  # schema-less warnings (an empty result type) are noise here
    )


def wait_for_bolt(settings: Settings, password: str, deadline: float) -> None:
    """Poll until Bolt accepts the credentials, or fail with why it did not."""
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with driver(settings, password) as drv:
                drv.verify_connectivity()
                return
        except AuthError as exc:
            raise DuankaError(_auth_message(settings)) from exc
        except RETRYABLE as exc:
            last = exc
            time.sleep(0.5)
    raise Unavailable(f"Neo4j at {settings.connection.uri} did not answer in time ({last}).")


def _auth_message(settings: Settings) -> str:
    hint = (
        "NEO4J_PASSWORD differs from the password the local server was created with"
        if settings.connection.is_local and settings.connection.password
        else "check NEO4J_USER / NEO4J_PASSWORD"
    )
    return f"Neo4j at {settings.connection.uri} refused the credentials of user {settings.connection.user!r}: {hint}."


@contextmanager
def session(settings: Settings, *, retries: int = 5, backoff: float = 1.0) -> Iterator[neo4j.Session]:
    """A session on the configured database, after the server answered (with backoff)."""
    with connection(settings, retries=retries, backoff=backoff) as drv:
        with drv.session(database=settings.connection.database) as sess:
            yield sess


@contextmanager
def connection(settings: Settings, *, retries: int = 5, backoff: float = 1.0) -> Iterator[neo4j.Driver]:
    """A driver that has answered once, tried with exponential backoff; closed on exit."""
    password = settings.password()
    delay = backoff
    for attempt in range(retries + 1):
        drv = driver(settings, password)
        try:
            drv.verify_connectivity()
            break
        except AuthError as exc:
            drv.close()
            raise DuankaError(_auth_message(settings)) from exc
        except RETRYABLE as exc:
            drv.close()
            if attempt == retries:
                raise Unavailable(
                    f"Neo4j at {settings.connection.uri} is unreachable after {retries + 1} tries: {exc}"
                ) from exc
            time.sleep(delay)
            delay *= 2
    try:
        yield drv
    finally:
        drv.close()


def run(sess: neo4j.Session, query: str, **params: Any) -> list[dict[str, Any]]:
    """Run a query in a retried write transaction and return its rows as dicts."""

    def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
        return [record.data() for record in tx.run(query, params)]

    return sess.execute_write(work)


def read(sess: neo4j.Session, query: str, **params: Any) -> list[dict[str, Any]]:
    """A read query's rows as dicts, in a managed transaction (retried on transient errors)."""

    def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
        return [record.data() for record in tx.run(query, params)]

    return sess.execute_read(work)


# Deleting a big graph transaction by transaction took over ten minutes at 1 M persons; the project's own
# server drops the database's files instead (a restart: seconds), above this many relationships.
DROP_FILES_ABOVE = 2_000_000


def empty_database(settings: Settings) -> None:
    """Delete everything in the configured database, keeping its constraints and indexes (tests and
    benchmarks, on databases they own)."""
    from duanka import neo4j_server, queries
    from graphmodel.apply import apply_schema

    with session(settings) as sess:
        if queries.relationship_count(sess) <= DROP_FILES_ABOVE or not settings.connection.is_local:
            sess.run(queries.load("maintenance/empty_database")).consume()
            return
    neo4j_server.stop(settings.local)
    neo4j_server.drop_store(settings.local, settings.connection.database)
    neo4j_server.start(settings)
    with session(settings) as sess:
        apply_schema(sess)
