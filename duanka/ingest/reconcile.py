"""The end of an ingest run: does the graph hold what the run wrote, and the run's record of itself."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from duanka import __version__, audit, db, queries
from duanka.ingest.loader import FileReport
from duanka.run_record import run_record
from duanka.settings import Settings, write_private


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
    skipped: bool = False  # this database already held the extract, byte for byte: nothing was loaded
    seconds_import: float = field(default=0.0, repr=False)  # neo4j-admin import, for --bulk
    loading: str = ""  # the path the rows took: "bulk import" or "bolt"
    tokens: dict[str, str] = field(default_factory=dict)  # `file.column` read as pseudonymised tokens → their shape

    @property
    def ok(self) -> bool:
        """Every file reconciles and the graph holds what the run wrote."""
        return all(f.reconciled for f in self.files) and self.expected == self.found

    def table(self) -> list[dict[str, Any]]:
        """Rows read = loaded + quarantined, per file: the table users and flow artifacts show."""
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

    def summary(self) -> dict[str, Any]:
        """What the CLI prints and the pipeline reports of this run."""
        return {
            "run_id": self.run_id,
            "skipped": self.skipped,
            "loading": self.loading,
            "manifest": self.manifest,
            "quarantine": self.quarantine,
            "files": self.table(),
            "tokens": self.tokens,
        }


def found_in_graph(settings: Settings, run_id: str, expected: dict[str, int]) -> dict[str, int]:
    """Nodes and relationships the graph holds under this run's load id, per label and type written.

    Scanned, not taken from the count store: stub nodes (a key named before its record arrives) carry no
    load id and are not this run's rows."""
    found: dict[str, int] = {}
    with db.session(settings) as sess:
        for name in expected:  # labels and types come from the schema's writes, never from data
            pattern = f"(n:{name})" if name[0].isupper() and not name.isupper() else f"()-[n:{name}]->()"
            query = f"MATCH {pattern} WHERE n.load_id = $run RETURN count(n) AS c"
            found[name] = sess.run(query, run=run_id).single(strict=True)["c"]
    return found


def _write_run(
    settings: Settings, run_id: str, status: str, source: str, started_at: str, digest: str, **more: Any
) -> dict[str, Any]:
    """An ingest run's record in the graph, at its start and at its end: one node, merged by id."""
    run = run_record(
        run_id=run_id,
        kind="ingest",
        status=status,
        version=__version__,
        source=source,
        started_at=started_at,
        source_sha256=digest,
        **more,
    )
    with db.session(settings) as sess:
        db.run(sess, queries.load("pipeline/write_run"), run=run)
    return run


def record_start(settings: Settings, run_id: str, source: str, started_at: str, digest: str) -> None:
    """The run in the graph before its first row, as still writing: a load cut off before `record` stays
    named, so detection never reads the analysis store (which lacks it) as if it were the whole graph."""
    _write_run(settings, run_id, "writing", source, started_at, digest, loading="bolt")


def record(settings: Settings, result: IngestResult, digest: str) -> None:
    """The run in the graph (for exports' manifests and `explain`) and in the audit log."""
    run = _write_run(
        settings,
        result.run_id,
        "completed" if result.ok else "failed",
        result.source,
        result.started_at,
        digest,
        finished_at=result.finished_at,
        files_json=json.dumps([asdict(f) for f in result.files], ensure_ascii=False),
        loading=result.loading,
        rows_read=sum(f.rows_read for f in result.files),
        rows_quarantined=sum(f.rows_quarantined for f in result.files),
        tokens_json=json.dumps(result.tokens, ensure_ascii=False),
    )
    audit.append(
        settings,
        "ingest",
        run_id=result.run_id,
        source=result.source,
        ok=result.ok,
        rows_read=run["rows_read"],
        rows_quarantined=run["rows_quarantined"],
        manifest=result.manifest,
    )


def write_manifest(
    result: IngestResult, settings: Settings, encoding: str | None, mapping: dict[str, str] | None
) -> None:
    """manifest.json beside the quarantine: what was read, how, and what the graph then held."""
    manifest = {
        "run_id": result.run_id,
        "kind": "ingest",
        "version": __version__,
        "source": result.source,
        "encoding": encoding or "auto",
        "database": settings.connection.uri,
        "mapping": mapping,
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "ok": result.ok,
        "files": [asdict(f) | {"reconciled": f.reconciled} for f in result.files],
        "tokens": result.tokens,  # columns read as pseudonymised tokens, and their shape
        "graph": {"expected": result.expected, "found": result.found},
        "quarantine": result.quarantine,
    }
    write_private(Path(result.manifest), json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def now() -> str:
    """The current time, ISO 8601 UTC."""
    return datetime.now(UTC).isoformat()
