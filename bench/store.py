"""Detection's reads from the analysis store against the same reads from Neo4j, and the store's engines.

    python bench/store.py reads [--neo4j]    # read_graph from the store: folding every load, then from the
                                             # state kept, then the newest load folded onto the state kept
                                             # before it; with --neo4j the same tables from Neo4j too
    python bench/store.py engines            # one fold and aggregation of the store's calls, three engines

Both on whatever the configured database holds (load it with `duanka ingest` first: that writes the store).
`reads` times the projection and every fact table, read whole, each way (with --neo4j it compares sizes).
`engines` folds the CALLED rows into one row per pair (a later count replaces an earlier one, first call
the earliest) and sums each caller's calls, in DuckDB (the store's SQL files), Polars and pyarrow's
Acero group-by: the reader's engine was chosen on it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from detect import measure


def reads(args: argparse.Namespace) -> None:
    from duanka.detect.reading import read_graph
    from duanka.detect.source import choose
    from duanka.settings import Settings
    from duanka.store import folded
    from duanka.store.read import opened

    settings = Settings.from_env()
    source = choose(settings, None)
    print(f"reader chosen: {source.record()['read_from']}; loads: {len(source.loads)}")
    if not source.store:
        raise SystemExit("the store does not hold every load: nothing to compare")
    for _ in range(args.repeat):
        folded.forget(settings)
        store = measure("from the store, every load folded (and the state kept)", lambda: read_graph(settings, source))
        measure("from the store, the folded state kept", lambda: read_graph(settings, source))
        if len(source.loads) > 1:  # a day's run: the state kept after the loads before the newest
            folded.forget(settings)
            with opened(settings, source.loads[:-1]):
                pass
            measure("from the store, the newest load folded onto the kept state", lambda: read_graph(settings, source))
        if args.neo4j:
            graph = measure("from Neo4j (Bolt)", lambda: read_graph(settings))
            same = graph[0].size == store[0].size and all(
                len(getattr(graph[1], t)) == len(getattr(store[1], t))
                for t in ("sims", "seen", "accounts", "transfers")
            )
            print(f"  same sizes: {same}")
    print(f"  projection {store[0].size[0]:,} nodes, {store[0].size[1]:,} edges")


def engines(args: argparse.Namespace) -> None:
    import duckdb
    import polars as pl
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from duanka.detect.source import choose
    from duanka.settings import Settings
    from duanka.store.read import files_of, opened

    settings = Settings.from_env()
    loads = choose(settings, None).loads
    files = files_of(settings, loads)["CALLED"]
    print(f"CALLED rows of {len(loads)} loads, {len(files)} files")

    def with_duckdb() -> Any:
        with opened(settings, loads) as con:
            return con.sql(
                'SELECT start_key, count(*) AS callees, sum("count") AS calls, min(first_ts) AS first_call '
                "FROM called GROUP BY start_key"
            ).to_arrow_table()

    def with_polars() -> Any:
        rows = pl.scan_parquet(files).sort(["load_id", "seq"])
        pairs = rows.group_by(["start_key", "end_key", "kind"]).agg(
            pl.col("count").drop_nulls().last(), pl.col("first_ts").min()
        )
        return (
            pairs.group_by("start_key")
            .agg(pl.len().alias("callees"), pl.col("count").sum().alias("calls"), pl.col("first_ts").min())
            .collect()
        )

    def with_pyarrow() -> Any:
        table = ds.dataset(files, format="parquet").to_table()
        table = table.sort_by([("load_id", "ascending"), ("seq", "ascending")])
        table = table.filter(pc.is_valid(table["count"]))  # the last non-null count: the last of those left
        pairs = table.group_by(["start_key", "end_key", "kind"], use_threads=False).aggregate(
            [("count", "last"), ("first_ts", "min")]
        )
        return pairs.group_by("start_key").aggregate(
            [("end_key", "count"), ("count_last", "sum"), ("first_ts_min", "min")]
        )

    del duckdb
    for _ in range(args.repeat):
        for label, fn in (("duckdb", with_duckdb), ("polars", with_polars), ("pyarrow", with_pyarrow)):
            out = measure(label, fn)
            print(f"    {len(out):,} callers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("reads", "engines"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--neo4j", action="store_true", help="reads: also read the same tables from Neo4j")
    args = parser.parse_args()
    {"reads": reads, "engines": engines}[args.what](args)


if __name__ == "__main__":
    main()
