"""The run's quarantine: every rejected row with file, line, column, value and reason.

It holds raw personal data, so the file is created readable by its owner only.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

COLUMNS = ["file", "line", "column", "value", "reason", "row"]
SCHEMA = pa.schema([(c, pa.int64() if c == "line" else pa.string()) for c in COLUMNS])


class Quarantine:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._handle = os.fdopen(fd, "wb")
        self._writer = pacsv.CSVWriter(self._handle, SCHEMA, write_options=pacsv.WriteOptions(quoting_style="needed"))

    def add(self, file: str, problems: pd.DataFrame, raw: pd.DataFrame) -> int:
        """Write the problems; returns how many distinct rows they reject.

        Column-wise, never a row at a time in Python: a file whose rows fail one by one is quarantined
        at the speed it is read (bench/quarantine.py)."""
        if problems.empty:
            return 0
        lines = problems["line"].to_numpy(dtype="int64")
        at = raw.index.get_indexer(lines)  # -1: a malformed line, which has no parsed row
        quoted = _as_json(raw.iloc[np.unique(at[at >= 0])])
        rows = np.full(len(lines), "{}", dtype=object)
        rows[at >= 0] = quoted.reindex(raw.index[at[at >= 0]]).to_numpy()
        columns = {
            "file": pa.array(np.full(len(lines), file, dtype=object), pa.string()),
            "line": pa.array(lines, pa.int64()),
            "column": pa.array(problems["column"].astype(str).to_numpy(dtype=object), pa.string()),
            "value": pa.array(problems["value"].astype("string").fillna("").str.slice(0, 2000), pa.string()),
            "reason": pa.array(problems["reason"].astype(str).to_numpy(dtype=object), pa.string()),
            "row": pa.array(rows, pa.string()),
        }
        self._writer.write_table(pa.table(columns, schema=SCHEMA))
        return int(pd.unique(lines).size)

    def close(self) -> None:
        """Flush and close quarantine.csv."""
        self._writer.close()
        self._handle.close()

    def __enter__(self) -> Quarantine:
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.close()


def _as_json(rows: pd.DataFrame) -> pd.Series:
    """Each row as a JSON object of its raw strings (null where empty), cut at 20,000 characters."""
    if rows.empty:
        return pd.Series([], dtype=object)
    text = rows.astype(object).where(rows.notna(), None).to_json(orient="records", lines=True, force_ascii=False)
    lines = text.rstrip("\n").split("\n")  # JSON escapes a newline in a value; splitlines() would split at U+2028
    return pd.Series(lines, index=rows.index).str.slice(0, 20000)
