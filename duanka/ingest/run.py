"""The steps of an ingest run: check the extract, prepare the database, load, reconcile.

Plain functions that take and return values; the `ingest` flow (flows/ingest.py) is the one place
they are put in order. Row checks live in checks.py, the run's loading state in loader.py, the
end of the run in reconcile.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import neo4j

from duanka import db, queries
from duanka.errors import DuankaError
from duanka.ids import new_run_id, sha256_of
from duanka.ingest import firstrows, read
from duanka.ingest.contract import FILES, SPECS, first_extract_gap
from duanka.ingest.load import BatchWriter
from duanka.ingest.loader import FileReport, Loader
from duanka.ingest.mapping import SourceMapping
from duanka.ingest.prepare import Preparation
from duanka.ingest.quarantine import Quarantine
from duanka.ingest.reconcile import IngestResult, found_in_graph, now, record, record_start, write_manifest
from duanka.ingest.sink import Progress, Sink
from duanka.ingest.tokens import Pseudonyms
from duanka.ingest.writes import WRITES, RelWrite
from duanka.lock import database_lock
from duanka.settings import Settings
from duanka.store.writer import StoreWriter
from graphmodel.apply import apply_schema
from graphmodel.schema import NODES, RELATIONSHIPS

# Raw call records before the pair summary: where both give a pair, the summary's figures stand
# (CALLED's count is replaced, not added), so a summary and the rows it summarises count once.
LOAD_ORDER = (
    "persons",
    "enterprises",
    "outlets",
    "devices",
    "sims",
    "bank_accounts",
    "sms_ports",
    "number_bindings",
    "sim_device_links",
    "account_device_links",
    "transfers",
    "call_records",
    "calls",
    "reports",
)

__all__ = ["LOAD_ORDER", "Extract", "FileReport", "IngestOptions", "IngestResult", "IngestRun", "Loaded"]


@dataclass(frozen=True)
class IngestOptions:
    """How to read one extract and where it goes."""

    source: Path
    encoding: str | None = None  # detected per file when None
    mapping: SourceMapping = field(default_factory=SourceMapping)  # the source's own headers and codes
    bulk: bool | None = None  # neo4j-admin import (True), Bolt (False), or chosen by `loading_path` (None)
    parallel: bool | None = None  # prepare and write in processes of their own; None: when the extract is big
    wait_for_lock: float = 600.0  # seconds to wait for another run writing to the same database


@dataclass(frozen=True)
class IngestRun:
    """One ingest run's identity: what it was asked, its id, when it began."""

    options: IngestOptions
    run_id: str = field(default_factory=lambda: new_run_id("ingest"))
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def folder(self, settings: Settings) -> Path:
        """Where its quarantine, manifest and spills go."""
        return settings.work_dir / "runs" / self.run_id


@dataclass(frozen=True)
class Extract:
    """The files of one extract that passed the header check, with their checksums."""

    source: Path
    paths: dict[str, Path]  # contract name -> file
    sha256: dict[str, str]  # contract name -> checksum of its file
    mapping_digest: str = ""
    pseudonyms: Pseudonyms = field(default_factory=Pseudonyms)  # the columns read as tokens

    @property
    def digest(self) -> str:
        """One checksum for the whole extract: its files' names and contents, and the mapping that reads them."""
        lines = [f"{name}:{path.name}:{self.sha256[name]}" for name, path in sorted(self.paths.items())]
        if self.mapping_digest:
            lines.append(f"mapping:{self.mapping_digest}")
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@dataclass(frozen=True)
class Loaded:
    """What a load wrote: per file what was read, loaded and quarantined; per label and type how many."""

    files: list[FileReport]
    written: dict[str, int]
    seconds_import: float = 0.0


