"""Install, configure, start and stop the project's own Neo4j Community server.

The jars come from Maven Central through ``infra/neo4j/pom.xml``; the server
is run by Neo4j's own launcher (``Neo4jCommand``), exactly as the tarball's
``bin/neo4j`` would, with a configuration this module writes.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from duanka import browser, private
from duanka.errors import DuankaError
from duanka.lock import folder_lock
from duanka.settings import LocalServer, Settings, project_root, write_private

POM = project_root() / "infra" / "neo4j" / "pom.xml"
LAUNCHER = "org.neo4j.server.startup.Neo4jCommand"
ADMIN = "org.neo4j.cli.AdminTool"
MIN_JAVA = 17
PAGECACHE_AT_LEAST = 4 << 30  # a new store's: the server takes pages as they are touched, so unused it costs nothing
# The store, the indexes built after a bulk import's restart, the runs' results and a few days' loads:
# 1 M persons' store was 5.9 GB at that restart and 8.1 GB after the constraints and a detection.
PAGECACHE_PER_STORE_BYTE = 1.6
FIRST_START = 900.0  # s for Bolt at a new store's first start: it creates its databases (3.5 min measured, busy)
LEFT_FOR_DUANKA = 6 << 30  # duanka's own processes beside the server (4.3 GB at 1 M persons, docs/benchmarks.md)
SIZE = re.compile(r"(\d+)\s*([kmgt]?)b?", re.IGNORECASE)


def neo4j_version(pom: Path = POM) -> str:
    """The Neo4j version infra/pom.xml pins."""
    match = re.search(r"<neo4j.version>([^<]+)</neo4j.version>", pom.read_text())
    if not match:
        raise DuankaError(f"{pom} names no <neo4j.version>.")
    return match.group(1)


def _require_java() -> str:
    java = shutil.which("java")
    if java is None:
        raise DuankaError("Java is missing: install Java 17 (apt-get install openjdk-17-jre-headless).")
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)', out)
    if match and int(match.group(1)) < MIN_JAVA:
        raise DuankaError(f"Neo4j 5 needs Java {MIN_JAVA} or newer; found Java {match.group(1)}.")
    return java


def _require_maven() -> str:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise DuankaError("Maven is missing: install it (apt-get install maven) to fetch Neo4j.")
    return mvn


def _pom_digest() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


@dataclass(frozen=True)
class InstallResult:
    version: str
    lib: Path
    fetched: bool


def install(local: LocalServer) -> InstallResult:
    """Fetch the server's jars once; a later call with the same pom returns at once."""
    _require_java()
    with folder_lock(local.lib):  # installations sharing one lib/ (the test workers) fetch it once
        return _install(local)


