"""The run's quarantine: every rejected row with file, line, column, value and reason.

It holds raw personal data, so the file is created readable by its owner only.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from types import TracebackType

import pandas as pd

COLUMNS = ["file", "line", "column", "value", "reason", "row"]


class Quarantine:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._handle)
        self._writer.writerow(COLUMNS)

    def add(self, file: str, problems: pd.DataFrame, raw: pd.DataFrame) -> int:
        """Write the problems; returns how many distinct rows they reject."""
        if problems.empty:
            return 0
        for p in problems.itertuples(index=False):
            row = raw.loc[p.line] if p.line in raw.index else None
            as_json = json.dumps(
                {k: (None if pd.isna(v) else str(v)) for k, v in row.items()} if row is not None else {},
                ensure_ascii=False,
            )
            value = "" if pd.isna(p.value) else str(p.value)
            self._writer.writerow([file, int(p.line), p.column, value[:2000], p.reason, as_json[:20000]])
        return problems["line"].nunique()

    def close(self) -> None:
        """Flush and close quarantine.csv."""
        self._handle.close()

    def __enter__(self) -> Quarantine:
        return self

    def __exit__(self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]) -> None:
        self.close()
