"""One ingest run: check headers, then validate, quarantine and load each file, then reconcile.

The steps are plain methods so the Prefect flow can wire them as tasks and
tests can call them without Prefect.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from duanka import __version__, audit, db, queries
from duanka.errors import DuankaError
from duanka.ingest import read
from duanka.ingest.callrecords import CallAggregator
from duanka.ingest.contract import FILES, SPECS, FileSpec, first_extract_gap
from duanka.ingest.load import BatchWriter, element_ids
from duanka.ingest.mapping import SourceMapping
from duanka.ingest.prepare import Preparation, Prepared
from duanka.ingest.quarantine import Quarantine
from duanka.ingest.writes import WRITES, NodeWrite, RelWrite
from duanka.lock import database_lock
from duanka.settings import Settings, write_private
from graphmodel.apply import apply_schema
from graphmodel.cypher import known_keys
from graphmodel.schema import NODES, RELATIONSHIPS, NodeSchema, node

# Raw call records before the pair summary: where both give a pair, the summary's figures stand
# (CALLED's count is replaced, not added), so a summary and the rows it summarises count once.
LOAD_ORDER = (
    "persons",
    "outlets",
    "devices",
    "sims",
    "bank_accounts",
    "sim_device_links",
    "account_device_links",
    "transfers",
    "call_records",
    "calls",
    "reports",
)


@dataclass
class FileReport:
    file: str
    path: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0

    @property
    def reconciled(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined


@dataclass
class IngestResult:
    run_id: str
    source: str
    files: list[FileReport]
    expected: dict[str, int]
    found: dict[str, int]
    quarantine: str
    manifest: str
    started_at: str
    finished_at: str = ""

    @property
    def ok(self) -> bool:
        return all(f.reconciled for f in self.files) and self.expected == self.found

    def table(self) -> list[dict[str, Any]]:
        return [
            {
                "file": f.file,
                "read": f.rows_read,
                "loaded": f.rows_loaded,
                "quarantined": f.rows_quarantined,
                "reconciled": f.reconciled,
            }
            for f in self.files
        ]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_digest(paths: dict[str, Path], checksum: Callable[[Path], str] = sha256_of, mapping: str = "") -> str:
    """One checksum for a whole extract: its files' names and contents, and the mapping that reads them."""
    lines = [f"{name}:{path.name}:{checksum(path)}" for name, path in sorted(paths.items())]
    if mapping:
        lines.append(f"mapping:{mapping}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def new_run_id(kind: str) -> str:
    return f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


@dataclass
class Ingestion:
    source: Path
    settings: Settings
    encoding: str | None = None
    mapping: SourceMapping = field(default_factory=SourceMapping)  # the source's own headers and codes
    bulk: bool = False  # an empty local database: write import files, load with neo4j-admin
    bulk_sink: Any = None  # the BulkSink of a --bulk run, for its import timing
    parallel: bool | None = None  # prepare and write in processes of their own; None: when the extract is big
    wait_for_lock: float = 600.0  # seconds to wait for another run writing to the same database
    first_load: set[str] = field(default_factory=set)  # labels/types the graph held none of when this load began
    run_id: str = field(default_factory=lambda: new_run_id("ingest"))
    progress: Callable[[str, int], None] | None = None
    paths: dict[str, Path] = field(default_factory=dict)
    reports: list[FileReport] = field(default_factory=list)
    keys: dict[str, set[Any]] = field(default_factory=dict)  # parent keys seen this run, for references
    loaded: dict[str, set[int]] = field(default_factory=dict)  # label/type -> element identities
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    checksums: dict[Path, str] = field(default_factory=dict)  # each file hashed once per run

    def checksum(self, path: Path) -> str:
        if path not in self.checksums:
            self.checksums[path] = sha256_of(path)
        return self.checksums[path]

    @property
    def digest(self) -> str:
        return source_digest(self.paths, self.checksum, self.mapping.digest)

    @property
    def run_dir(self) -> Path:
        return self.settings.work_dir / "runs" / self.run_id

    # -- step 1 -----------------------------------------------------------------------------
    def check(self) -> None:
        """Find the files and reject the run before anything is loaded if a header lacks a required column.

        Every missing column of every file is named in one error. A first extract must hold
        persons and sims or bank_accounts; an increment onto a graph that holds persons, any subset.
        """
        if not self.source.is_dir():
            raise DuankaError(f"Source directory {self.source} does not exist.")
        missing: list[str] = []
        for spec in FILES:
            file_map = self.mapping.of(spec.name)
            path = read.find_source_file(self.source, spec.name, file_map.file)
            if path is None:
                continue
            read.check_is_text(path)
            columns = file_map.header(read.header(path, self.encoding))
            lacking = [c for c in spec.required_columns if c not in columns]
            missing += [
                f"{path.name} is rejected: its header (line 1) has no required column {c!r}"
                + (" (no source column is mapped to it)" if file_map.columns else "")
                for c in lacking
            ]
            self.paths[spec.name] = path
        if missing:
            hint = (
                "" if self.mapping.path else " A source with headers of its own needs --mapping FILE (docs/mapping.md)."
            )
            raise DuankaError("Nothing was loaded. " + "; ".join(missing) + "." + hint)
        if not self.paths:
            raise DuankaError(f"{self.source} holds none of the input contract's files ({', '.join(SPECS)}).")
        gap = first_extract_gap(set(self.paths))
        if gap and not self._graph_holds_persons():
            raise DuankaError(
                f"{self.source} has no {gap}: a first extract needs persons and sims or bank_accounts "
                "(an increment may hold any files once the graph holds persons)."
            )

    def _graph_holds_persons(self) -> bool:
        with db.session(self.settings) as sess:
            return bool(db.read(sess, queries.load("load/present"))[0]["Person"])

    def loaded_before(self) -> str | None:
        """The run that already loaded exactly these files into this database, if any."""
        with db.session(self.settings) as sess:
            rows = db.read(sess, queries.load("pipeline/ingest_done"), digest=self.digest)
        return rows[0]["run_id"] if rows else None

    # -- step 2 -----------------------------------------------------------------------------
    def prepare(self) -> list[str]:
        with db.session(self.settings) as sess:
            return apply_schema(sess)

    # -- step 3 -----------------------------------------------------------------------------
    def load_all(self) -> None:
        """Load every file; called again after a failure it starts over and converges.

        It holds the database's writer lock: what `first_load` finds empty stays
        empty for anyone but this load.
        """
        self.reports, self.keys, self.loaded = [], {}, {}
        self.run_dir.mkdir(parents=True, exist_ok=True)
        jobs = [(name, self.paths[name]) for name in LOAD_ORDER if name in self.paths]
        background = self.parallel if self.parallel is not None else Preparation.wanted([path for _, path in jobs])
        with (
            database_lock(self.settings, f"ingest {self.source}", wait=self.wait_for_lock),
            Preparation(jobs, self.encoding, background, self.mapping) as prepared,
            Quarantine(self.run_dir / "quarantine.csv") as quarantine,
            db.session(self.settings) as sess,
            self._sink(background) as sink,
        ):
            self.first_load = self._absent(sess)
            for name, _ in jobs:
                load = self.load_call_records if name == "call_records" else self.load_file
                self.reports.append(load(sess, sink, SPECS[name], quarantine, prepared.chunks(name)))

    def _absent(self, sess: Any) -> set[str]:
        """Labels and types the graph holds none of (all of them for --bulk, which starts from nothing)."""
        if self.bulk:
            return {n.label for n in NODES} | {r.type for r in RELATIONSHIPS}
        counts = db.read(sess, queries.load("load/present"))[0]
        return {name for name, count in counts.items() if count == 0}

    def _sink(self, background: bool) -> Any:
        if not self.bulk:
            return BatchWriter(self.settings, self.run_id, background=background)
        from duanka.ingest.bulk import BulkSink

        types = [w.rel.type for name in self.paths for w in WRITES[name] if isinstance(w, RelWrite)]
        twice = frozenset(t for t in types if types.count(t) > 1)
        self.bulk_sink = BulkSink(self.settings, self.run_id, self.run_dir / "import", twice)
        return self.bulk_sink

    def load_file(
        self, sess: Any, writer: Any, spec: FileSpec, quarantine: Quarantine, chunks: Iterable[Prepared]
    ) -> FileReport:
        """The stateful half: references, repeats and key conflicts need what came before."""
        path = self.paths[spec.name]
        report = FileReport(spec.name, path.name, self.checksum(path))
        seen: set[Any] = set()
        for chunk in chunks:
            typed, problems = chunk.typed, chunk.problems
            extra = self._references(sess, spec, typed) + self._duplicates(spec, typed, seen)
            conflicts, in_graph = self._known_keys(
                sess, spec, typed.drop(index=pd.concat(extra)["line"].unique()) if extra else typed
            )
            extra += conflicts
            if extra:
                problems = pd.concat([problems, *extra], ignore_index=True)
                typed = typed.drop(index=pd.concat(extra)["line"].unique())
            report.rows_read += chunk.rows_read
            report.rows_quarantined += quarantine.add(path.name, problems, chunk.raw)
            self._write(writer, spec, typed, in_graph)
            report.rows_loaded += len(typed)
            if self.progress:
                self.progress(spec.name, chunk.rows_read)
        return report

    def load_call_records(
        self, sess: Any, writer: Any, spec: FileSpec, quarantine: Quarantine, chunks: Iterable[Prepared]
    ) -> FileReport:
        """Raw records are summed per pair first (spilled to disk), then written as `calls` rows are."""
        path = self.paths[spec.name]
        report = FileReport(spec.name, path.name, self.checksum(path))
        with CallAggregator(self.run_dir / "call_records", path.stat().st_size) as calls:
            for chunk in chunks:
                report.rows_read += chunk.rows_read
                report.rows_quarantined += quarantine.add(path.name, chunk.problems, chunk.raw)
                calls.add(chunk.typed)
                report.rows_loaded += len(chunk.typed)
                if self.progress:
                    self.progress(spec.name, chunk.rows_read)
            for summary in calls.summaries():
                self._write(writer, spec, summary, {})
        return report

    def _references(self, sess: Any, spec: FileSpec, typed: pd.DataFrame) -> list[pd.DataFrame]:
        out = []
        for column, parent in spec.refs:
            values = typed[column].dropna()
            target = WRITES[parent][0]
            assert isinstance(target, NodeWrite)
            known = self.keys.setdefault(target.node.label, set())
            unknown = sorted(set(values) - known)
            if unknown and target.node.label not in self.first_load:  # else the graph has none to look up
                known.update(self._in_database(sess, target.node, unknown))
            bad = values[[v not in known for v in values]]  # set lookups: isin would copy the whole set per chunk
            if len(bad):
                out.append(
                    pd.DataFrame(
                        {
                            "line": bad.index,
                            "column": column,
                            "value": bad.to_numpy(),
                            "reason": f"reference to nothing: not in {parent} of this extract or the graph",
                        }
                    )
                )
        return out

    @staticmethod
    def _in_database(sess: Any, target: NodeSchema, keys: list[Any]) -> set[Any]:
        """Keys an earlier extract loaded: a reference to them resolves."""
        query = f"UNWIND $keys AS k MATCH (n:{target.label} {{{target.key}: k}}) WHERE n.on_record OR NOT (n:Sim OR n:Account) RETURN k"
        return {r["k"] for r in sess.run(query, keys=keys)}

    def _duplicates(self, spec: FileSpec, typed: pd.DataFrame, seen: set[Any]) -> list[pd.DataFrame]:
        if not spec.key:
            return []
        keys = (
            list(zip(*(typed[k] for k in spec.key), strict=False)) if len(spec.key) > 1 else typed[spec.key[0]].tolist()
        )
        dup_lines, dup_values = [], []
        for line, key in zip(typed.index, keys, strict=False):
            if key in seen:
                dup_lines.append(line)
                dup_values.append("/".join(map(str, key)) if isinstance(key, tuple) else str(key))
            else:
                seen.add(key)
        if not dup_lines:
            return []
        return [
            pd.DataFrame(
                {
                    "line": dup_lines,
                    "column": spec.key[0],
                    "value": dup_values,
                    "reason": f"duplicate key {'/'.join(spec.key)}: an earlier row of this file has it",
                }
            )
        ]

    def _known_keys(
        self, sess: Any, spec: FileSpec, typed: pd.DataFrame
    ) -> tuple[list[pd.DataFrame], dict[str, set[Any]]]:
        """Rows whose unique key the graph holds between other ends (conflicts), and the keys it holds as given.

        A transfer id the graph holds between other accounts is a conflict, not an
        update. Not asked on a first load of the type: this load's own repeats are
        caught by `_duplicates`.
        """
        conflicts, in_graph = [], {}
        for write in WRITES[spec.name]:
            if (
                isinstance(write, NodeWrite)
                or not write.rel.key_unique
                or typed.empty
                or write.rel.type in self.first_load
            ):
                continue
            key = write.rel.key
            given = dict(zip(typed[key], zip(typed[write.start], typed[write.end], strict=False), strict=False))
            found = {r["key"]: (r["start"], r["end"]) for r in sess.run(known_keys(write.rel).cypher, keys=list(given))}
            clashes = {k: ends for k, ends in found.items() if ends != given[k]}
            in_graph[write.rel.type] = set(found) - set(clashes)
            if clashes:
                bad = typed[typed[key].isin(clashes)]
                conflicts.append(
                    pd.DataFrame(
                        {
                            "line": bad.index,
                            "column": key,
                            "value": bad[key].to_numpy(),
                            "reason": [
                                f"{key} already in the graph for {clashes[k][0]} → {clashes[k][1]}" for k in bad[key]
                            ],
                        }
                    )
                )
        return conflicts, in_graph

    def _write(self, sink: Any, spec: FileSpec, typed: pd.DataFrame, in_graph: dict[str, set[Any]]) -> None:
        """Hand the rows to the sink (Bolt batches, or files for bulk import), stubs first."""
        if typed.empty:
            return
        for write in WRITES[spec.name]:
            if isinstance(write, NodeWrite):
                sink.nodes(write, typed)
                keys = typed[write.key].tolist()
                self.keys.setdefault(write.node.label, set()).update(keys)
                self.loaded.setdefault(write.node.label, set()).update(keys)
                continue
            linked = typed[typed[write.start].notna() & typed[write.end].notna()]
            for column, label, stub in (
                (write.start, write.rel.start, write.rel.stub_start),
                (write.end, write.rel.end, write.rel.stub_end),
            ):
                if stub:
                    self._stubs(sink, node(label), set(linked[column].tolist()))
            self._relationships(sink, write, linked, in_graph.get(write.rel.type))

    def _relationships(self, sink: Any, write: RelWrite, linked: pd.DataFrame, in_graph: set[Any] | None) -> None:
        """A row that cannot exist yet is created; any other merges.

        It cannot exist if it is its pairing's first sighting in this load and
        either the graph held none of its type when the load began or (a
        uniquely keyed type) the graph does not hold its key: a day's new
        transfers are created even into a full graph.
        """
        loaded = self.loaded.setdefault(write.rel.type, set())
        ids = element_ids(write, linked)
        if write.rel.type not in self.first_load and in_graph is None:
            sink.relationships(write, linked)
            loaded.update(ids)
            return
        new = np.zeros(len(ids), dtype=bool)
        for i, element in enumerate(ids):
            if element not in loaded:
                loaded.add(element)
                new[i] = True
        if in_graph:
            new &= ~linked[write.rel.key].isin(in_graph).to_numpy()
        sink.relationships(write, linked[new], new=True)  # before the repeats that MERGE into them
        if not new.all():
            sink.relationships(write, linked[~new])

    def _stubs(self, sink: Any, target: NodeSchema, keys: set[Any]) -> None:
        """Create, key only, the link ends no file describes (another operator's number, an unlisted device)."""
        known = self.keys.setdefault(target.label, set())
        missing = sorted(keys - known)
        if missing:
            sink.stubs(target, missing)
            known.update(missing)

    # -- step 4 -----------------------------------------------------------------------------
    def reconcile(self) -> IngestResult:
        """Compare what this run wrote with what the graph holds under this run's id."""
        expected = {name: len(ids) for name, ids in self.loaded.items()}
        found: dict[str, int] = {}
        with db.session(self.settings) as sess:
            for name in expected:
                pattern = f"(n:{name})" if name[0].isupper() and not name.isupper() else f"()-[n:{name}]->()"
                found[name] = sess.run(
                    f"MATCH {pattern} WHERE n.load_id = $run RETURN count(n) AS c", run=self.run_id
                ).single(strict=True)["c"]
        result = IngestResult(
            run_id=self.run_id,
            source=str(self.source),
            files=self.reports,
            expected=expected,
            found=found,
            quarantine=str(self.run_dir / "quarantine.csv"),
            manifest=str(self.run_dir / "manifest.json"),
            started_at=self.started_at,
            finished_at=datetime.now(UTC).isoformat(),
        )
        self.write_manifest(result)
        self.record(result)
        return result

    def record(self, result: IngestResult) -> None:
        """The run in the graph (for exports' manifests and `explain`) and in the audit log."""
        files = [asdict(f) for f in result.files]
        run = {
            "run_id": result.run_id,
            "kind": "ingest",
            "status": "completed" if result.ok else "failed",
            "version": __version__,
            "source": result.source,
            "started_at": result.started_at,
            "finished_at": result.finished_at,
            "files_json": json.dumps(files, ensure_ascii=False),
            "source_sha256": self.digest,
            "rows_read": sum(f.rows_read for f in result.files),
            "rows_quarantined": sum(f.rows_quarantined for f in result.files),
        }
        with db.session(self.settings) as sess:
            db.run(sess, queries.load("pipeline/write_run"), run=run)
        audit.append(
            self.settings,
            "ingest",
            run_id=result.run_id,
            source=result.source,
            ok=result.ok,
            rows_read=run["rows_read"],
            rows_quarantined=run["rows_quarantined"],
            manifest=result.manifest,
        )

    def write_manifest(self, result: IngestResult) -> None:
        manifest = {
            "run_id": result.run_id,
            "kind": "ingest",
            "version": __version__,
            "source": result.source,
            "encoding": self.encoding or "auto",
            "database": self.settings.connection.uri,
            "mapping": {"file": str(self.mapping.path), "sha256": self.mapping.digest} if self.mapping.path else None,
            "started_at": result.started_at,
            "finished_at": result.finished_at,
            "ok": result.ok,
            "files": [asdict(f) | {"reconciled": f.reconciled} for f in result.files],
            "graph": {"expected": result.expected, "found": result.found},
            "quarantine": result.quarantine,
        }
        write_private(Path(result.manifest), json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def ingest_source(
    source: Path,
    settings: Settings,
    encoding: str | None = None,
    progress: Callable[[str, int], None] | None = None,
    bulk: bool = False,
    parallel: bool | None = None,
    mapping: Path | None = None,
) -> IngestResult:
    """The whole run without Prefect: check, prepare, load, reconcile."""
    run = Ingestion(
        source=source,
        settings=settings,
        encoding=encoding,
        progress=progress,
        bulk=bulk,
        parallel=parallel,
        mapping=SourceMapping.find(source, mapping),
    )
    run.check()
    run.prepare()
    run.load_all()
    return run.reconcile()
