"""The project's own Neo4j: credentials, loopback only, Browser, schema."""

from __future__ import annotations

import ipaddress
import multiprocessing
import os
import socket
import stat
import time
import urllib.request
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import neo4j
import psutil
import pytest
from neo4j.exceptions import AuthError, ClientError

from duanka import browser, db, neo4j_server
from duanka.errors import DuankaError
from duanka.settings import Connection, LocalServer, Settings, read_credentials
from graphmodel.apply import apply_schema, existing_schema
from graphmodel.schema import NODES, RELATIONSHIPS


def test_query_with_stored_credentials(settings: Settings) -> None:
    with db.session(settings) as sess:
        assert db.read(sess, "RETURN 1 + 1 AS two") == [{"two": 2}]
        edition = db.read(sess, "CALL dbms.components() YIELD edition, versions RETURN edition, versions[0] AS v")[0]
    assert edition["edition"] == "community"
    assert edition["v"].startswith("5.26.")


def test_credentials_file_is_private(settings: Settings) -> None:
    mode = stat.S_IMODE(settings.local.credentials_file.stat().st_mode)
    assert mode == 0o600
    assert len(settings.password()) >= 24


def test_wrong_password_is_refused(settings: Settings) -> None:
    with neo4j.GraphDatabase.driver(settings.connection.uri, auth=("neo4j", "not-the-password")) as drv:
        with pytest.raises(AuthError):
            drv.verify_connectivity()


def test_default_password_is_refused(settings: Settings) -> None:
    with neo4j.GraphDatabase.driver(settings.connection.uri, auth=("neo4j", "neo4j")) as drv:
        with pytest.raises(AuthError):
            drv.verify_connectivity()


def test_no_credentials_are_refused(settings: Settings) -> None:
    with neo4j.GraphDatabase.driver(settings.connection.uri, auth=None) as drv:
        with pytest.raises((AuthError, ClientError)):
            drv.verify_connectivity()


