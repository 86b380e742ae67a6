"""The whole pipeline at scale, one step per process so each step's peak memory is its own.

    python bench/pipeline.py --profile large --empty-the-database [--skip-ingest]

Steps: generate (once, under data/generated/bench-<profile>), ingest --bulk (empties the
configured database first), detect, export. Prints wall time and peak RSS per step
(GNU time), plus Neo4j's own resident memory after each step. --skip-ingest reuses a
database that already holds the profile (e.g. after bench/ingest.py).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

from duanka import neo4j_server
from duanka.settings import Settings, project_root

DUANKA = str(Path(sys.executable).with_name("duanka"))


def timed(label: str, command: list[str]) -> None:
    began = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-4000:])
        raise SystemExit(f"{label} failed")
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1)) / 1024
    print(f"{label:10s} {seconds:8.1f} s   peak RSS {peak:8.0f} MB   Neo4j RSS {neo4j_rss():6.0f} MB", flush=True)


def neo4j_rss() -> float:
    pid = neo4j_server.server_pid(Settings.from_env().local)
    if pid is None:
        return 0.0
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="large")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument(
        "--empty-the-database",
        action="store_true",
        required=True,
        help="say so: the ingest step replaces everything in the configured database",
    )
    args = parser.parse_args()
    source = project_root() / "data" / "generated" / f"bench-{args.profile}"
    out = project_root() / "exports" / f"bench-{args.profile}"
    if not (source / "scenario.json").exists():
        timed("generate", [DUANKA, "generate", "--out", str(source), "--profile", args.profile])
    if not args.skip_ingest:
        timed(
            "ingest",
            [
                sys.executable,
                str(project_root() / "bench" / "ingest.py"),
                "--profile",
                args.profile,
                "--bulk",
                "--empty-the-database",
            ],
        )
    timed("detect", [DUANKA, "detect", "--full", "--top", "3"])
    timed("export", [DUANKA, "export", "--out", str(out)])


if __name__ == "__main__":
    main()
