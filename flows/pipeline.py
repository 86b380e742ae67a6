"""The `pipeline` flow: ingest → detect → export, one writer per database at a time.

It is deployed, so any user who reaches the Prefect server may start it with parameters of their own:
its export is always masked, and it takes no masking parameter (one passed is refused, unbound). Unmasked
lead lists come from `duanka export --unmasked --by … --reason …` (or `duanka run --unmasked`) alone.
"""

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

import flows  # noqa: F401  (Prefect environment)
from duanka.choices import Engine, Executor, Lang, ReadFrom
from duanka.lock import database_lock
from duanka.params import DetectParams, ExportParams
from duanka.private import owner_only
from duanka.settings import Settings
from flows.detect import detect
from flows.export import export
from flows.ingest import ingest


@flow(name="pipeline", log_prints=True)
def pipeline(
    source: str,
    out: str,
    engine: Engine = DetectParams.engine,
    resolution: float = DetectParams.resolution,
    seed: int = DetectParams.seed,
    min_score: float = DetectParams.min_score,
    lang: Lang = ExportParams.lang,
    encoding: str | None = None,
    bulk: bool | None = None,
    wait_for_lock: float = 600.0,
    mapping: str | None = None,
    budget: int | None = ExportParams.budget,
    incremental: bool = True,
    executor: Executor = Executor.LOCAL,
    read_from: ReadFrom | None = DetectParams.read_from,
) -> dict[str, Any]:
    """Load one extract, find and score clusters, export the leads masked; returns what each step reported.

    `incremental`: re-score only what the extract touched where that is a small share of the graph and a
    completed run of the same model holds the rest (the run says which and why); False: a full run.
    `executor`: where detection's heavy steps run (local, or dask: shards on a Dask cluster).
    `read_from`: where detection reads the rows (store, neo4j; None: the store when it holds every load)."""
    owner_only()  # all it writes, and what its tasks and helpers write: 0600 / 0700
    ExportParams(Path(out), lang=lang, budget=budget).check()  # refuse before loading, not after
    with database_lock(Settings.from_env(), f"pipeline {source}", wait=wait_for_lock):
        loaded = ingest(source, encoding, bulk, mapping=mapping)
        found = detect(engine, resolution, seed, min_score, incremental, executor=executor, read_from=read_from)
        sent = export(out, True, lang, found.run_id, budget=budget)
    get_run_logger().info("ingest %s, detect %s, export %s → %s", loaded.run_id, found.run_id, sent["export_id"], out)
    return {"ingest": loaded.summary(), "detect": found.summary(), "export": sent}
