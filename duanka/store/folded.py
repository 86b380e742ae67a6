"""The store's loads already folded, kept beside them: a read folds only the loads written since.

Folding every row of every load into the graph's state was most of a read (medium, one load: 5–11 s of
13–23 s). The state after a set of loads is kept as Parquet, one file per folded table, under
`<work dir>/store/folded/<id>/` with `covers.json`: the loads it covers (with their manifests' checksums, so a
load written again under its id is folded anew) and the checksum of the generated folds (a changed schema
or fold starts over). A later read whose loads begin with those takes the kept state as it is for what the
loads since do not touch, and folds what they touch again, its kept state taken as one earlier load's rows:
every row of the loads since has a later `ord` (duanka/store/read.py), so a later value replaces a kept one
exactly as it would have replaced the row it came from.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from duanka import private
from duanka.settings import Settings
from duanka.store import layout
from graphmodel.sql import states

COVERS = "covers.json"
KEEP = 2  # the newest checkpoints kept: a reader that opened the one before the newest still finds it


@cache
def folds_digest() -> str:
    """The checksum of every generated fold: kept state from other folds is not this state."""
    return hashlib.sha256("\n".join(s.cypher for s in states()).encode()).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    """Folded tables covering the first loads of a read."""

    folder: Path
    loads: tuple[str, ...]

    def table(self, name: str) -> str:
        """The Parquet file of one folded table."""
        return str(self.folder / f"{name}.parquet")


def _base(settings: Settings) -> Path:
    return layout.root(settings) / "folded"


def _stamps(settings: Settings, loads: Sequence[str]) -> list[str]:
    return [f"{load}:{layout.stamp(settings, load)}" for load in loads]


def _covers(folder: Path) -> dict[str, object] | None:
    try:
        body = json.loads((folder / COVERS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def _kept(settings: Settings) -> list[Path]:
    base = _base(settings)
    folders = [f for f in base.iterdir() if (f / COVERS).exists()] if base.is_dir() else []
    return sorted(folders, key=lambda f: (f / COVERS).stat().st_mtime, reverse=True)


def find(settings: Settings, loads: Sequence[str]) -> Checkpoint | None:
    """The kept state covering the most of `loads` (oldest first), where it covers a beginning of them."""
    wanted = _stamps(settings, loads)
    best: Checkpoint | None = None
    for folder in _kept(settings):
        body = _covers(folder)
        if body is None or body.get("folds") != folds_digest():
            continue
        covered = body.get("loads")
        if not isinstance(covered, list):
            continue
        if covered and covered == wanted[: len(covered)] and (best is None or len(covered) > len(best.loads)):
            best = Checkpoint(folder, tuple(loads[: len(covered)]))
    return best


def save(con: duckdb.DuckDBPyConnection, settings: Settings, loads: Sequence[str], tables: Sequence[str]) -> Path:
    """Keep the folded `tables` of `loads`: written whole under a temporary name, then renamed into place;
    older checkpoints beyond KEEP go."""
    base = private.private_folder(_base(settings))
    staging = base / f".{uuid.uuid4().hex}"
    private.private_folder(staging)
    for name in tables:  # names come from the generated folds, never from data; the path is quoted
        target = str(staging / f"{name}.parquet").replace("'", "''")
        con.execute(f"COPY {name} TO '{target}' (FORMAT parquet)")
    body = {"loads": _stamps(settings, loads), "folds": folds_digest(), "tables": list(tables)}
    (staging / COVERS).write_text(json.dumps(body, indent=1), encoding="utf-8")
    kept = base / uuid.uuid4().hex
    staging.rename(kept)
    for old in _kept(settings)[KEEP:]:
        shutil.rmtree(old, ignore_errors=True)
    return kept


def forget(settings: Settings) -> None:
    """Every kept state gone: the next read folds every load (what a first read after a bulk load does)."""
    shutil.rmtree(_base(settings), ignore_errors=True)
