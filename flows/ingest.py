"""The `ingest` flow: source extract → validated, quarantined, reconciled graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

import flows  # noqa: F401  (Prefect environment)
from duanka import progress
from duanka.errors import DuankaError, retry_if_transient
from duanka.ingest.mapping import SourceMapping
from duanka.ingest.run import Ingestion, IngestResult
from duanka.settings import Settings


@task(cache_policy=NO_CACHE)
def check_source(run: Ingestion) -> list[str]:
    run.check()
    return sorted(run.paths)


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 5, 15], retry_condition_fn=retry_if_transient)
def prepare_database(run: Ingestion) -> list[str]:
    return run.prepare()


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def load_files(run: Ingestion) -> None:
    """A retry converges on the same graph: it finds what the failed attempt wrote and MERGEs into it."""
    logger = get_run_logger()

    def advance(name: str, rows: int) -> None:
        logger.debug("%s: %d more rows", name, rows)
        progress.report(name, rows)

    run.progress = advance
    run.load_all()
    for r in run.reports:
        logger.info("%s: read %d, loaded %d, quarantined %d", r.file, r.rows_read, r.rows_loaded, r.rows_quarantined)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5, retry_condition_fn=retry_if_transient)
def reconcile(run: Ingestion) -> IngestResult:
    return run.reconcile()


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def loaded_before(run: Ingestion) -> str | None:
    return run.loaded_before()


@flow(name="ingest", log_prints=True)
def ingest(
    source: str, encoding: str | None = None, bulk: bool = False, force: bool = False, mapping: str | None = None
) -> dict[str, Any]:
    """Load one source directory (input contract) into the graph; nothing lost, nothing doubled.

    An extract this database already holds, byte for byte, is skipped unless ``force``.
    ``bulk`` loads an empty local database offline with neo4j-admin import (first loads only).
    ``mapping``: a TOML/YAML file of the source's own headers and codes (else the extract's mapping.toml, if any).
    Only a lost connection or a deadlock is retried: bad data fails once, at once.
    """
    run = Ingestion(
        source=Path(source),
        settings=Settings.from_env(),
        encoding=encoding,
        bulk=bulk,
        mapping=SourceMapping.find(Path(source), Path(mapping) if mapping else None),
    )
    check_source(run)
    earlier = None if force else loaded_before(run)
    if earlier:
        get_run_logger().info(
            "%s is unchanged since ingest run %s: not loaded again (force=True to reload)", source, earlier
        )
        return {
            "run_id": earlier,
            "skipped": True,
            "manifest": str(run.settings.work_dir / "runs" / earlier / "manifest.json"),
            "quarantine": str(run.settings.work_dir / "runs" / earlier / "quarantine.csv"),
            "files": [],
        }
    prepare_database(run)
    load_files(run)
    result = reconcile(run)
    create_table_artifact(
        key="ingest-reconciliation",
        table=result.table(),
        description=f"Run {result.run_id}: rows read = loaded + quarantined, per file. Quarantine: {result.quarantine}",
    )
    if not result.ok:
        raise DuankaError(f"Run {result.run_id} did not reconcile: see {result.manifest}")
    return {
        "run_id": result.run_id,
        "skipped": False,
        "manifest": result.manifest,
        "quarantine": result.quarantine,
        "files": result.table(),
    }
