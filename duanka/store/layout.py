"""Where the store keeps a load's rows, in which column types, and the manifest that says a load is whole.

`<work dir>/store/load=<load id>/file=<source file>/<label or type>.parquet`, one folder per load (the
ingest run's id, as the graph's `load_id` and Run node name it) and one per source file within it. Column
types follow graphmodel's declaration. A load's `manifest.json` is written last, with every file's rows and
SHA-256: a load without one never finished writing and is not read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa

from duanka.ids import sha256_of
from duanka.settings import Settings
from graphmodel.cypher import node_fields
from graphmodel.schema import KEYED, LOADED_RELATIONSHIPS, PropKind
from graphmodel.sql import END, START

MANIFEST = "manifest.json"
ARROW: dict[PropKind, pa.DataType] = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
}
ORDER = [pa.field("load_id", pa.string()), pa.field("seq", pa.int64())]  # which load wrote a row, and when in it


@cache
def columns(element: str) -> pa.Schema:
    """The Parquet columns of a label's or a type's rows: its key (or its ends' keys) and declared properties."""
    for n in KEYED:
        if n.label == element:
            return pa.schema([pa.field(p.name, ARROW[p.kind]) for p in node_fields(n)] + ORDER)
    r = next(r for r in LOADED_RELATIONSHIPS if r.type == element)
    ends = [pa.field(START, pa.string()), pa.field(END, pa.string())]
    return pa.schema(ends + [pa.field(p.name, ARROW[p.kind]) for p in r.props] + ORDER)


def root(settings: Settings) -> Path:
    """The store's folder under the work directory."""
    return settings.work_dir / "store"


def folder(settings: Settings, load_id: str) -> Path:
    """One load's partition."""
    return root(settings) / f"load={load_id}"


def path(settings: Settings, load_id: str, file: str, element: str) -> Path:
    """The Parquet file of one source file's rows of one label or type, in one load."""
    return folder(settings, load_id) / f"file={file}" / f"{element}.parquet"


@dataclass(frozen=True)
class Part:
    """One Parquet file of a load, as its manifest lists it."""

    file: str  # the source file (contract name)
    element: str  # label or relationship type
    rows: int
    sha256: str

    def path(self, settings: Settings, load_id: str) -> Path:
        """Where the file is."""
        return path(settings, load_id, self.file, self.element)


def write_manifest(settings: Settings, load_id: str, parts: list[Part]) -> Path:
    """The load's manifest, written whole or not at all (a temporary file renamed into place)."""
    target = folder(settings, load_id) / MANIFEST
    body = {"load_id": load_id, "parts": [vars(p) for p in parts]}
    text = json.dumps(body, indent=1, ensure_ascii=False)
    body["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, indent=1, ensure_ascii=False), encoding="utf-8")
    tmp.replace(target)
    return target


def parts(settings: Settings, load_id: str) -> list[Part] | None:
    """A finished load's files (None: the store has no finished partition of it)."""
    manifest = folder(settings, load_id) / MANIFEST
    if not manifest.exists():
        return None
    body = json.loads(manifest.read_text(encoding="utf-8"))
    return [Part(**p) for p in body["parts"]]


def stamp(settings: Settings, load_id: str) -> str:
    """A finished load's manifest checksum: what it holds, so a load written again under its id reads anew
    ("" for a load the store does not hold whole)."""
    manifest = folder(settings, load_id) / MANIFEST
    return str(json.loads(manifest.read_text(encoding="utf-8"))["sha256"]) if manifest.exists() else ""


def finished(settings: Settings) -> list[str]:
    """The loads the store holds whole, oldest first."""
    base = root(settings)
    if not base.is_dir():
        return []
    return sorted(p.parent.name.removeprefix("load=") for p in base.glob(f"load=*/{MANIFEST}"))


def verify(settings: Settings, load_id: str) -> list[str]:
    """A finished load's files whose bytes no longer match its manifest (empty: all match)."""
    return [
        str(p.path(settings, load_id))
        for p in parts(settings, load_id) or []
        if not p.path(settings, load_id).exists() or sha256_of(p.path(settings, load_id)) != p.sha256
    ]