def check(settings: Settings, options: IngestOptions) -> Extract:
    """Find the files and reject the run before anything is loaded if a header lacks a required column.

    Every missing column of every file is named in one error. A first extract must hold
    persons and sims or bank_accounts; an increment onto a graph that holds persons, any subset.
    The files' first rows decide which columns hold pseudonymised tokens, and reject the run when
    a file's first rows all fail alike (firstrows.py).
    """
    source, mapping = options.source, options.mapping
    if not source.is_dir():
        raise DuankaError(f"Source directory {source} does not exist.")
    missing: list[str] = []
    paths: dict[str, Path] = {}
    for spec in FILES:
        file_map = mapping.of(spec.name)
        path = read.find_source_file(source, spec.name, file_map.file)
        if path is None:
            continue
        read.check_is_text(path)
        columns = file_map.header(read.header(path, options.encoding))
        missing += [
            f"{path.name} is rejected: its header (line 1) has no required column {c!r}"
            + (" (no source column is mapped to it)" if file_map.columns else "")
            for c in spec.required_columns
            if c not in columns
        ]
        paths[spec.name] = path
    if missing:
        hint = "" if mapping.path else " A source with headers of its own needs --mapping FILE (docs/mapping.md)."
        raise DuankaError("Nothing was loaded. " + "; ".join(missing) + "." + hint)
    if not paths:
        raise DuankaError(f"{source} holds none of the input contract's files ({', '.join(SPECS)}).")
    gap = first_extract_gap(set(paths))
    if gap and not _graph_holds_persons(settings):
        raise DuankaError(
            f"{source} has no {gap}: a first extract needs persons and sims or bank_accounts "
            "(an increment may hold any files once the graph holds persons)."
        )
    first = firstrows.first_rows(paths, options.encoding)
    found = firstrows.pseudonyms(first, mapping)
    firstrows.fail_fast(first, paths, mapping, found)
    return Extract(source, paths, {name: sha256_of(p) for name, p in paths.items()}, mapping.digest, found)


def _graph_holds_persons(settings: Settings) -> bool:
    with db.session(settings) as sess:
        return bool(db.read(sess, queries.load("load/present"))[0]["Person"])


# Below this an offline import costs more than it saves: stopping and starting the server and the
# importer's own start take ~40 s, what Bolt loads ~400k rows in (~11k rows/s, docs/benchmarks.md).
BULK_FROM_BYTES = 64 * 2**20


def loading_path(settings: Settings, extract: Extract, asked: bool | None) -> tuple[bool, str]:
    """Bulk import or Bolt, and why: bulk only into an empty database of this project's own server, and
    only for an extract big enough to be worth stopping the server for."""
    if asked is not None:
        return asked, "asked for"
    if not settings.connection.is_local:
        return False, f"{settings.connection.uri} is not this project's own server"
    with db.session(settings) as sess:
        if sess.run("MATCH (n) WHERE NOT n:AuditHead RETURN n LIMIT 1").peek() is not None:
            return False, "the database holds data: the extract is added to it"
    size = sum(p.stat().st_size for p in extract.paths.values())
    if size < BULK_FROM_BYTES:
        return False, f"a small extract ({size / 2**20:.0f} MB): quicker than an offline import"
    return True, f"an empty local database and a large extract ({size / 2**20:.0f} MB)"


def loaded_before(settings: Settings, extract: Extract) -> str | None:
    """The run that already loaded exactly these files into this database, if any."""
    with db.session(settings) as sess:
        rows = db.read(sess, queries.load("pipeline/ingest_done"), digest=extract.digest)
    return rows[0]["run_id"] if rows else None


def begin(settings: Settings, options: IngestOptions, extract: Extract) -> IngestRun:
    """A new run, or the run of this extract that was cut off while writing: loading it again under its id
    leaves one load of it in the graph and in the analysis store."""
    with db.session(settings) as sess:
        rows = db.read(sess, queries.load("pipeline/ingest_unfinished"), digest=extract.digest)
    return IngestRun(options, rows[0]["run_id"]) if rows else IngestRun(options)


def prepare(settings: Settings) -> list[str]:
    """The declared constraints and indexes, before anything is written (idempotent)."""
    with db.session(settings) as sess:
        return apply_schema(sess)


