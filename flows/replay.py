"""The `replay` flow: a generated world fed to the pipeline step by step, to measure early warning.

It empties the configured database (the caller says so), loads what was known a step before the first
ring opened its first card, then for each step loads that step's extract (duanka/generate/views.py:
Timeline) and detects incrementally, keeping each step's lead list. What the rings did and when they
were first flagged become days of warning (duanka/detect/warning.py); for rings that lease SMS ports,
whether the port, or the ring, was flagged before the port's first victim report. The replay stops
once every ring is flagged within the top `top` and no reported port can still be flagged before its
report (later steps cannot flag either earlier), or the world ends.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger

import flows  # noqa: F401  (Prefect environment)
from duanka import maintenance
from duanka.detect import warning
from duanka.detect.evaluate import Truth
from duanka.generate.views import Timeline
from duanka.lock import database_lock
from duanka.private import owner_only
from duanka.settings import Settings
from flows.detect import detect
from flows.ingest import ingest


@flow(name="replay", log_prints=True)
def replay(
    world: str,
    out: str,
    step_days: float = 1.0,
    top: int = 100,
    budget: int = 500,
    steps: int | None = None,
    truth: str | None = None,
) -> dict[str, Any]:
    """Replay `world` in steps of `step_days`; write warning.csv, steps.csv, timeline.png (and ports.csv
    when rings lease ports) to `out`.

    `budget`: a team's daily review capacity, the second depth at which a ring counts as flagged;
    `steps`: stop after this many (a quick look); `truth`: a truth or outcomes file (default: the
    world's truth.csv; only `type:id` entities of an outcomes file count, the database being emptied)."""
    owner_only()  # all it writes, and what its tasks and helpers write: 0600 / 0700
    settings, source, folder = Settings.from_env(), Path(world), Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    timeline, truth_of = Timeline(source), Truth.read(Path(truth) if truth else source / "truth.csv")
    events = warning.milestones(timeline, truth_of.rings)
    port_events = warning.port_rings(timeline.frames["reports"], timeline.begins["reports"], truth_of.rings)
    step = pd.Timedelta(days=step_days)
    since, last = None, max(t.max() for t in timeline.begins.values())
    until = events["first_opening"].min().floor("D") - step
    seen: list[tuple[pd.Timestamp, pd.DataFrame]] = []
    log: list[dict[str, Any]] = []
    with database_lock(settings, f"replay {world}", wait=0):
        maintenance.empty_database(settings, f"replay of {world}")
        while since is None or since < last:
            rows = timeline.extract(folder / "extract", until, since)
            began = time.perf_counter()
            loaded = ingest(str(folder / "extract"), force=True)
            loading = time.perf_counter() - began
            found = detect(incremental=since is not None)
            seen.append((until, found.leads[["role", "reasons_en"]].head(max(top, budget))))
            log.append(
                {
                    "until": until,
                    "rows": sum(rows.values()),
                    "quarantined": sum(f.rows_quarantined for f in loaded.files),
                    "reconciled": loaded.ok,
                    "ingest_s": round(loading, 1),
                    "detect_s": round(time.perf_counter() - began - loading, 1),
                    "leads": len(found.leads),
                }
            )
            flagged = warning.first_flagged(seen, truth_of.rings, top)
            get_run_logger().info("replay to %s: %s of %s rings flagged", until.date(), len(flagged), len(events))
            ports_open = len(port_events) > 0 and warning.port_pending(
                warning.port_warning(port_events, seen, truth_of.rings, top), until
            )
            if (len(flagged) == len(events) and not ports_open) or (steps is not None and len(log) >= steps):
                break
            since, until = until, until + step
    within_budget = warning.first_flagged(seen, truth_of.rings, budget)["flagged"].rename(f"flagged_top{budget}")
    table = warning.warning(events, flagged).join(within_budget, how="left")
    table.to_csv(folder / "warning.csv")
    pd.DataFrame(log).to_csv(folder / "steps.csv", index=False)
    warning.draw_timeline(table, folder / "timeline.png", f"{source.name}: rings flagged in the top {top}, by day")
    ports: dict[str, Any] = {}
    if len(port_events):
        port_table = warning.port_warning(port_events, seen, truth_of.rings, top)
        port_table.to_csv(folder / "ports.csv")
        ports = warning.port_summary(port_table)
    return {
        **warning.summary(table),
        **ports,
        "steps": len(log),
        "seconds": round(sum(s["ingest_s"] + s["detect_s"] for s in log), 1),
        "left_out": {k: v for k, v in truth_of.left_out.items() if k in ("rings_found", "unmatched")},
    }
