"""A local Prefect server for the UI: loopback only, its SQLite database under .prefect/, analytics off.

The flows work without it (each process then starts a temporary server); with
it running, `flows` points at it automatically, so runs show up in the UI.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from duanka.errors import DuankaError
from duanka.settings import project_root

HOST = "127.0.0.1"


def home() -> Path:
    """Where the local Prefect server keeps its database and logs."""
    return Path(os.environ.get("PREFECT_HOME", project_root() / ".prefect"))


def port() -> int:
    """The local Prefect server's port."""
    return int(os.environ.get("DUANKA_PREFECT_PORT", "4200"))


def api_url() -> str:
    """The local Prefect server's API address."""
    return f"http://{HOST}:{port()}/api"


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
    )
    env.pop("PREFECT_API_URL", None)
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
