"""The stateful half of a load: what this run has written so far decides how the next rows are written.

References resolve against parents seen earlier in the run, a pairing's first sighting is
created rather than merged, and stubs are written once. One `Loader` per ingest run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd

from duanka.ingest import checks
from duanka.ingest.callrecords import CallAggregator
from duanka.ingest.contract import FileSpec
from duanka.ingest.prepare import Prepared
from duanka.ingest.quarantine import Quarantine
from duanka.ingest.routes import routed
from duanka.ingest.seen import Seen, hashed
from duanka.ingest.sink import Progress, Sink
from duanka.ingest.writes import WRITES, NodeWrite, RelWrite
from duanka.store.writer import StoreWriter
from graphmodel.schema import NodeSchema, node


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
        """Rows read = loaded + quarantined."""
        return self.rows_read == self.rows_loaded + self.rows_quarantined


@dataclass
class Loader:
    """Rows of one run's files, checked against what came before and handed to the sink."""

    sink: Sink
    quarantine: Quarantine
    first_load: set[str]  # labels/types the graph held none of when this load began: their rows are created
    work_dir: Path  # for spilled call-record sums
    progress: Progress | None = None
    store: StoreWriter | None = None  # the analysis store: the same rows, kept for detection (duanka/store/)
    keys: dict[str, Seen] = field(default_factory=dict)  # label -> keys seen this run, for references and stubs
    loaded: dict[str, Seen] = field(default_factory=dict)  # label/type -> elements written

    def load_file(
        self, sess: neo4j.Session, spec: FileSpec, path: Path, sha256: str, chunks: Iterable[Prepared]
    ) -> FileReport:
        """Validate chunk by chunk against the run so far, quarantine what fails, write the rest."""
        report = FileReport(spec.name, path.name, sha256)
        seen = Seen()
        for chunk in chunks:
            typed, found = chunk.typed, chunk.problems
            extra = checks.references(sess, spec, typed, self.keys, self.first_load)
            extra += checks.duplicates(spec, typed, seen)
            rest = typed.drop(index=pd.concat(extra)["line"].unique()) if extra else typed
            conflicts, in_graph = checks.key_conflicts(sess, spec, rest, self.first_load)
            extra += conflicts
            if extra:
                found = pd.concat([found, *extra], ignore_index=True)
                typed = typed.drop(index=pd.concat(extra)["line"].unique())
            report.rows_read += chunk.rows_read
            report.rows_quarantined += self.quarantine.add(path.name, found, chunk.raw)
            self.write(spec, typed, in_graph)
            report.rows_loaded += len(typed)
            self._advance(spec, chunk)
        return report

    def load_call_records(
        self, sess: neo4j.Session, spec: FileSpec, path: Path, sha256: str, chunks: Iterable[Prepared]
    ) -> FileReport:
        """Raw records are summed per pair first (spilled to disk), then written as `calls` rows are."""
        report = FileReport(spec.name, path.name, sha256)
        with CallAggregator(self.work_dir / "call_records", path.stat().st_size) as calls:
            for chunk in chunks:
                report.rows_read += chunk.rows_read
                report.rows_quarantined += self.quarantine.add(path.name, chunk.problems, chunk.raw)
                calls.add(chunk.typed)
                report.rows_loaded += len(chunk.typed)
                self._advance(spec, chunk)
            for summary in calls.summaries():
                self.write(spec, summary, {})
        return report

    def _advance(self, spec: FileSpec, chunk: Prepared) -> None:
        if self.progress:
            self.progress(spec.name, chunk.rows_read)

    def write(self, spec: FileSpec, typed: pd.DataFrame, in_graph: dict[str, set[Any]]) -> None:
        """Hand the rows to the sink (Bolt batches, or files for bulk import), stubs first."""
        if typed.empty:
            return
        typed = routed(spec.name, typed)
        for write in WRITES[spec.name]:
            if isinstance(write, NodeWrite):
                self.sink.nodes(write, typed)
                if self.store is not None:
                    self.store.add(spec.name, write, typed)
                keys = hashed(typed[write.key])
                self.keys.setdefault(write.node.label, Seen()).add(keys)
                self.loaded.setdefault(write.node.label, Seen()).add(keys)
                continue
            linked = typed[typed[write.start].notna() & typed[write.end].notna()]
            for column, label, stub in (
                (write.start, write.rel.start, write.rel.stub_start),
                (write.end, write.rel.end, write.rel.stub_end),
            ):
                if stub:
                    self._stubs(node(label), linked[column])
            self._relationships(write, linked, in_graph.get(write.rel.type))
            if self.store is not None:
                self.store.add(spec.name, write, linked)

    def _relationships(self, write: RelWrite, linked: pd.DataFrame, in_graph: set[Any] | None) -> None:
        """A row that cannot exist yet is created; any other merges.

        It cannot exist if it is its pairing's first sighting in this load and
        either the graph held none of its type when the load began or (a
        uniquely keyed type) the graph does not hold its key: a day's new
        transfers are created even into a full graph.
        """
        loaded = self.loaded.setdefault(write.rel.type, Seen())
        new = loaded.add(hashed(*(linked[c] for c in write.identity)))
        if write.rel.type not in self.first_load and in_graph is None:
            self.sink.relationships(write, linked)
            return
        if in_graph:
            new &= ~linked[write.rel.key].isin(in_graph).to_numpy()
        self.sink.relationships(write, linked[new], new=True)  # before the repeats that MERGE into them
        if not new.all():
            self.sink.relationships(write, linked[~new])

    def _stubs(self, target: NodeSchema, ends: pd.Series) -> None:
        """Create, key only, the link ends no file describes (another operator's number, an unlisted device)."""
        distinct = ends.drop_duplicates()
        keys = hashed(distinct)
        missing = self.keys.setdefault(target.label, Seen()).add(keys)  # first sightings
        if missing.any():
            self.sink.stubs(target, sorted(distinct[missing].tolist()))

    def written(self) -> dict[str, int]:
        """Distinct nodes and relationships written, per label and type: what the graph must show after."""
        return {name: len(ids) for name, ids in self.loaded.items()}
