"""One writer per database: an OS file lock, released by the kernel when its holder exits or crashes.

Two runs against the same database never write at once: the second waits up
to its patience, then is refused with who holds the lock. Within one
thread the lock is re-entrant (the pipeline holds it around its own ingest). For
workers on several machines, the Prefect concurrency limit in prefect.yaml
does the same across hosts (docs/deployment.md).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from duanka.errors import DuankaError
from duanka.settings import Settings


def lock_path(settings: Settings) -> Path:
    """The lock file of the configured database."""
    conn = settings.connection
    name = hashlib.sha256(f"{conn.uri}|{conn.database}".encode()).hexdigest()[:16]
    return settings.work_dir / "locks" / f"db-{name}.lock"


_held: dict[tuple[Path, int], int] = {}  # (lock, thread) -> depth: a pipeline's own ingest re-enters


@contextmanager
def database_lock(settings: Settings, purpose: str, wait: float = 0.0, poll: float = 1.0) -> Iterator[None]:
    """Hold the one-writer lock of the database; wait up to `wait` seconds for another run, else say who holds it."""
    path = lock_path(settings)
    mine = (path, threading.get_ident())
    if mine in _held:
        _held[mine] += 1
        try:
            yield
        finally:
            _held[mine] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = Path(path).read_text(encoding="utf-8").strip() or "another process"
                    raise DuankaError(
                        f"Another run is writing to {settings.connection.uri} ({holder}); "
                        f"refused after waiting {wait:.0f} s. Try again when it has finished."
                    ) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.write(
            fd,
            json.dumps(
                {
                    "pid": os.getpid(),
                    "purpose": purpose,
                    "since": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            ).encode(),
        )
        _held[mine] = 1
        try:
            yield
        finally:
            del _held[mine]
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold a folder that several installations share (the server's jars) while one of them changes it.

    Two servers started at once from one `lib/` both found the Browser jar without the guide and both
    rewrote it through the same staging file; the second found it gone. Blocking: the change takes seconds."""
    path = folder.with_name(f".{folder.name}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
