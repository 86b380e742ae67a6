"""A day's increment against a full run: time, what was re-scored, and whether the leads are the same.

    python bench/increment.py --profile medium --seed 1 --difficulty hard --share 0.01
    python bench/increment.py --profile medium --share 0.01 --without transfers   # an operator's day

Splits a generated world by time (duanka/generate/views.py: split_by_time): its earlier rows are
bulk-loaded into an emptied database and detected in full; its last `share` of dated rows (new cards,
sightings, calls, transfers, reports) is then loaded over Bolt as a day's increment and detected
incrementally (in full when it touched too much of the graph: the run says so); last, the same graph is
detected in full. Prints each step's time and whether the incremental run's leads and clusters equal the
full run's. `--without` leaves tables out of the day (an operator's day has no transfers).
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from bench.worlds import loaded_world
from duanka.generate.views import split_by_time
from duanka.settings import Settings
from flows.detect import detect
from flows.ingest import ingest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--profile", default="medium")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--difficulty", default="hard")
    ap.add_argument("--share", type=float, default=0.01, help="the last share of dated rows: the increment")
    ap.add_argument("--without", nargs="*", default=[], help="tables left out of the increment")
    args = ap.parse_args()
    settings = Settings.from_env()
    world = loaded_world(settings, "eval", args.profile, args.seed, args.difficulty, extract="full", load=False)
    before, after = world.with_name(world.name + "-before"), world.with_name(world.name + "-day")
    cut = split_by_time(world, before, after, args.share)
    for table in args.without:
        (after / f"{table}.csv").unlink()
    rows = {
        p.stem: sum(1 for _ in p.open()) - 1 for p in after.glob("*.csv") if p.stem not in ("truth", "hard_negatives")
    }
    print(f"world {world.name}: increment after {cut}: {sum(rows.values()):,} rows {rows}", flush=True)
    loaded_world(settings, "eval", args.profile, args.seed, args.difficulty, extract="full", source=before)
    timed: dict[str, float] = {}

    def step(name: str, fn):  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        out = fn()
        timed[name] = time.perf_counter() - began
        print(f"  {name:34s} {timed[name]:8.1f} s", flush=True)
        return out

    step("detect in full (before)", lambda: detect(incremental=False))
    step("ingest the increment (Bolt)", lambda: ingest(str(after), force=True))
    inc = step("detect incrementally", lambda: detect(incremental=True))
    full = step("detect in full (after)", lambda: detect(incremental=False))
    print(f"  incremental: {inc.figures}; timings {inc.timings}")
    print(f"  full:        {full.figures}; timings {full.timings}")
    same = _written(inc).equals(_written(full)) and inc.clusters.drop(columns="community", errors="ignore").equals(
        full.clusters.drop(columns="community", errors="ignore")
    )
    day = timed["ingest the increment (Bolt)"] + timed["detect incrementally"]
    print(f"leads and clusters equal: {same}; {int(inc.leads.shape[0]):,} leads")
    print(
        f"day's increment (ingest + detect) {day:.1f} s = {day / timed['detect in full (after)']:.0%} of a full detection"
    )


def _written(result) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    e = result.entities
    e = e[e["lead"] | e["cluster_id"].notna()]
    return (
        e[["entity_type", "entity_id", "lead", "role", "cluster_id", "status"]]
        .reset_index(drop=True)
        .assign(score=e["score"].round(4).to_numpy())
    )


if __name__ == "__main__":
    main()
