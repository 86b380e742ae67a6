"""A local Prefect server for the UI: loopback only, its SQLite database under .prefect/, analytics off.

The flows work without it (each process then starts a temporary server); with
it running, `flows` points at it automatically, so runs show up in the UI.

Both servers, the local one and a flow's temporary one, demand this installation's auth string
(`PREFECT_SERVER_API_AUTH_STRING`): on loopback without it, any local user could read the runs and
start the deployments. duanka's own clients send it (`PREFECT_API_AUTH_STRING`); it travels in the
environment of the user's own processes, never on a command line.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, MutableMapping
from pathlib import Path

from duanka import keys
from duanka.errors import DuankaError
from duanka.settings import project_root

HOST = "127.0.0.1"
EPHEMERAL_STARTUP = 900  # s: a temporary server's first start migrates its database, minutes on a busy machine


def home() -> Path:
    """Where the local Prefect server keeps its database and logs."""
    return Path(os.environ.get("PREFECT_HOME", project_root() / ".prefect"))


def port() -> int:
    """The local Prefect server's port."""
    return int(os.environ.get("DUANKA_PREFECT_PORT", "4200"))


def api_url() -> str:
    """The local Prefect server's API address."""
    return f"http://{HOST}:{port()}/api"


def auth_string() -> str:
    """This installation's Prefect auth string: the text of its `prefect-api` key, made on first use."""
    return keys.key(keys.PREFECT_API).hex()


def authenticate(env: MutableMapping[str, str]) -> None:
    """Make this process's Prefect clients, and any temporary server it starts, use the auth string.

    Only for duanka's own servers (no PREFECT_API_URL: a temporary one; or the local one's): a team's
    Prefect server elsewhere has credentials of its own, and this installation's must not be sent to it.
    A temporary server's start is given as long as a slow machine needs (Prefect waits 20 s)."""
    url = env.get("PREFECT_API_URL")
    if url and url.rstrip("/") != api_url():
        return
    secret = auth_string()
    env.setdefault("PREFECT_API_AUTH_STRING", secret)
    env.setdefault("PREFECT_SERVER_API_AUTH_STRING", secret)
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(EPHEMERAL_STARTUP))


def first_start() -> bool:
    """Whether Prefect's database under PREFECT_HOME is yet to be made (a first start migrates it)."""
    return not (home() / "prefect.db").exists()


def temporary_server_note(env: Mapping[str, str] | None = None) -> str | None:
    """What a flow run from this process waits for first when it starts a temporary Prefect server."""
    env = os.environ if env is None else env
    if env.get("PREFECT_API_URL"):
        return None
    first = ", whose first start creates its database under " + str(home()) if first_start() else ""
    wait = env.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", EPHEMERAL_STARTUP)
    return (
        f"Waiting for Prefect's temporary API server{first} (up to {wait} s; `duanka prefect start` keeps one running)"
    )


def _pid_file() -> Path:
    return home() / "server.pid"


def running_pid() -> int | None:
    """The local Prefect server's process id, if it runs."""
    try:
        pid = int(_pid_file().read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def _answers() -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((HOST, port())) == 0


def start(timeout: float = 120.0) -> str:
    """Start `prefect server start` in the background and return its API URL once it answers."""
    if running_pid():
        return api_url()
    if _answers():
        raise DuankaError(f"Port {port()} on {HOST} is taken by another process; set DUANKA_PREFECT_PORT.")
    home().mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        PREFECT_HOME=str(home()),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_SERVER_API_HOST=HOST,
        PREFECT_SERVER_API_PORT=str(port()),
        PREFECT_UI_ENABLED="true",
        PREFECT_SERVER_API_AUTH_STRING=auth_string(),
        PREFECT_API_AUTH_STRING=auth_string(),
    )
    env.pop("PREFECT_API_URL", None)
    env.pop("NEO4J_PASSWORD", None)  # the server needs no database password
    log = (home() / "server.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", HOST, "--port", str(port())],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _pid_file().write_text(str(proc.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise DuankaError(f"Prefect server exited at start (code {proc.returncode}); see {home() / 'server.log'}.")
        if _answers() and _healthy():
            return api_url()
        time.sleep(1)
    stop()
    raise DuankaError(f"Prefect server did not answer within {timeout:.0f} s; see {home() / 'server.log'}.")


def _healthy() -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(api_url() + "/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def stop() -> bool:
    """Stop the local Prefect server; whether one was running."""
    pid = running_pid()
    if pid is None:
        return False
    os.killpg(pid, signal.SIGTERM)
    for _ in range(60):
        try:
            os.kill(pid, 0)
        except OSError:
            break
        time.sleep(0.5)
    _pid_file().unlink(missing_ok=True)
    return True
