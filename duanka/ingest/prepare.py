"""Read, validate and type a file chunk by chunk: the stateless half of ingest.

Nothing here depends on what came before (earlier chunks, other files, the
graph), so on a big extract it runs in a second process, a few chunks ahead
of the loader: validation and loading then use both cores instead of taking
turns on one (docs/benchmarks.md). Small extracts are prepared in-process,
where a second Python would cost more to start than it saves.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pandas as pd

from duanka.errors import DuankaError
from duanka.ingest import read
from duanka.ingest.contract import SPECS, FileSpec
from duanka.ingest.mapping import NO_MAP, FileMap, SourceMapping
from duanka.ingest.normalise import derive_carrier, normalise
from duanka.ingest.tokens import Pseudonyms
from duanka.ingest.validate import Shapes, clean_strings, failures, unfloat
from duanka.subprocesses import channel, die_with_parent, receive, start

BACKGROUND_BYTES = 64 << 20  # extracts above this are prepared in a second process
AHEAD = 4  # chunks prepared ahead of the loader, at most


@dataclass
class Prepared:
    """One chunk: every row it read is either in `typed` or named in `problems`."""

    rows_read: int
    raw: pd.DataFrame  # the rows as read (strings), index = line; the quarantine quotes them
    problems: pd.DataFrame  # line, column, value, reason
    typed: pd.DataFrame  # the rows that passed, as the graph stores them


def prepare(spec: FileSpec, chunk: read.Chunk, file_map: FileMap = NO_MAP, shapes: Shapes = ()) -> Prepared:
    """Validate and normalise one chunk: typed rows and the problems of the rest.

    `shapes`: the file's columns of pseudonymised tokens (tokens.Pseudonyms.of), kept as written."""
    raw = chunk.rows
    frame = _with_defaults(spec, unfloat(spec, file_map.apply(clean_strings(raw)), dict(shapes)))
    problems = failures(spec, frame, shapes)
    if chunk.malformed:
        bad = pd.DataFrame(chunk.malformed, columns=["line", "value", "reason"]).assign(column="")
        problems = pd.concat([bad[["line", "column", "value", "reason"]], problems], ignore_index=True)
    good = frame.drop(index=problems["line"].unique(), errors="ignore") if len(problems) else frame
    return Prepared(len(raw) + len(chunk.malformed), raw, problems, typed(spec, good, dict(shapes)))


def _with_defaults(spec: FileSpec, frame: pd.DataFrame) -> pd.DataFrame:
    for column in spec.columns:
        if column.name not in frame.columns:
            frame[column.name] = pd.Series(pd.NA, index=frame.index, dtype="string")
        if column.default is not None:
            frame[column.name] = frame[column.name].fillna(column.default)
    return frame[[c.name for c in spec.columns]]


def typed(spec: FileSpec, frame: pd.DataFrame, tokens: Collection[str] = ()) -> pd.DataFrame:
    """The validated frame with each column in its declared type; a token column (`tokens`) as written.

    What a token hides is unknown: no carrier or MVNO flag is derived from a tokenised number."""
    out = pd.DataFrame(
        {
            c.name: normalise(c.name, "text" if c.name in tokens else c.kind, frame[c.name], c.numbers)
            for c in spec.columns
        },
        index=frame.index,
    )
    if spec.name == "sims" and "msisdn" not in tokens:
        out = derive_carrier(out)
    if spec.name == "transfers":  # a transfer without an id gets one from what it is, so a reload matches it
        missing = out["transfer_id"].isna()
        if missing.any():
            out.loc[missing, "transfer_id"] = [
                "h:"
                + hashlib.sha1("|".join(map(str, (r.from_account, r.to_account, r.amount, r.ts))).encode()).hexdigest()[
                    :20
                ]
                for r in out[missing].itertuples()
            ]
    return out


def prepared_chunks(
    name: str, path: Path, encoding: str | None, mapping: SourceMapping, pseudonyms: Pseudonyms | None = None
) -> Iterator[Prepared]:
    """A file's chunks, read, mapped and validated, in order."""
    spec, file_map, shapes = SPECS[name], mapping.of(name), (pseudonyms or Pseudonyms()).of(name)
    for chunk in read.chunks(path, encoding):
        yield prepare(spec, chunk, file_map, shapes)


Job = tuple[str, Path]  # (contract file name, its path)


def _produce(
    jobs: list[Job],
    encoding: str | None,
    mapping: SourceMapping,
    pseudonyms: Pseudonyms,
    out: mp.Queue[tuple[str, str, object]],
) -> None:
    """The second process: every file in order, each chunk as it is ready, then an end mark."""
    die_with_parent()  # a killed loader must not leave it blocked on a full queue
    os.nice(10)  # it runs ahead: the loader and Neo4j come first for the CPU (docs/benchmarks.md)
    for name, path in jobs:
        try:
            for prepared in prepared_chunks(name, path, encoding, mapping, pseudonyms):
                out.put(("chunk", name, prepared))
        except BaseException as exc:
            error = (
                exc
                if isinstance(exc, DuankaError)
                else DuankaError(f"Preparing the extract failed at {path.name}: {type(exc).__name__}: {exc}")
            )
            out.put(("error", name, error))
            return
        out.put(("end", name, None))


class Preparation:
    """Prepared chunks for each file of a run, in order; from a second process when `background`."""

    def __init__(
        self,
        jobs: list[Job],
        encoding: str | None,
        background: bool,
        mapping: SourceMapping | None = None,
        pseudonyms: Pseudonyms | None = None,
    ) -> None:
        self.jobs, self.encoding, self.mapping = jobs, encoding, mapping or SourceMapping()
        self.pseudonyms = pseudonyms or Pseudonyms()
        self._process: mp.process.BaseProcess | None = None
        if background:
            self._queue: mp.Queue[tuple[str, str, object]] = channel(maxsize=AHEAD)
            args = (jobs, encoding, self.mapping, self.pseudonyms, self._queue)
            self._process = start(_produce, args, "duanka-prepare")

    @staticmethod
    def wanted(paths: list[Path]) -> bool:
        """Whether the extract is big enough for preparing in a process of its own to pay."""
        return sum(p.stat().st_size for p in paths) > BACKGROUND_BYTES

    def chunks(self, name: str) -> Iterator[Prepared]:
        """The next file's chunks; files must be asked for in the order of `jobs`."""
        if self._process is None:
            path = dict(self.jobs)[name]
            yield from prepared_chunks(name, path, self.encoding, self.mapping, self.pseudonyms)
            return
        while True:
            kind, got, item = receive(self._queue, self._process, "preparing the extract")
            if kind == "error":
                assert isinstance(item, DuankaError)
                raise item
            if got != name:
                raise DuankaError(f"Preparation is out of order: expected {name}, got {got}.")
            if kind == "end":
                return
            assert isinstance(item, Prepared)
            yield item

    def close(self) -> None:
        """Stops a process still preparing (the load failed or ended early)."""
        if self._process is None:
            return
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=10)
        self._queue.close()
        self._process = None

    def __enter__(self) -> Preparation:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
