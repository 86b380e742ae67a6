"""Raw call records → the per-pair summary `calls` gives, without holding the raw file in memory.

Each validated chunk is summed per (caller, callee, kind) at once, and the
partial sums are spilled to Parquet partitions cut by the caller's hash; each
partition is then summed again on its own. Memory is one chunk plus one
partition's pairs, whatever the size of the raw file (docs/benchmarks.md).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PAIR = ["caller_msisdn", "callee_msisdn", "kind"]
PARTITION_BYTES = (
    64 << 20
)  # raw bytes per spill partition: about a million partial sums, ~0.5 GB summed (benchmarks.md)
SUMMARY = {"count": "sum", "total_duration_s": "sum", "first_ts": "min", "last_ts": "max"}


def partial_sums(rows: pd.DataFrame) -> pd.DataFrame:
    """Typed raw rows (start_ts, duration_s) summed per pair: count, total duration, first and last time."""
    voice = rows["kind"] == "voice"  # the contract: duration is voice only
    return _sum(
        rows[PAIR].assign(
            count=1,
            total_duration_s=pd.to_numeric(rows["duration_s"].where(voice), errors="coerce"),
            first_ts=rows["start_ts"],
            last_ts=rows["start_ts"],
        )
    )


def _sum(parts: pd.DataFrame) -> pd.DataFrame:
    """Partial sums of the same pairs into one row a pair, kept numeric and as strings for the spill.

    Timestamps are ISO text at +08:00 (normalise.iso_text), so the earliest is the smallest string; as
    pandas' own string type the minimum is taken natively (as Python objects: 100 times slower).
    """
    parts = parts.astype({"first_ts": "str", "last_ts": "str", "total_duration_s": "float64"})
    grouped = parts.groupby(PAIR, sort=False, as_index=False)
    out = grouped.agg(count=("count", "sum"), first_ts=("first_ts", "min"), last_ts=("last_ts", "max"))
    out["total_duration_s"] = grouped["total_duration_s"].sum(min_count=1)["total_duration_s"].to_numpy()
    out["count"] = out["count"].astype("int64")
    return out[PAIR + list(SUMMARY)]


def as_calls(summed: pd.DataFrame) -> pd.DataFrame:
    """Summed pairs laid out as typed `calls` rows: whole numbers, and None where a value is missing."""
    out = summed.copy()
    duration = out["total_duration_s"]
    out["total_duration_s"] = duration.astype("Int64").astype(object).where(duration.notna(), None)
    for column in ("first_ts", "last_ts"):
        out[column] = out[column].astype(object).where(out[column].notna(), None)
    return out


SCHEMA = pa.schema(
    [
        ("caller_msisdn", pa.string()),
        ("callee_msisdn", pa.string()),
        ("kind", pa.string()),
        ("count", pa.int64()),
        ("total_duration_s", pa.float64()),
        ("first_ts", pa.string()),
        ("last_ts", pa.string()),
    ]
)


class CallAggregator:
    """Sums raw records chunk by chunk into spill partitions; `summaries()` yields each partition's pairs."""

    def __init__(self, folder: Path, source_bytes: int) -> None:
        self.folder = folder
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, mode=0o700)  # numbers are personal data
        self.partitions = max(1, -(-source_bytes // PARTITION_BYTES))
        self._writers: dict[int, pq.ParquetWriter] = {}

    def add(self, rows: pd.DataFrame) -> None:
        """Sum one chunk of raw records per (caller, callee, kind) and spill the partial sums."""
        if rows.empty:
            return
        summary = partial_sums(rows)
        if self.partitions == 1:
            self._write(0, summary)
            return
        part = pd.util.hash_pandas_object(summary["caller_msisdn"], index=False).to_numpy() % self.partitions
        for p, frame in summary.groupby(part, sort=False):
            self._write(int(p), frame)

    def _write(self, part: int, frame: pd.DataFrame) -> None:
        if part not in self._writers:
            path = self.folder / f"part-{part:04d}.parquet"
            self._writers[part] = pq.ParquetWriter(os.fspath(path), SCHEMA)
        self._writers[part].write_table(pa.Table.from_pandas(frame, schema=SCHEMA, preserve_index=False))

    def summaries(self) -> Iterator[pd.DataFrame]:
        """One frame of summed pairs per partition, laid out like typed `calls` rows."""
        for writer in self._writers.values():
            writer.close()
        for part in sorted(self._writers):
            yield as_calls(_sum(pq.read_table(self.folder / f"part-{part:04d}.parquet").to_pandas()))
        self._writers = {}

    def close(self) -> None:
        """Delete the spilled partitions."""
        for writer in self._writers.values():
            writer.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> CallAggregator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
