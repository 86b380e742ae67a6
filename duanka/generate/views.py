"""What one party holds of a generated world: an operator sees numbers, handsets and calls, never bank data."""

from __future__ import annotations

import shutil
from pathlib import Path

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
