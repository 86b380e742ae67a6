"""Ingest throughput: rows/s for node and relationship writes, over Bolt, into an empty database.

    python bench/ingest.py --profile medium --empty-the-database [--batch 5000] [--bulk | --again] [--merge-only]

Generates the scenario once under data/generated/bench-<profile>, EMPTIES the
configured database (the local server by default), loads, and prints figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from duanka import db, neo4j_server
from duanka.generate import generate
from duanka.ingest import load, loader
from duanka.ingest import run as steps
from duanka.ingest.writes import WRITES, NodeWrite
from duanka.settings import Settings, project_root


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU of a process so far (0 when it is not a local process)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def helpers_cpu_seconds() -> float:
    """CPU so far of this process's live children: the processes preparing and writing batches."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="medium")
    parser.add_argument("--batch", type=int, default=load.BATCH_ROWS)
    parser.add_argument("--bulk", action="store_true", help="neo4j-admin import instead of Bolt")
    parser.add_argument(
        "--prepare",
        choices=("auto", "inline", "background"),
        default="auto",
        help="validate in this process or in a second one (auto: by extract size)",
    )
    parser.add_argument("--again", action="store_true", help="then load the same extract again (all MERGE matches)")
    parser.add_argument("--merge-only", action="store_true", help="never the first-load CREATE path")
    parser.add_argument(
        "--empty-the-database",
        action="store_true",
        required=True,
        help="say so: the benchmark deletes everything in the configured database",
    )
    args = parser.parse_args()
    load.BATCH_ROWS = args.batch

    source = project_root() / "data" / "generated" / f"bench-{args.profile}"
    if not (source / "scenario.json").exists():
        t = time.perf_counter()
        generate(source, args.profile, seed=1)
        print(f"generated {args.profile} in {time.perf_counter() - t:.1f} s")
    settings = Settings.from_env()
    if settings.connection.is_local:  # dropping the store is instant; deleting 20 M rows is not
        neo4j_server.stop(settings.local)
        neo4j_server.drop_store(settings.local)
        neo4j_server.start(settings)
    db.empty_database(settings)

    parallel = {"auto": None, "inline": False, "background": True}[args.prepare]
    first = steps.IngestOptions(Path(source), bulk=args.bulk, parallel=parallel)
    measure(settings, first, args, "first load")
    if args.again:  # every row now matches what the first load wrote: the MERGE path throughout
        measure(settings, steps.IngestOptions(Path(source), parallel=parallel), args, "the same extract again")


def measure(settings: Settings, options: steps.IngestOptions, args: argparse.Namespace, title: str) -> None:
    """The ingest steps in the flow's order, each file's load timed (the steps, without Prefect)."""
    if args.merge_only:  # as if every label and type were already in the graph: MERGE, lookups, conflict checks
        steps.absent = lambda sess, bulk: set()  # type: ignore[assignment]
    run = steps.IngestRun(options)
    extract = steps.check(settings, options)
    steps.prepare(settings)
    per_file: dict[str, float] = {}
    cores: dict[str, tuple[float, float, float]] = {}  # file -> (this process, its helpers, Neo4j) in cores busy
    local = settings.local if settings.connection.is_local else None
    server = neo4j_server.server_pid(local) if local else None
    began = time.perf_counter()
    original = loader.Loader.load_file

    def timed(self, sess, spec, path, sha256, chunks):  # type: ignore[no-untyped-def]
        t, own, helpers, neo = time.perf_counter(), time.process_time(), helpers_cpu_seconds(), cpu_seconds(server)
        report = original(self, sess, spec, path, sha256, chunks)
        if hasattr(self.sink, "flush"):
            self.sink.flush()
        per_file[spec.name] = elapsed = time.perf_counter() - t
        cores[spec.name] = (
            (time.process_time() - own) / elapsed,
            (helpers_cpu_seconds() - helpers) / elapsed,
            (cpu_seconds(server) - neo) / elapsed,
        )
        return report

    loader.Loader.load_file = timed  # type: ignore[method-assign]
    loaded = steps.load(settings, run, extract)
    loader.Loader.load_file = original  # type: ignore[method-assign]
    total = time.perf_counter() - began
    result = steps.reconcile(settings, run, extract, loaded)
    assert result.ok, "did not reconcile"

    node_writes = sum(result.expected[w.node.label] for f in WRITES.values() for w in f if isinstance(w, NodeWrite))
    rel_writes = sum(n for name, n in result.expected.items() if name.isupper())
    rel_seconds = sum(per_file[f] for f in ("sim_device_links", "account_device_links", "transfers", "calls"))
    if options.bulk:  # files are written as rows pass; the graph is built at the end, offline
        print(
            f"  validation and import files: {total - result.seconds_import:.1f} s, "
            f"neo4j-admin import with server stop/start: {result.seconds_import:.1f} s"
        )
        rel_seconds = total
    rel_only = sum(result.expected[t] for t in ("SEEN_IN", "USED_FROM", "TRANSFER", "CALLED"))
    how = (
        "bulk: neo4j-admin import"
        if options.bulk
        else f"Bolt, batch {args.batch}" + (", MERGE only" if args.merge_only else "")
    )
    print(f"profile {args.profile}, {title}, {how}")
    print(f"  {'file':22s} {'rows':>10s}      {'seconds':>7s} {'rows/s':>10s}   cores busy: loader, its helpers, Neo4j")
    for f in result.files:
        own, helpers, neo = cores[f.file]
        print(
            f"  {f.file:22s} {f.rows_read:>10,} rows {per_file[f.file]:7.1f} s {f.rows_read / per_file[f.file]:>10,.0f} rows/s"
            f"   {own:4.2f} {helpers:4.2f} {neo:4.2f}"
        )
    print(
        f"total {sum(f.rows_read for f in result.files):,} rows in {total:.1f} s "
        f"({node_writes:,} nodes, {rel_writes:,} relationships written)"
    )
    label = "all files, end to end" if options.bulk else "relationship files"
    print(f"{label}: {rel_only:,} relationships in {rel_seconds:.1f} s = {rel_only / rel_seconds:,.0f} relationships/s")
    print(
        f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
        f"of its largest helper so far: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