def load(settings: Settings, run: IngestRun, extract: Extract, progress: Progress | None = None) -> Loaded:
    """Load every file; called again after a failure it starts over and converges.

    It holds the database's writer lock: what the load finds empty stays empty for anyone but this load.
    The same rows go to the analysis store under the run's id (duanka/store/), replacing an earlier attempt's.
    """
    options, folder = run.options, run.folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(name, extract.paths[name]) for name in LOAD_ORDER if name in extract.paths]
    background = options.parallel if options.parallel is not None else Preparation.wanted([p for _, p in jobs])
    sink = _sink(settings, run, extract, background)
    with (
        database_lock(settings, f"ingest {options.source}", wait=options.wait_for_lock),
        Preparation(jobs, options.encoding, background, options.mapping, extract.pseudonyms) as prepared,
        Quarantine(folder / "quarantine.csv") as quarantine,
        db.session(settings) as sess,
        StoreWriter(settings, run.run_id) as store,  # closed after the sink: whole only if the graph took the rows
        sink,
    ):
        if not options.bulk:  # a bulk import starts from an empty database: its run is recorded after it
            record_start(settings, run.run_id, str(options.source), run.started_at, extract.digest)
        loader = Loader(sink, quarantine, absent(sess, bool(options.bulk)), folder, progress, store)
        files = []
        for name, path in jobs:
            load_one = loader.load_call_records if name == "call_records" else loader.load_file
            files.append(load_one(sess, SPECS[name], path, extract.sha256[name], prepared.chunks(name)))
    return Loaded(files, loader.written(), float(getattr(sink, "seconds_import", 0.0)))


def absent(sess: neo4j.Session, bulk: bool) -> set[str]:
    """Labels and types the graph holds none of (all of them for --bulk, which starts from nothing)."""
    if bulk:
        return {n.label for n in NODES} | {r.type for r in RELATIONSHIPS}
    counts = db.read(sess, queries.load("load/present"))[0]
    return {name for name, count in counts.items() if count == 0}


def _sink(settings: Settings, run: IngestRun, extract: Extract, background: bool) -> Sink:
    if not run.options.bulk:
        return BatchWriter(settings, run.run_id, background=background)
    from duanka.ingest.bulk import BulkSink

    types = [w.rel.type for name in extract.paths for w in WRITES[name] if isinstance(w, RelWrite)]
    twice = frozenset(t for t in types if types.count(t) > 1)
    return BulkSink(settings, run.run_id, run.folder(settings) / "import", twice)


def reconcile(settings: Settings, run: IngestRun, extract: Extract, loaded: Loaded) -> IngestResult:
    """Compare what this run wrote with what the graph holds under its id; record the run and its manifest."""
    folder = run.folder(settings)
    result = IngestResult(
        run_id=run.run_id,
        source=str(run.options.source),
        files=loaded.files,
        expected=loaded.written,
        found=found_in_graph(settings, run.run_id, loaded.written),
        quarantine=str(folder / "quarantine.csv"),
        manifest=str(folder / "manifest.json"),
        started_at=run.started_at,
        finished_at=now(),
        seconds_import=loaded.seconds_import,
        loading="bulk import" if run.options.bulk else "bolt",
        tokens=extract.pseudonyms.described(),
    )
    mapping = run.options.mapping
    shown = {"file": str(mapping.path), "sha256": mapping.digest} if mapping.path else None
    write_manifest(result, settings, run.options.encoding, shown)
    record(settings, result, extract.digest)
    return result


def skipped(settings: Settings, run_id: str, source: Path) -> IngestResult:
    """The answer for an extract this database already holds: the earlier run's files, nothing loaded now."""
    folder = settings.work_dir / "runs" / run_id
    return IngestResult(
        run_id, str(source), [], {}, {}, str(folder / "quarantine.csv"), str(folder / "manifest.json"), "", skipped=True
    )
