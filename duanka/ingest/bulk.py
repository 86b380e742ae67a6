"""`--bulk`: the same validated rows, written as neo4j-admin import files and loaded offline.

For a first load into an empty local database. Repeated pairings are merged
here exactly as the MERGE loaders would (earliest first_seen, latest
last_seen, largest days_seen), so the graph comes out identical to a Bolt
load (a test compares the two). Frames are written whole: no per-row Python.
Rows that may repeat wait on disk, not in memory: only a hash of each row's
pairing is held until the end shows which pairings came more than once.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from duanka import db, neo4j_server
from duanka.errors import DuankaError
from duanka.ingest.seen import hashed
from duanka.ingest.writes import NodeWrite, RelWrite
from duanka.settings import Settings
from graphmodel.apply import apply_schema
from graphmodel.schema import NodeSchema, Prop

IMPORT_TYPES = {
    "string": "",
    "int": ":long",
    "float": ":double",
    "bool": ":boolean",
    "datetime": ":datetime",
    "date": ":date",
}


def _header(p: Prop) -> str:
    return p.name + IMPORT_TYPES[p.kind]


def _as_text(frame: pd.DataFrame, props: list[Prop]) -> pd.DataFrame:
    """Booleans as true/false and whole numbers without '.0', by the declared kind; missing stays empty;
    any column of Python objects as text (Arrow writes a column of one type)."""
    out = frame.copy()
    for p in props:
        if p.name not in out.columns:
            continue
        if p.kind == "bool":
            out[p.name] = out[p.name].map({True: "true", False: "false"})
        elif p.kind == "int":
            out[p.name] = pd.to_numeric(out[p.name], errors="coerce").astype("Int64")
    for name in out.select_dtypes(include="object").columns:
        out[name] = out[name].astype("string")
    return out


class _File:
    """One import CSV, readable by its owner only (it holds raw personal data); written by Arrow."""

    def __init__(self, path: Path, header: list[str]) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.handle = os.fdopen(fd, "wb")
        self.path = path
        self.rows = 0
        self.handle.write((",".join(header) + "\n").encode())  # names and types: no comma, no quote

    def write(self, frame: pd.DataFrame, props: list[Prop] | tuple[Prop, ...] = ()) -> None:
        table = pa.Table.from_pandas(_as_text(frame, list(props)), preserve_index=False)
        pacsv.write_csv(table, self.handle, pacsv.WriteOptions(include_header=False))
        self.rows += len(frame)


class BulkSink:
    def __init__(
        self, settings: Settings, load_id: str, folder: Path, written_twice: frozenset[str] = frozenset()
    ) -> None:
        """`written_twice`: keyed relationship types that two files of the extract write (call_records and
        calls), whose repeats must merge here; other keyed types are unique per file and go straight out."""
        if not settings.connection.is_local:
            raise DuankaError("--bulk loads the project's own Neo4j offline; for another server, load without --bulk.")
        with db.session(settings) as sess:
            if sess.run("MATCH (n) WHERE NOT n:AuditHead RETURN n LIMIT 1").peek() is not None:
                raise DuankaError(
                    "--bulk is for an empty database; this one holds data. Load without --bulk to update it."
                )
        self.settings, self.load_id, self.folder, self.written_twice = settings, load_id, folder, written_twice
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.node_files: dict[str, _File] = {}
        self.stub_files: dict[str, _File] = {}
        self.rel_files: dict[str, _File] = {}
        self.merged: dict[str, list[tuple[Path, np.ndarray]]] = {}  # type whose repeats merge -> (rows, pairings)
        self.writes: dict[str, RelWrite] = {}
        self.seconds_import = 0.0

    # -- the sink interface -----------------------------------------------------------------
    def nodes(self, write: NodeWrite, frame: pd.DataFrame) -> None:
        """Append node rows to the label's import file."""
        n = write.node
        props = [p for p in n.props if p.name in frame.columns and p.name not in (n.key, "on_record")]
        if n.label not in self.node_files:
            header = [f"{n.key}:ID({n.label})", *map(_header, props), "load_id"] + (
                ["on_record:boolean"] if n.has("on_record") else []
            )
            self.node_files[n.label] = _File(self.folder / f"nodes_{n.label}.csv", header)
        out = frame[[n.key, *(p.name for p in props)]].assign(load_id=self.load_id)
        if n.has("on_record"):
            out = out.assign(on_record="true")
        self.node_files[n.label].write(out, props)

    def stubs(self, target: NodeSchema, keys: list[Any]) -> None:
        """Append key-only nodes to the label's import file."""
        if target.label not in self.stub_files:
            self.stub_files[target.label] = _File(
                self.folder / f"stubs_{target.label}.csv", [f"{target.key}:ID({target.label})"]
            )
        self.stub_files[target.label].write(pd.DataFrame({"key": keys}))

    def relationships(self, write: RelWrite, frame: pd.DataFrame, new: bool = False) -> None:
        """Append relationship rows to the type's import file (`new` makes no difference offline)."""
        r = write.rel
        props = [p.name for p in r.props if p.name in frame.columns]
        out = frame[[write.start, write.end, *props]]
        if (r.key is None or r.type in self.written_twice) and any(p.merge != "replace" for p in r.props):
            parts = self.merged.setdefault(r.type, [])
            parts.append(
                (self.folder / f"merge_{r.type}_{len(parts)}.pkl", hashed(*(frame[c] for c in write.identity)))
            )
            out.to_pickle(parts[-1][0])
            self.writes[r.type] = write
            return
        self._rel_file(write, props).write(out.assign(load_id=self.load_id), r.props)

    def _rel_file(self, write: RelWrite, props: list[str]) -> _File:
        r = write.rel
        if r.type not in self.rel_files:
            header = [
                f":START_ID({r.start})",
                f":END_ID({r.end})",
                *(_header(p) for p in r.props if p.name in props),
                "load_id",
            ]
            self.rel_files[r.type] = _File(self.folder / f"rels_{r.type}.csv", header)
        return self.rel_files[r.type]

    # -- finishing --------------------------------------------------------------------------
    def _write_merged(self) -> None:
        """Repeated observations of one pairing become one relationship, as MERGE would make them.

        The rows are read back a part at a time: a pairing seen once goes straight out, the repeated ones
        (few) are gathered and merged.
        """
        for rel_type, parts in self.merged.items():
            write = self.writes[rel_type]
            repeated = pd.Series(np.concatenate([pairings for _, pairings in parts])).duplicated(keep=False).to_numpy()
            again, start = [], 0
            for path, pairings in parts:
                frame = pd.read_pickle(path)
                mask, start = repeated[start : start + len(pairings)], start + len(pairings)
                self._merged_file(write, frame).write(frame[~mask].assign(load_id=self.load_id), write.rel.props)
                again.append(frame[mask])
                path.unlink()
            frame = pd.concat(again, ignore_index=True)
            if frame.empty:
                continue
            pair = write.identity
            props = [p for p in write.rel.props if p.name in frame.columns and p.name not in pair]
            rules = {p.name: {"min": "min", "max": "max"}.get(p.merge, "last") for p in props}
            merged = (
                frame.groupby(pair, sort=False, as_index=False).agg(rules) if rules else frame.drop_duplicates(pair)
            )
            self._merged_file(write, frame).write(merged.assign(load_id=self.load_id), write.rel.props)

    def _merged_file(self, write: RelWrite, frame: pd.DataFrame) -> _File:
        return self._rel_file(write, [p.name for p in write.rel.props if p.name in frame.columns])

    def _files(self) -> list[_File]:
        return [*self.node_files.values(), *self.stub_files.values(), *self.rel_files.values()]

    def close(self) -> None:
        """Finish the import files and build the graph from them with neo4j-admin import."""
        self._write_merged()
        for f in self._files():
            f.handle.close()
        local = self.settings.local
        args = [
            "database",
            "import",
            "full",
            "neo4j",
            "--overwrite-destination=true",
            "--ignore-empty-strings=true",
            "--multiline-fields=true",
            f"--report-file={self.folder / 'import.report'}",
            f"--max-off-heap-memory={local.import_off_heap}",  # with admin_heap, the import's whole peak
        ]
        # A file with no rows names an ID group nothing defines (holders' cards where no card has a holder):
        # neo4j-admin refuses it, and it adds nothing.
        nodes = [(label, f) for label, f in [*self.node_files.items(), *self.stub_files.items()] if f.rows]
        args += [f"--nodes={label}={f.path}" for label, f in nodes]
        args += [f"--relationships={t}={f.path}" for t, f in self.rel_files.items() if f.rows]
        began = time.monotonic()
        neo4j_server.stop(local)
        try:
            result = neo4j_server.admin(local, *args)
            if result.returncode != 0:
                neo4j_server.drop_store(local)  # the database comes back empty, never half-imported
                raise DuankaError(
                    f"neo4j-admin import failed; the database is empty again:\n{(result.stdout + result.stderr)[-3000:]}"
                )
        finally:
            neo4j_server.start(self.settings)
            shutil.rmtree(self.folder, ignore_errors=True)  # raw personal data: keep no copy
        self.seconds_import = time.monotonic() - began
        with db.session(self.settings) as sess:
            apply_schema(sess)

    def __enter__(self) -> BulkSink:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.close()
        else:
            for f in self._files():
                f.handle.close()
            shutil.rmtree(self.folder, ignore_errors=True)
