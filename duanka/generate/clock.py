"""Scenario time: int64 seconds of Asia/Shanghai wall-clock time, formatted on write."""

from __future__ import annotations

import numpy as np

DAY = 86_400
HOUR = 3_600


def ts(text: str) -> int:
    """An ISO 8601 time as epoch seconds."""
    return int(np.datetime64(text, "s").astype(np.int64))


START = ts("2012-01-01T00:00:00")
NOW = ts("2026-10-31T00:00:00")
RECENT = ts("2026-04-01T00:00:00")  # the window where rings operate


def iso(seconds: np.ndarray) -> np.ndarray:
    """ISO 8601 local time without offset ('' for missing, marked by -1)."""
    out = np.datetime_as_string(np.asarray(seconds, dtype="datetime64[s]"), unit="s").astype(object)
    out[np.asarray(seconds) < 0] = ""
    return out


def iso_date(seconds: np.ndarray) -> np.ndarray:
    """Epoch seconds as Beijing-time dates (YYYY-MM-DD)."""
    return np.datetime_as_string(np.asarray(seconds, dtype="datetime64[s]"), unit="D").astype(object)
