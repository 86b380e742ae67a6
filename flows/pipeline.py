"""The `pipeline` flow: ingest → detect → export, one writer per database at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

import flows  # noqa: F401  (Prefect environment)
from duanka.export.run import ExportParams
from duanka.lock import database_lock
from duanka.settings import Settings
from flows.detect import detect
from flows.export import export
from flows.ingest import ingest


@flow(name="pipeline", log_prints=True)
def pipeline(
    source: str,
    out: str,
    engine: str = "igraph",
    resolution: float = 1.0,
    seed: int = 1,
    min_score: float = 0.35,
    masked: bool = True,
    lang: str = "zh",
    encoding: str | None = None,
    bulk: bool = False,
    by: str | None = None,
    reason: str | None = None,
    wait_for_lock: float = 600.0,
    mapping: str | None = None,
) -> dict[str, Any]:
    """Load one extract, find and score clusters, export the leads; returns what each step reported."""
    ExportParams(Path(out), masked, lang, None, 10, by, reason).check()  # refuse before loading, not after
    with database_lock(Settings.from_env(), f"pipeline {source}", wait=wait_for_lock):
        loaded = ingest(source, encoding, bulk, mapping=mapping)
        found = detect(engine, resolution, seed, min_score)
        sent = export(out, masked, lang, found["run_id"], 10, by, reason)
    get_run_logger().info(
        "ingest %s, detect %s, export %s → %s", loaded["run_id"], found["run_id"], sent["export_id"], out
    )
    return {"ingest": loaded, "detect": found, "export": sent}
