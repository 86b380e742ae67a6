"""Turn the built world into the contract's files, byte-for-byte reproducible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from duanka.generate.clock import iso
from duanka.generate.world import COLUMNS, World

TIMESTAMPS = {
    "activated_at",
    "opened_at",
    "first_seen",
    "last_seen",
    "ts",
    "first_ts",
    "last_ts",
    "reported_at",
    "registered_at",
    "bound_at",
    "unbound_at",
}
INTEGERS = {"days_seen", "count", "total_duration_s"}


def as_text(table: str, world: World) -> pd.DataFrame:
    """All parts of a table as strings, missing values as ''."""
    parts = world.parts[table]
    if not parts:
        return pd.DataFrame(columns=list(COLUMNS[table]))
    frame = pd.concat(parts, ignore_index=True).reindex(columns=list(COLUMNS[table]))
    for col in frame.columns:
        values = frame[col]
        if col in TIMESTAMPS and values.dtype != object:
            frame[col] = iso(values.fillna(-1).to_numpy(np.int64))
        elif col in INTEGERS:
            ints = values.fillna(-1).to_numpy(np.int64)
            frame[col] = np.where(ints < 0, "", ints.astype(str)).astype(object)
        elif values.dtype.kind == "f":
            frame[col] = np.char.mod("%.2f", values.to_numpy()).astype(object)
        else:
            frame[col] = values.fillna("").astype(str).to_numpy(dtype=object)
    return frame


def write_table(frame: pd.DataFrame, path: Path, fmt: str) -> Path:
    """Write one source table as CSV or Parquet; the path written."""
    table = pa.Table.from_pandas(frame.astype(str), preserve_index=False)
    if fmt == "parquet":
        target = path.with_suffix(".parquet")
        pq.write_table(table, target, compression="zstd")
    else:
        target = path.with_suffix(".csv")
        pacsv.write_csv(table, target, pacsv.WriteOptions(quoting_style="needed"))
    return target
