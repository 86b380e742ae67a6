"""The audit log: who loaded, detected, exported or decided what, and when.

One JSON object per line in `<work dir>/audit.jsonl`, opened for appending only
and readable by its owner only. Each entry carries the SHA-256 of the line
before it, so a removed or edited line breaks the chain and `verify` says where.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from duanka.errors import DuankaError
from duanka.settings import Settings

GENESIS = "0" * 64


def log_path(settings: Settings) -> Path:
    """The append-only audit log of this installation's work directory."""
    return settings.work_dir / "audit.jsonl"


def current_user(by: str | None = None) -> str:
    """The named user when given, else DUANKA_USER, else the login name."""
    return by or os.environ.get("DUANKA_USER") or getpass.getuser()


def _digest(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def append(settings: Settings, action: str, by: str | None = None, **details: Any) -> dict[str, Any]:
    """Append one entry under an exclusive lock, so concurrent writers never interleave or fork the chain."""
    path = log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        last = ""
        for line in handle:
            last = line.rstrip("\n") or last
        entry = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "action": action,
            "by": current_user(by),
            **details,
            "prev": _digest(last) if last else GENESIS,
        }
        handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True, default=str) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return entry


def entries(settings: Settings, since: str | None = None) -> list[dict[str, Any]]:
    """The log's entries, oldest first; only those at or after `since` (ISO 8601) when given."""
    path = log_path(settings)
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if since is None or r["at"] >= since]


def verify(settings: Settings) -> int:
    """Check the hash chain; return the number of entries or raise naming the first broken line."""
    path = log_path(settings)
    if not path.exists():
        return 0
    prev = GENESIS
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if json.loads(line).get("prev") != prev:
            raise DuankaError(f"Audit log {path} was altered before line {number}: its chain does not match.")
        prev = _digest(line)
    return len(lines)
