"""Shared fixtures: the test Neo4j server (started once, stopped if we started it)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A plain `pytest` gets the same isolated server as `make test`, never the demo's.
os.environ.setdefault("DUANKA_NEO4J_HOME", str(ROOT / ".neo4j" / "test"))
os.environ.setdefault("DUANKA_NEO4J_LIB", str(ROOT / ".neo4j" / "lib"))
os.environ.setdefault("DUANKA_NEO4J_BOLT_PORT", "17687")
os.environ.setdefault("DUANKA_NEO4J_HTTP_PORT", "17474")
os.environ.setdefault("DUANKA_NEO4J_HEAP", "2g")
os.environ.setdefault("DUANKA_NEO4J_PAGECACHE", "2g")
os.environ.setdefault("DUANKA_WORK_DIR", str(ROOT / ".duanka" / "test"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

from duanka import db, neo4j_server  # noqa: E402
from duanka.settings import Settings  # noqa: E402


@pytest.fixture(scope="session")
def settings(prefect_server: None) -> Iterator[Settings]:
    """Settings of the test server, which is running for the whole session; flows run on the test Prefect server."""
    s = Settings.from_env()
    if not s.connection.is_local and os.environ.get("DUANKA_TEST_ALLOW_REMOTE") != "1":
        pytest.exit(
            "NEO4J_URI points at a remote server; tests wipe their database. "
            "Set DUANKA_TEST_ALLOW_REMOTE=1 if that is really meant.",
            returncode=2,
        )
    started = False
    if s.connection.is_local and not neo4j_server.is_running(s.local):
        neo4j_server.start(s)
        started = True
    yield s
    if started:
        neo4j_server.stop(s.local)


@pytest.fixture()
def empty_db(settings: Settings) -> Settings:
    """A database with no nodes, and the declared schema in place."""
    from graphmodel.apply import apply_schema

    db.empty_database(settings)
    with db.session(settings) as sess:
        apply_schema(sess)
    return settings


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One temporary Prefect server for every flow test of the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
