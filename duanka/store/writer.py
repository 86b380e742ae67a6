"""A load's rows into the store, as ingest hands them to the graph: one Parquet file per source file and
label or type, in the declared column types, then the load's manifest.

Fed by the Loader (duanka/ingest/loader.py) with exactly the rows it gives the sink, Bolt or bulk import,
after validation and normalisation: the store and the graph hold the same rows under the same load id.
Opening a load's writer removes whatever an earlier attempt of the same load left: a re-run replaces it.
"""

from __future__ import annotations

import shutil
from types import TracebackType

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from duanka.ids import sha256_of
from duanka.ingest.writes import NodeWrite, Write
from duanka.settings import Settings
from duanka.store import layout
from graphmodel.cypher import node_fields
from graphmodel.sql import END, START


def arrow_column(values: pd.Series, kind: pa.DataType) -> pa.Array:
    """Normalised values (object: str / int / float / bool / ISO text / None) as an Arrow column of `kind`."""
    if pa.types.is_string(kind):
        return pa.array(values.astype("string").to_numpy(dtype=object, na_value=None), pa.string())
    if pa.types.is_timestamp(kind):
        stamps = pd.to_datetime(values.astype(object), utc=True, format="ISO8601")
        return pa.Array.from_pandas(stamps).cast(kind)
    if pa.types.is_date(kind):
        return pa.Array.from_pandas(pd.to_datetime(values.astype(object), format="ISO8601")).cast(kind)
    if pa.types.is_boolean(kind):
        return pa.Array.from_pandas(values.astype("boolean")).cast(kind)
    numbers = pd.to_numeric(values, errors="coerce")
    return pa.Array.from_pandas(numbers.astype("Int64" if pa.types.is_integer(kind) else "float64")).cast(kind)


def _values(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column's values; one the extract lacks is all missing (nothing overwritten, as in the graph)."""
    return frame[name] if name in frame.columns else pd.Series(None, index=frame.index, dtype=object)


def rows(write: Write, frame: pd.DataFrame, load_id: str, first_seq: int) -> pa.Table:
    """A write's rows laid out as the store keeps them (layout.columns), numbered from `first_seq`."""
    if isinstance(write, NodeWrite):
        element = write.node.label
        named = {
            write.node.key: frame[write.key],
            **{p.name: _values(frame, p.name) for p in node_fields(write.node)[1:]},
        }
    else:
        element = write.rel.type
        frame = frame[frame[write.start].notna() & frame[write.end].notna()]
        named = {
            START: frame[write.start],
            END: frame[write.end],
            **{p.name: _values(frame, p.name) for p in write.rel.props},
        }
    schema = layout.columns(element)
    arrays = [arrow_column(named[f.name], f.type) for f in schema if f.name in named]
    n = len(frame)
    arrays += [pa.array([load_id] * n, pa.string()), pa.array(range(first_seq, first_seq + n), pa.int64())]
    return pa.Table.from_arrays(arrays, schema=schema)


class StoreWriter:
    """One load's partition of the store, written file by file; whole (with its manifest) only on close."""

    def __init__(self, settings: Settings, load_id: str) -> None:
        self.settings, self.load_id = settings, load_id
        self.seq = 0
        self.writers: dict[tuple[str, str], pq.ParquetWriter] = {}
        self.counts: dict[tuple[str, str], int] = {}
        shutil.rmtree(layout.folder(settings, load_id), ignore_errors=True)  # an earlier attempt's rows go

    def add(self, file: str, write: Write, frame: pd.DataFrame) -> None:
        """The rows of source `file` that `write` hands to the graph."""
        if frame.empty:
            return
        table = rows(write, frame, self.load_id, self.seq)
        self.seq += table.num_rows
        element = write.node.label if isinstance(write, NodeWrite) else write.rel.type
        at = (file, element)
        if at not in self.writers:
            target = layout.path(self.settings, self.load_id, file, element)
            target.parent.mkdir(parents=True, exist_ok=True)
            self.writers[at] = pq.ParquetWriter(target, table.schema, compression="zstd")
            self.counts[at] = 0
        self.writers[at].write_table(table)
        self.counts[at] += table.num_rows

    def close(self, whole: bool) -> None:
        """Close every file; `whole` (the load finished): checksum them and write the manifest."""
        for writer in self.writers.values():
            writer.close()
        if not whole:
            return
        layout.folder(self.settings, self.load_id).mkdir(parents=True, exist_ok=True)
        parts = [
            layout.Part(file, element, n, sha256_of(layout.path(self.settings, self.load_id, file, element)))
            for (file, element), n in sorted(self.counts.items())
        ]
        layout.write_manifest(self.settings, self.load_id, parts)

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close(whole=kind is None)
