"""Run ids and file digests: what every step records so a result can be traced to its inputs."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from pathlib import Path


def new_run_id(kind: str) -> str:
    """`kind-YYYYmmddTHHMMSSZ-xxxxxx`: sorts by time, unique across machines."""
    return f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in 1 MB blocks so a 10 GB extract needs no memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