def _install(local: LocalServer) -> InstallResult:
    marker = local.lib / ".installed"
    if marker.exists() and marker.read_text().strip() == _pom_digest():
        return InstallResult(neo4j_version(), local.lib, fetched=False)
    mvn = _require_maven()
    staging = local.lib.with_name(local.lib.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    command = [
        mvn,
        "-q",
        "-B",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={staging}",
        "-DincludeScope=runtime",
    ]
    result = subprocess.run(command, capture_output=True, text=True, umask=private.UMASK)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
        raise DuankaError(f"Maven could not fetch Neo4j {neo4j_version()}:\n{tail}")
    (staging / ".installed").write_text(_pom_digest())
    shutil.rmtree(local.lib, ignore_errors=True)
    staging.rename(local.lib)  # atomic: a half-fetched lib/ is never taken for an install
    return InstallResult(neo4j_version(), local.lib, fetched=True)


def pagecache_size(local: LocalServer, memory: int | None = None) -> str:
    """The page cache the server starts with: as configured, or for "auto" the store's size and room to grow,
    as far as the machine has room beside the heap and duanka's own processes.

    Reads that miss the page cache go to the file system: with 4 GB for the 8 GB store of 1 M persons, a
    day's region read its facts 27 times slower than with the store held (docs/benchmarks.md). The size
    is taken at each start, so the restart after a bulk import sizes it for what was imported."""
    if local.pagecache != "auto":
        return local.pagecache
    databases = local.home / "data" / "databases"
    store = sum(f.stat().st_size for f in databases.rglob("*") if f.is_file()) if databases.exists() else 0
    memory = psutil.virtual_memory().total if memory is None else memory
    room = memory - size_bytes(local.heap) - LEFT_FOR_DUANKA
    wanted = max(PAGECACHE_AT_LEAST, int(PAGECACHE_PER_STORE_BYTE * store))
    return f"{max(min(wanted, room), 1 << 30) >> 20}m"


def size_bytes(size: str) -> int:
    """Bytes of a memory size as Neo4j writes them: 512m, 4g, 4G, 1024k."""
    found = SIZE.fullmatch(size.strip())
    if not found:
        raise DuankaError(f"{size!r} is not a memory size (like 512m or 4g).")
    return int(found[1]) << (10 * "kmgt".find(found[2].lower()) + 10 if found[2] else 0)


def render_config(local: LocalServer, memory: int | None = None) -> str:
    """neo4j.conf for one 2-core, 24 GB machine; every size and port is overridable."""
    home = local.home
    return "\n".join(
        [
            "# Written by `duanka neo4j start`; edits are overwritten. Override with DUANKA_NEO4J_* variables.",
            f"server.default_listen_address={local.listen_address}",
            f"server.default_advertised_address={local.listen_address}",
            f"server.bolt.listen_address={local.listen_address}:{local.bolt_port}",
            f"server.http.listen_address={local.listen_address}:{local.http_port}",
            "server.https.enabled=false",
            "dbms.security.auth_enabled=true",
            "dbms.usage_report.enabled=false",
            "client.allow_telemetry=false",
            f"server.memory.heap.initial_size={local.heap}",
            f"server.memory.heap.max_size={local.heap}",
            f"# page cache: DUANKA_NEO4J_PAGECACHE={local.pagecache}; auto sizes it to the store at each start",
            f"server.memory.pagecache.size={pagecache_size(local, memory)}",
            "db.tx_log.rotation.retention_policy=2 days 2G",
            # Bolt waits 5 s a connector for idle thread pools on shutdown: 10 s of every stop (and every
            # bulk import stops the server). Nothing is pending when duanka stops it.
            "internal.server.bolt.thread_pool_shutdown_wait_time=0s",
            f"server.directories.data={home / 'data'}",
            f"server.directories.logs={home / 'logs'}",
            f"server.directories.run={home / 'run'}",
            f"server.directories.plugins={home / 'plugins'}",
            f"server.directories.import={home / 'import'}",
            f"server.directories.lib={local.lib}",
            # Investigators land in the duanka guide, with roles coloured (duanka/browser.py).
            f"browser.remote_content_hostname_whitelist={local.listen_address}",
            f"browser.post_connect_cmd={browser.post_connect(f'http://{local.listen_address}:{local.http_port}')}",
            "",
        ]
    )


SECRET_ENV = ("NEO4J_PASSWORD", "PREFECT_API_AUTH_STRING", "PREFECT_SERVER_API_AUTH_STRING")


def _launcher_env(local: LocalServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}  # no secret in the JVM's environment
    env.update(NEO4J_HOME=str(local.home), NEO4J_CONF=str(local.conf_dir))
    return env


def _java(local: LocalServer, main: str, *args: str, heap: str | None = None) -> subprocess.CompletedProcess[str]:
    """A Neo4j command; it and the server it may start make their store, logs and pid file owner-only,
    whatever the umask of the process that asked. `heap` caps the command's own JVM."""
    command = [_require_java(), *([f"-Xmx{heap}"] if heap else []), "-cp", f"{local.lib}/*", main, *args]
    return subprocess.run(command, env=_launcher_env(local), capture_output=True, text=True, umask=private.UMASK)


def _argfile_quoted(arg: str) -> str:
    """`arg` as one quoted argument of a java @argfile (the launcher reads backslash escapes inside quotes)."""
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'


def set_initial_password(local: LocalServer, password: str) -> None:
    """Set the password of a store never started, with the password on no command line.

    `neo4j-admin dbms set-initial-password` takes it as an argument, which any local user reads in `ps`
    while it runs. The java launcher reads its arguments from an @argfile itself: the password goes in
    one, owner-only in a private folder and gone when the command returns; the command line shows its path.
    """
    with tempfile.TemporaryDirectory(prefix="duanka-") as folder:  # 0700
        argfile = Path(folder) / "set-initial-password"
        write_private(argfile, f"{ADMIN} dbms set-initial-password -- {_argfile_quoted(password)}\n")
        command = [_require_java(), "-cp", f"{local.lib}/*", f"@{argfile}"]
        result = subprocess.run(
            command, env=_launcher_env(local), capture_output=True, text=True, umask=private.UMASK
        )  # the password's hash (data/dbms/auth.ini): the owner's alone, as everything under the home
    if result.returncode != 0:
        raise DuankaError(f"Could not set the initial password:\n{result.stderr.strip()}")


def admin(local: LocalServer, *args: str) -> subprocess.CompletedProcess[str]:
    """Run neo4j-admin with the server's configuration (the server must be stopped for imports), its heap
    capped at `admin_heap`."""
    return _java(local, ADMIN, *args, heap=local.admin_heap)


def drop_store(local: LocalServer, database: str = "neo4j") -> None:
    """Delete a stopped database's files; the server recreates it empty at the next start."""
    if is_running(local):
        raise DuankaError("Stop Neo4j before dropping a database's files.")
    for folder in ("databases", "transactions"):
        shutil.rmtree(local.home / "data" / folder / database, ignore_errors=True)


def server_pid(local: LocalServer) -> int | None:
    """The running server's process id, if it runs."""
    pid_file = local.home / "run" / "neo4j.pid"
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    """Whether the process runs: an exited one nobody has reaped yet (a zombie) does not."""
    try:
        os.kill(pid, 0)
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:  # gone (or gone between the two looks)
        return False


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def ensure_password(settings: Settings) -> str:
    """``NEO4J_PASSWORD`` if set, else the stored one, else a new strong one stored 0600."""
    if settings.connection.password:
        return settings.connection.password
    path = settings.local.credentials_file
    if path.exists():
        return settings.password()
    password = secrets.token_urlsafe(24)
    write_private(path, password + "\n")
    return password


def log_tail(local: LocalServer, lines: int = 20) -> str:
    """The last lines of the server's log, for error messages."""
    try:
        return "\n".join(local.log_file.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log yet)"


def is_running(local: LocalServer) -> bool:
    """Whether the local server's process is alive."""
    return server_pid(local) is not None


def start(settings: Settings, timeout: float = 120.0) -> float:
    """Start the server and return the seconds until Bolt answered; already running is fine.

    `timeout` counts from the launch, and a new store's first start is given FIRST_START at least: on a
    busy machine the JVMs that set the password and launch the server took minutes before it began."""
    from duanka.db import wait_for_bolt

    local = settings.local
    private.private_tree(local.home)  # the store of whole provinces: owner-only, also what an older version wrote
    if not (local.lib / ".installed").exists():
        install(local)
    password = ensure_password(settings)
    began = time.monotonic()
    wait = timeout
    if not is_running(local):
        for port in (local.bolt_port, local.http_port):
            if _port_open(local.listen_address, port):
                raise DuankaError(
                    f"Port {port} on {local.listen_address} is taken by another process; "
                    "stop it or choose another with DUANKA_NEO4J_BOLT_PORT / DUANKA_NEO4J_HTTP_PORT."
                )
        write_private(private.private_folder(local.conf_dir) / "neo4j.conf", render_config(local))
        browser.bundle(local.lib)
        if not (local.home / "data" / "databases" / "system").exists():
            set_initial_password(local, password)
            wait = max(timeout, FIRST_START)
        result = _java(local, LAUNCHER, "start")
        if result.returncode != 0:
            raise DuankaError(f"Neo4j did not start:\n{result.stdout}{result.stderr}\n{log_tail(local)}")
    try:
        wait_for_bolt(settings, password, deadline=time.monotonic() + wait)
    except DuankaError as exc:
        raise DuankaError(f"{exc}\nLast lines of {local.log_file}:\n{log_tail(local)}") from exc
    return time.monotonic() - began


def stop(local: LocalServer, timeout: float = 120.0) -> bool:
    """Stop the server; returns whether it was running.

    The launcher's own `stop` sends the same SIGTERM and waits, after a JVM start of its own (2–3 s of
    every bulk import): signalled from here instead.
    """
    pid = server_pid(local)
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            raise DuankaError(f"Neo4j (process {pid}) did not stop within {timeout:.0f} s; see {local.log_file}")
        time.sleep(0.1)
    (local.home / "run" / "neo4j.pid").unlink(missing_ok=True)
    return True
