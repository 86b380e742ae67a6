"""What one party holds of a generated world: an operator sees numbers, handsets and calls, never bank data."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd

OPERATOR = ("persons", "sims", "devices", "sim_device_links", "calls", "outlets")
BESIDE = ("truth.csv", "hard_negatives.csv", "scenario.json")  # the answers, for evaluation, never loaded


def operator_view(world: Path, out: Path, holders: bool = True) -> Path:
    """An operator's extract of `world` in `out`; without `holders`, the numbers alone (no real-name records).

    Real operator extracts shared for anti-fraud work often carry no holder: persons is then a header
    with no rows and every card's holder is empty.
    """
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.*"):
        stale.unlink()
    for name in BESIDE:
        shutil.copy2(world / name, out / name)
    for table in OPERATOR:
        source = next(world.glob(f"{table}.*"))
        if holders or table not in ("persons", "sims"):
            shutil.copy2(source, out / source.name)
            continue
        parquet = source.suffix == ".parquet"
        frame = pd.read_parquet(source) if parquet else pd.read_csv(source, dtype=str, keep_default_na=False)
        if table == "persons":
            frame = frame.iloc[:0]
        else:
            frame["holder_person_id"] = None if parquet else ""
        if parquet:
            frame.to_parquet(out / source.name, index=False)
        else:
            frame.to_csv(out / source.name, index=False)
    return out


# The time each dated row happened; rows of the other tables (persons, devices, outlets) are reference data.
WHEN: dict[str, str] = {
    "sims": "activated_at",
    "bank_accounts": "opened_at",
    "sim_device_links": "first_seen",
    "account_device_links": "first_seen",
    "calls": "first_ts",
    "transfers": "ts",
    "reports": "reported_at",
}


def split_by_time(world: Path, before: Path, after: Path, share: float) -> pd.Timestamp:
    """`world` as two extracts: what happened before a cut, and the last `share` of its dated rows after it
    (new cards, accounts, sightings, calls, transfers, reports: a day's increment). Returns the cut.

    Reference tables (persons, devices, outlets) go whole into `before`; both get the answers beside."""
    tables = (*WHEN, "persons", "devices", "outlets")
    frames = {t: pd.read_csv(world / f"{t}.csv", dtype=str, keep_default_na=False) for t in tables}
    times = {t: pd.to_datetime(frames[t][c], utc=True, errors="coerce", format="ISO8601") for t, c in WHEN.items()}
    cut = pd.concat(times.values()).dropna().quantile(1 - share)
    for out in (before, after):
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.glob("*.*"):
            stale.unlink()
        for name in BESIDE:
            shutil.copy2(world / name, out / name)
    for table, frame in frames.items():
        late = (times[table] >= cut).to_numpy() if table in times else np.zeros(len(frame), dtype=bool)
        frame[~late].to_csv(before / f"{table}.csv", index=False)
        frame[late].to_csv(after / f"{table}.csv", index=False)
    return cut