def test_nothing_listens_beyond_loopback(settings: Settings) -> None:
    pid = int((settings.local.home / "run" / "neo4j.pid").read_text())
    listening = [c for c in psutil.Process(pid).net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    assert {c.laddr.port for c in listening} >= {settings.local.bolt_port, settings.local.http_port}
    for conn in listening:
        address = ipaddress.ip_address(conn.laddr.ip)
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        assert address.is_loopback, f"listening on {conn.laddr}"


def test_browser_is_served(settings: Settings) -> None:
    with urllib.request.urlopen(settings.local.browser_url, timeout=10) as response:
        page = response.read().decode()
    assert "<title>Neo4j Browser</title>" in page


def test_schema_twice_changes_nothing(empty_db: Settings) -> None:
    with db.session(empty_db) as sess:
        before = existing_schema(sess)
        assert apply_schema(sess) == []
        assert existing_schema(sess) == before


def test_every_key_has_a_uniqueness_constraint(empty_db: Settings) -> None:
    with db.session(empty_db) as sess:
        rows = db.read(sess, "SHOW CONSTRAINTS YIELD type, labelsOrTypes, properties RETURN *")
    unique = {(r["labelsOrTypes"][0], r["properties"][0]) for r in rows if "UNIQUENESS" in r["type"]}
    for n in NODES:
        assert (n.label, n.key) in unique
    for r in RELATIONSHIPS:
        if r.key_unique:
            assert (r.type, r.key) in unique


def test_a_big_graph_is_emptied_by_dropping_its_files_and_keeps_its_schema(
    empty_db: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above DROP_FILES_ABOVE relationships the project's own server drops the database's files (a
    restart) instead of deleting row by row: nothing is left, and the constraints are back."""
    with db.session(empty_db) as sess:
        schema = existing_schema(sess)
        sess.run("CREATE (:Person {person_id: 'p1'})-[:HOLDS_SIM]->(:Sim {msisdn: '13800000000'})").consume()
    pid = neo4j_server.server_pid(empty_db.local)
    monkeypatch.setattr(db, "DROP_FILES_ABOVE", 0)
    db.empty_database(empty_db)
    assert neo4j_server.server_pid(empty_db.local) != pid  # restarted: the files were dropped
    with db.session(empty_db) as sess:
        assert sess.run("MATCH (n) RETURN count(n) AS n").single(strict=True)["n"] == 0
        assert existing_schema(sess) == schema


def test_duplicate_key_is_rejected_by_the_database(empty_db: Settings) -> None:
    with db.session(empty_db) as sess:
        sess.run("CREATE (:Person {person_id: 'p1'})").consume()
        with pytest.raises(ClientError):
            sess.run("CREATE (:Person {person_id: 'p1'})").consume()


def test_taken_port_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        other = Settings(
            local=LocalServer(home=tmp_path, lib_dir=settings.local.lib, bolt_port=port, http_port=port + 1),
            connection=settings.connection,
            work_dir=tmp_path,
        )
        with pytest.raises(DuankaError, match=f"Port {port} .* is taken"):
            neo4j_server.start(other, timeout=5)


def test_unreadable_or_open_password_file_is_a_clear_error(tmp_path: Path) -> None:
    secret = tmp_path / "credentials"
    with pytest.raises(DuankaError, match="does not exist"):
        read_credentials(secret)
    secret.write_text("pw-pw-pw-pw\n")
    secret.chmod(0o644)
    with pytest.raises(DuankaError, match="readable by others"):
        read_credentials(secret)
    secret.chmod(0o600)
    assert read_credentials(secret) == "pw-pw-pw-pw"


def _bundle_at(lib: Path, moment: float) -> bool:
    time.sleep(max(0.0, moment - time.time()))
    return browser.bundle(lib)


def test_servers_starting_together_from_one_lib_put_the_guide_in_once(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    jar = lib / "neo4j-browser-0.0.0.jar"
    with zipfile.ZipFile(jar, "w") as z:
        for i in range(3000):
            z.writestr(f"browser/asset-{i}.js", os.urandom(2048))
    moment = time.time() + 3
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        rewrote = list(pool.map(_bundle_at, [lib] * 4, [moment] * 4))
    assert sorted(rewrote) == [False, False, False, True]
    with zipfile.ZipFile(jar) as z:
        names = set(z.namelist())
    assert {f"browser/asset-{i}.js" for i in range(3000)} <= names
    assert set(browser.assets()) <= names
    assert sorted(p.name for p in lib.iterdir()) == [jar.name]


def test_config_listens_on_loopback_and_is_sized() -> None:
    conf = neo4j_server.render_config(LocalServer(home=Path("/x"), bolt_port=1234, http_port=1235, heap="3g"))
    assert "server.default_listen_address=127.0.0.1" in conf
    assert "server.bolt.listen_address=127.0.0.1:1234" in conf
    assert "server.memory.heap.max_size=3g" in conf
    assert "dbms.security.auth_enabled=true" in conf


def test_the_page_cache_is_sized_to_the_store_within_the_machine(tmp_path: Path) -> None:
    """auto: at least 4 GB, else the store and room to grow, never more than the machine has room for."""
    store = tmp_path / "data" / "databases" / "neo4j"
    store.mkdir(parents=True)
    local = LocalServer(home=tmp_path, heap="4g", pagecache="auto")
    assert neo4j_server.pagecache_size(local, memory=64 << 30) == "4096m"  # a new store
    with (store / "neostore.nodestore.db").open("wb") as f:
        f.truncate(8 << 30)  # sparse: 8 GB on paper, nothing on disk
    assert neo4j_server.pagecache_size(local, memory=64 << 30) == "13107m"  # 1.6 × 8 GB
    assert neo4j_server.pagecache_size(local, memory=16 << 30) == "6144m"  # 16 GB less the heap and duanka's 6
    assert neo4j_server.pagecache_size(LocalServer(home=tmp_path, pagecache="2g")) == "2g"
    assert "server.memory.pagecache.size=6144m" in neo4j_server.render_config(local, memory=16 << 30)
    sizes = [neo4j_server.size_bytes(s) for s in ("512m", "4g", "4G", "1024k", "7")]
    assert sizes == [512 << 20, 4 << 30, 4 << 30, 1 << 20, 7]


def test_remote_uri_is_not_local() -> None:
    s = Settings.from_env(
        {"NEO4J_URI": "neo4j://cluster.example:7687", "NEO4J_PASSWORD": "x", "NEO4J_DATABASE": "fraud"}
    )
    assert not s.connection.is_local
    assert s.connection.database == "fraud"
    assert s.password() == "x"


def test_install_is_idempotent_and_fast(settings: Settings) -> None:
    result = neo4j_server.install(settings.local)
    assert not result.fetched
    assert any(p.name.startswith("neo4j-browser-") for p in result.lib.glob("*.jar"))


def test_missing_java_or_maven_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(neo4j_server.shutil, "which", lambda name: None)
    with pytest.raises(
        DuankaError, match=r"Java is missing: install Java 17 \(apt-get install openjdk-17-jre-headless\)"
    ):
        neo4j_server.install(LocalServer(home=tmp_path))
    monkeypatch.setattr(neo4j_server.shutil, "which", lambda name: "/usr/bin/java" if name == "java" else None)
    with pytest.raises(DuankaError, match=r"Maven is missing: install it \(apt-get install maven\)"):
        neo4j_server.install(LocalServer(home=tmp_path))


def test_an_exited_process_nobody_reaped_counts_as_stopped() -> None:
    """`stop` waits for the server's process to end; one that has exited but is still in the process table
    (a zombie, where nothing reaps) must not hold it for its whole timeout."""
    import subprocess
    import time

    child = subprocess.Popen(["sleep", "0.2"])  # not waited for: a zombie once it exits
    assert neo4j_server._alive(child.pid)
    time.sleep(1.0)
    assert Path(f"/proc/{child.pid}").exists()  # still in the process table …
    assert not neo4j_server._alive(child.pid)  # … and not alive
    child.wait()
    assert not neo4j_server._alive(child.pid)


def _processes_showing(secret: bytes) -> tuple[set[str], set[str]]:
    """Every process's command line and readable environment: those that hold `secret`, and all command lines."""
    holding, seen = set(), set()
    for proc in Path("/proc").glob("[0-9]*"):
        for part in ("cmdline", "environ"):
            try:
                text = (proc / part).read_bytes()
            except OSError:  # gone, or another user's environment
                continue
            if secret in text:
                holding.add(f"{proc.name} {part}: {text[:200]!r}")
            if part == "cmdline":
                seen.add(text.replace(b"\0", b" ").decode(errors="replace"))
    return holding, seen


def test_a_fresh_server_gets_its_password_on_no_command_line_or_environment(neo4j_lib: Path, tmp_path: Path) -> None:
    """Every process's command line (and environment, where readable) is polled while a new home starts:
    the password is in none of them, yet the server takes it, quotes, backslashes and spaces included."""
    import threading

    lib = neo4j_lib
    ports = []
    for _ in range(2):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
    password = 'a "quoted" pass\\word #1 ' + neo4j_server.secrets.token_hex(8)
    fresh = Settings(
        local=LocalServer(
            home=tmp_path / "home", lib_dir=lib, bolt_port=ports[0], http_port=ports[1], heap="512m", pagecache="64m"
        ),
        connection=Connection(
            uri=f"bolt://127.0.0.1:{ports[0]}", user="neo4j", password=password, database="neo4j", is_local=True
        ),
        work_dir=tmp_path,
    )
    leaks: set[str] = set()
    commands: set[str] = set()
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            holding, seen = _processes_showing(password.encode())
            leaks.update(holding)
            commands.update(seen)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        neo4j_server.start(fresh, timeout=180)
        with neo4j.GraphDatabase.driver(fresh.connection.uri, auth=("neo4j", password)) as drv:
            drv.verify_connectivity()
    finally:
        done.set()
        poller.join()
        neo4j_server.stop(fresh.local)
    assert any("set-initial-password" in c for c in commands)  # the poll saw the password being set …
    assert any("Neo4jCommand" in c or "CommunityEntryPoint" in c for c in commands)  # … and the server start
    assert not leaks
    # the hash it was set as is the owner's alone from the first start (not only from the next one)
    auth = fresh.local.home / "data" / "dbms" / "auth.ini"
    assert stat.S_IMODE(auth.stat().st_mode) == 0o600, oct(auth.stat().st_mode)
