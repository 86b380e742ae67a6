"""Shared fixtures: the test Neo4j server (started once, stopped if we started it), the test Prefect server,
and the `neo4j` marker, derived from the fixtures a test uses so that `make test-fast` cannot miss one."""

from __future__ import annotations

import os
import socket
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
os.environ.setdefault("DUANKA_TEST_PREFECT_PORT", "14200")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


def _own_servers_per_worker(worker: str) -> None:
    """Under pytest-xdist (`make test` runs two workers) each worker is a whole test session: its own Neo4j (home,
    work folder and ports beside the ones set above), its own Prefect servers; so tests that empty the database
    or stop the server never meet another worker's."""
    n = int(worker.removeprefix("gw")) + 1
    for name in ("DUANKA_NEO4J_HOME", "DUANKA_WORK_DIR"):
        os.environ[name] = f"{os.environ[name]}-{worker}"
    for name in ("DUANKA_NEO4J_BOLT_PORT", "DUANKA_NEO4J_HTTP_PORT", "DUANKA_TEST_PREFECT_PORT"):
        os.environ[name] = str(int(os.environ[name]) + 10 * n)


if "PYTEST_XDIST_WORKER" in os.environ:
    _own_servers_per_worker(os.environ["PYTEST_XDIST_WORKER"])

from worlds import GeneratedWorlds, LoadedWorlds  # noqa: E402

from duanka import db, neo4j_server  # noqa: E402
from duanka.settings import Settings  # noqa: E402

# A test using any of these (directly or through another fixture) needs the servers: it is marked `neo4j`.
SERVER_FIXTURES = frozenset({"settings", "empty_db", "prefect_server", "neo4j_lib"})
# Worlds loaded once and read by several modules: those modules run one after another.
SHARED_WORLDS = ("detected_world",)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `neo4j` every test whose fixtures reach a server (the mark is never written by hand), and bring
    the modules sharing a loaded world together so that no other module empties the database between them. Under
    `--dist loadgroup` the modules sharing a world go whole to one worker, as does a module with a fixture built
    once a module; any other test goes to whichever worker is free."""
    for item in items:
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)
    position: dict[Path, int] = {}
    world_of: dict[Path, str] = {}
    for item in items:
        position.setdefault(item.path, len(position))
        world = next((w for w in SHARED_WORLDS if w in getattr(item, "fixturenames", ())), None)
        if world is not None:
            world_of.setdefault(item.path, world)
    first: dict[str, int] = {}
    for path, world in world_of.items():
        first.setdefault(world, position[path])
    items.sort(key=lambda i: (first.get(world_of.get(i.path, ""), position[i.path]), position[i.path]))
    shares_module_fixture = {i.path for i in items if _module_fixtures(i)}
    alone = {i.nodeid for i in items if i.path not in world_of and i.path not in shares_module_fixture}
    for item in items:
        group = world_of.get(item.path) or (item.nodeid if item.nodeid in alone else item.path.stem)
        item.add_marker(pytest.mark.xdist_group(group))
    # a slow test that goes alone starts first, so that no worker is left with one at the end
    items.sort(key=lambda i: not (i.nodeid in alone and i.get_closest_marker("slow")))


def _module_fixtures(item: pytest.Item) -> bool:
    """Whether the test uses a fixture built once a module: its module then goes whole to one worker."""
    defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    return any(d.scope == "module" for fixture in defs.values() for d in fixture)


@pytest.fixture(autouse=True)
def _no_server_unless_asked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A test without the `neo4j` mark fails if it reaches the test Neo4j or starts a Neo4j server (naming the
    fixture it lacks) or runs a flow (no Prefect API URL, and no temporary server started for it): otherwise it
    would pass in `make test`, servers up, and fail or crawl in `make test-fast`."""
    if request.node.get_closest_marker("neo4j"):
        yield
        return
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED, temporary_settings

    def refuse_start(*args: object, **kwargs: object) -> None:
        raise AssertionError("this test starts a Neo4j server without asking for `neo4j_lib`")

    monkeypatch.setattr(neo4j_server, "start", refuse_start)
    local = Settings.from_env().local
    ports = {local.bolt_port, local.http_port}
    connect = socket.socket.connect

    def refuse_test_server(sock: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and len(address) >= 2 and address[1] in ports:
            raise AssertionError(
                f"this test reaches the test Neo4j ({address}) without asking for `settings` or `empty_db`"
            )
        connect(sock, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", refuse_test_server)
    with temporary_settings({PREFECT_SERVER_EPHEMERAL_ENABLED: False}, restore_defaults={PREFECT_API_URL}):
        yield


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


@pytest.fixture(scope="session")
def generated_worlds(tmp_path_factory: pytest.TempPathFactory) -> GeneratedWorlds:
    """Extracts generated once a session and shared by every test asking for the same generator arguments."""
    return GeneratedWorlds(tmp_path_factory.mktemp("generated"))


@pytest.fixture(scope="session")
def loaded_worlds(settings: Settings) -> LoadedWorlds:
    """The world the test database holds: rebuilt only when a test wrote to the database since (tests/worlds.py)."""
    return LoadedWorlds(settings)


@pytest.fixture(scope="session")
def neo4j_lib() -> Path:
    """The installed Neo4j, for a test that starts a server of its own."""
    return Settings.from_env().local.lib


@pytest.fixture(scope="session")
def demo_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo world casework and outcomes are tried on, generated once a session."""
    from duanka.generate import generate

    source = tmp_path_factory.mktemp("detected")
    generate(source, "demo", persons=1500, seed=8)
    return source


_DETECTED: dict[Path, str] = {}  # extract -> the run that detected it last loaded


@pytest.fixture()
def detected_world(settings: Settings, demo_extract: Path) -> Path:
    """The demo extract loaded into an emptied database and detected twice (seed 1), so that leads carry scores
    of more than one run. Loaded again only when a test since emptied the database: the modules deciding,
    explaining and recording outcomes share one load, each test seeing what the tests before it decided."""
    from helpers import load_into_empty

    from flows.detect import detect

    run = _DETECTED.get(demo_extract)
    if run is not None:
        with db.session(settings) as sess:
            if sess.run("MATCH (r:Run {run_id: $id}) RETURN count(r) AS n", id=run).single()["n"]:
                return demo_extract
    load_into_empty(settings, demo_extract)
    detect(seed=1)
    _DETECTED[demo_extract] = detect(seed=1).run_id
    return demo_extract
