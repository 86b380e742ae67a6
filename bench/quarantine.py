"""Quarantine: rows/s of reading, validating and quarantining a file whose rows fail one by one.

    python bench/quarantine.py [--rows 1000000] [--token]

Writes a synthetic `calls.csv` (numpy, once per size, under data/generated/bench-quarantine-<rows>)
where every other row is bad — its callee a 10-digit number, not a mobile number — so the file never
fails as a whole (duanka/ingest/firstrows.py) and half its rows go to quarantine. With `--token` the
numbers are 64-hex tokens and the bad callee a plain number among them. Then, in this process, the
steps ingest runs for such a file without a database — read in chunks, validate, type, check repeated
keys, write the quarantine — and prints rows/s. Target: ≥ 50,000 rows/s (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from duanka.ingest import checks, read
from duanka.ingest.contract import SPECS
from duanka.ingest.firstrows import first_rows, pseudonyms
from duanka.ingest.mapping import SourceMapping
from duanka.ingest.prepare import prepared_chunks
from duanka.ingest.quarantine import Quarantine
from duanka.ingest.seen import Seen
from duanka.settings import project_root


def write_extract(folder: Path, rows: int, token: bool = False, seed: int = 1) -> Path:
    """calls.csv of `rows` pairs, every other one with a callee that is no mobile number."""
    path = folder / "calls.csv"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    caller = (13_800_000_000 + np.arange(rows)).astype(str)
    callee = (15_900_000_000 + rng.integers(0, 10**8, rows)).astype(str)
    bad = np.arange(rows) % 2 == 1
    if token:
        caller = np.array([hashlib.sha256(v.encode()).hexdigest() for v in caller], dtype=object)
        callee = np.array([hashlib.sha256(v.encode()).hexdigest() for v in callee], dtype=object)
        callee[bad] = (15_900_000_000 + np.flatnonzero(bad)).astype(str)  # a plain number among tokens
    else:
        callee[bad] = (1_590_000_000 + np.flatnonzero(bad) % 10**9).astype(str)  # 10 digits
    pd.DataFrame(
        {"caller_msisdn": caller, "callee_msisdn": callee, "kind": "voice", "count": rng.integers(1, 50, rows)}
    ).to_csv(path, index=False)
    return path


def quarantine_file(path: Path, out: Path) -> tuple[int, int, int]:
    """Read, validate and quarantine `path` (a calls file) as ingest does; (read, loaded, quarantined)."""
    first = first_rows({"calls": path}, None)
    found = pseudonyms(first, SourceMapping())
    seen, rows_read, loaded, quarantined = Seen(), 0, 0, 0
    with Quarantine(out) as quarantine:
        for chunk in prepared_chunks("calls", path, None, SourceMapping(), found):
            extra = checks.duplicates(SPECS["calls"], chunk.typed, seen)
            problems = pd.concat([chunk.problems, *extra], ignore_index=True) if extra else chunk.problems
            rows_read += chunk.rows_read
            quarantined += quarantine.add(path.name, problems, chunk.raw)
            loaded += len(chunk.typed) - (len(extra[0]) if extra else 0)
    return rows_read, loaded, quarantined


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--token", action="store_true", help="64-hex tokens, a plain number among them")
    args = parser.parse_args()
    suffix = "-token" if args.token else ""
    path = write_extract(
        project_root() / "data" / "generated" / f"bench-quarantine-{args.rows}{suffix}", args.rows, args.token
    )
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        rows_read, loaded, quarantined = quarantine_file(path, Path(tmp) / "quarantine.csv")
        seconds = time.perf_counter() - began
    assert rows_read == loaded + quarantined, (rows_read, loaded, quarantined)
    print(
        f"{rows_read:,} rows read ({read.CHUNK_ROWS:,} a chunk), {loaded:,} loaded, {quarantined:,} quarantined "
        f"in {seconds:.1f} s: {rows_read / seconds:,.0f} rows/s"
    )


if __name__ == "__main__":
    main()
