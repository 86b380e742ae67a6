"""Scenario generation: wall time and peak memory for one profile.

python bench/generate.py --profile large [--difficulty hard]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from duanka.generate import generate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="large")
    parser.add_argument("--difficulty", default="easy")
    parser.add_argument("--out", type=Path, default=None, help="keep the files here (default: a temporary folder)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="duanka-bench-"))
    began = time.perf_counter()
    summary = generate(out, args.profile, difficulty=args.difficulty, seed=1)
    seconds = time.perf_counter() - began
    size = sum(p.stat().st_size for p in out.iterdir())
    rows = sum(summary["rows"].values())
    print(f"profile {args.profile} ({summary['persons']:,} persons, {summary['rings']} rings, {args.difficulty})")
    print(f"  {rows:,} rows, {size / 1e6:,.0f} MB of CSV in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    if args.out is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
