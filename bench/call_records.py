"""Raw call records: rows/s and peak memory of reading, validating and summing them per pair.

    python bench/call_records.py --rows 20000000 [--callers 400000] [--load --empty-the-database]

Writes a synthetic `call_records.csv` (numpy, once per size, under data/generated/bench-calls-<rows>):
each caller calls a few of its own contacts again and again, about 1.7 calls a pair. Then, in this
process, the same steps ingest runs — read in chunks, validate, type, sum per chunk, spill to Parquet
partitions, sum each partition — and prints rows/s and this process's peak RSS. With `--load`, the
whole ingest of that extract (plus one person) into the configured database, EMPTIED first.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

from duanka.ingest.callrecords import CallAggregator
from duanka.ingest.mapping import SourceMapping
from duanka.ingest.prepare import prepared_chunks
from duanka.settings import project_root


def write_extract(folder: Path, rows: int, callers: int, seed: int = 1) -> Path:
    path = folder / "call_records.csv"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    start = 1_740_000_000
    with path.open("w", encoding="utf-8") as out:
        out.write("caller_msisdn,callee_msisdn,kind,start_ts,duration_s\n")
        for done in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - done)
            caller = rng.integers(0, callers, n)
            contact = rng.integers(0, 12, n)  # each caller's dozen contacts
            callee = (caller * 7919 + contact * 104_729) % (callers * 5)
            frame = pd.DataFrame(
                {
                    "caller_msisdn": (13_800_000_000 + caller).astype(str),
                    "callee_msisdn": (15_900_000_000 + callee).astype(str),
                    "kind": np.where(rng.random(n) < 0.2, "sms", "voice"),
                    "start_ts": pd.to_datetime(start + rng.integers(0, 30 * 86_400, n), unit="s").strftime(
                        "%Y-%m-%dT%H:%M:%S"
                    ),
                    "duration_s": rng.integers(0, 600, n),
                }
            )
            frame.to_csv(out, header=False, index=False)
    return path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--callers", type=int, default=400_000)
    parser.add_argument("--load", action="store_true", help="then ingest the extract into the configured database")
    parser.add_argument("--empty-the-database", action="store_true", help="say so with --load: it deletes everything")
    args = parser.parse_args()

    folder = project_root() / "data" / "generated" / f"bench-calls-{args.rows}"
    began = time.perf_counter()
    path = write_extract(folder, args.rows, args.callers)
    print(
        f"extract: {path} ({path.stat().st_size / 1e6:,.0f} MB), written or found in {time.perf_counter() - began:.1f} s"
    )

    rss_before = peak_rss_mb()
    began = time.perf_counter()
    rows = quarantined = pairs = 0
    with CallAggregator(folder / ".spill", path.stat().st_size) as calls:
        for chunk in prepared_chunks("call_records", path, None, SourceMapping()):
            rows += chunk.rows_read
            quarantined += len(chunk.problems)
            calls.add(chunk.typed)
        summed_at = time.perf_counter()
        for summary in calls.summaries():
            pairs += len(summary)
        partitions = calls.partitions
    seconds = time.perf_counter() - began
    print(
        f"read + validate + sum: {rows:,} rows ({quarantined} quarantined) → {pairs:,} pairs in {seconds:.1f} s "
        f"= {rows / seconds:,.0f} rows/s (chunks {summed_at - began:.1f} s, {partitions} partitions "
        f"{time.perf_counter() - summed_at:.1f} s); peak RSS {peak_rss_mb():,.0f} MB (before: {rss_before:,.0f} MB)"
    )

    if args.load:
        if not args.empty_the_database:
            parser.error("--load empties the configured database: add --empty-the-database to say so")
        from duanka import db
        from duanka.settings import Settings
        from flows.ingest import ingest

        settings = Settings.from_env()
        (folder / "persons.csv").write_text("person_id\nP1\n", encoding="utf-8")
        (folder / "sims.csv").write_text("msisdn,holder_person_id\n13800000000,P1\n", encoding="utf-8")
        db.empty_database(settings)
        began = time.perf_counter()
        result = ingest(str(folder), force=True)  # the first seconds start Prefect's temporary server
        seconds = time.perf_counter() - began
        print(
            f"ingest into Neo4j: ok={result.ok} {result.found.get('CALLED', 0):,} CALLED relationships, "
            f"{result.found.get('Sim', 0):,} numbers, in {seconds:.1f} s = {rows / seconds:,.0f} raw rows/s; "
            f"peak RSS {peak_rss_mb():,.0f} MB"
        )
        shutil.rmtree(settings.work_dir / "runs" / result.run_id, ignore_errors=True)


if __name__ == "__main__":
    main()
