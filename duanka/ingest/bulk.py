"""`--bulk`: the same validated rows, written as neo4j-admin import files and loaded offline.

For a first load into an empty local database this is several times faster
than Bolt MERGEs. Repeated pairings are merged here exactly as the MERGE
loaders would (min/max for seen windows), so the graph comes out the same.
"""

from __future__ import annotations

import csv
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pandas as pd

from duanka import db, neo4j_server
from duanka.errors import DuankaError
from duanka.ingest.mapping import NodeWrite, RelWrite
from duanka.settings import Settings
from graphmodel.apply import apply_schema
from graphmodel.schema import NodeSchema, Prop

IMPORT_TYPES = {"string": "", "int": ":long", "float": ":double", "bool": ":boolean", "datetime": ":datetime", "date": ":date"}


def _column(p: Prop) -> str:
    return p.name + IMPORT_TYPES[p.kind]


class _File:
    """One import CSV, created readable by its owner only (it holds raw personal data)."""

    def __init__(self, path: Path, header: list[str]) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(header)
        self.path = path

    def rows(self, rows: list[list[Any]]) -> None:
        self.writer.writerows(rows)


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class BulkSink:
    def __init__(self, settings: Settings, load_id: str, folder: Path) -> None:
        if not settings.connection.is_local:
            raise DuankaError("--bulk loads the project's own Neo4j offline; for another server, load without --bulk.")
        with db.session(settings) as sess:
            if sess.run("MATCH (n) RETURN n LIMIT 1").peek() is not None:
                raise DuankaError("--bulk is for an empty database; this one holds data. Load without --bulk to update it.")
        self.settings, self.load_id, self.folder = settings, load_id, folder
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.node_files: dict[str, list[_File]] = {}
        self.rel_files: dict[str, _File] = {}
        self.merged: dict[str, list[dict[str, Any]]] = {}  # relationship types whose repeats merge
        self.writes: dict[str, RelWrite] = {}
        self.seconds_import = 0.0

    # -- the sink interface -----------------------------------------------------------------
    def nodes(self, write: NodeWrite, rows: list[dict[str, Any]]) -> None:
        n = write.node
        props = [p for p in n.props if p.name != "on_record"]
        files = self.node_files.setdefault(n.label, [])
        if not files or files[0].path.name != f"nodes_{n.label}.csv":
            extra = ["on_record:boolean"] if n.has("on_record") else []
            files.insert(0, _File(self.folder / f"nodes_{n.label}.csv", [f"{n.key}:ID({n.label})", *map(_column, props), "load_id", *extra]))
        out = []
        for r in rows:
            values = {**r["props"], **r["t"]}
            out.append([r["key"], *(_text(values.get(p.name)) for p in props), self.load_id, *(["true"] if n.has("on_record") else [])])
        files[0].rows(out)

    def stubs(self, target: NodeSchema, keys: list[Any]) -> None:
        files = self.node_files.setdefault(target.label, [])
        stub = next((f for f in files if f.path.name.startswith("stubs_")), None)
        if stub is None:
            stub = _File(self.folder / f"stubs_{target.label}.csv", [f"{target.key}:ID({target.label})"])
            files.append(stub)
        stub.rows([[k] for k in keys])

    def relationships(self, write: RelWrite, rows: list[dict[str, Any]]) -> None:
        r = write.rel
        if any(p.merge != "replace" for p in r.props) and r.key is None:
            self.merged.setdefault(r.type, []).extend(rows)
            self.writes[r.type] = write
            return
        f = self.rel_files.get(r.type) or self._rel_file(write)
        f.rows([[row["start"], row["end"], *(_text({**row["props"], **row["t"], **row["range"]}.get(p.name)) for p in r.props), self.load_id]
                for row in rows])

    def _rel_file(self, write: RelWrite) -> _File:
        r = write.rel
        header = [f":START_ID({r.start})", f":END_ID({r.end})", *map(_column, r.props), "load_id"]
        self.rel_files[r.type] = _File(self.folder / f"rels_{r.type}.csv", header)
        return self.rel_files[r.type]

    # -- finishing --------------------------------------------------------------------------
    def _write_merged(self) -> None:
        """Repeated observations of one pairing become one relationship: earliest first, latest last."""
        for rel_type, rows in self.merged.items():
            write = self.writes[rel_type]
            frame = pd.DataFrame([{"start": r["start"], "end": r["end"], **r["props"], **r["t"], **r["range"]} for r in rows])
            rules = {p.name: p.merge if p.merge != "replace" else "last" for p in write.rel.props if p.name in frame.columns}
            merged = frame.groupby(["start", "end"], sort=False, as_index=False).agg(rules) if rules else frame.drop_duplicates(["start", "end"])
            f = self._rel_file(write)
            f.rows([[row["start"], row["end"], *(_text(None if pd.isna(row.get(p.name)) else row.get(p.name)) for p in write.rel.props), self.load_id]
                    for row in merged.to_dict("records")])

    def close(self) -> None:
        self._write_merged()
        for f in [*(f for files in self.node_files.values() for f in files), *self.rel_files.values()]:
            f.handle.close()
        local = self.settings.local
        args = ["database", "import", "full", "neo4j", "--overwrite-destination=true", "--ignore-empty-strings=true",
                "--multiline-fields=true", f"--report-file={self.folder / 'import.report'}"]
        for label, files in self.node_files.items():
            args += [f"--nodes={label}={f.path}" for f in files]
        args += [f"--relationships={t}={f.path}" for t, f in self.rel_files.items()]
        began = time.monotonic()
        neo4j_server.stop(local)
        result = neo4j_server.admin(local, *args)
        neo4j_server.start(self.settings)
        self.seconds_import = time.monotonic() - began
        if result.returncode != 0:
            raise DuankaError(f"neo4j-admin import failed:\n{(result.stdout + result.stderr)[-3000:]}")
        with db.session(self.settings) as sess:
            apply_schema(sess)
        shutil.rmtree(self.folder, ignore_errors=True)  # raw personal data: keep no copy

    def __enter__(self) -> "BulkSink":
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.close()
        else:
            for f in [*(f for files in self.node_files.values() for f in files), *self.rel_files.values()]:
                f.handle.close()
            shutil.rmtree(self.folder, ignore_errors=True)



