"""The `ingest` flow: source extract → validated, quarantined, reconciled graph."""

from dataclasses import replace
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

import flows  # noqa: F401  (Prefect environment)
from duanka import progress
from duanka.errors import DuankaError, retry_if_transient
from duanka.ingest import run as steps
from duanka.ingest.mapping import SourceMapping
from duanka.ingest.run import Extract, IngestOptions, IngestResult, IngestRun, Loaded
from duanka.private import owner_only
from duanka.settings import Settings


@task(cache_policy=NO_CACHE)
def check_source(settings: Settings, options: IngestOptions) -> Extract:
    """Find the files and check their headers before anything is loaded."""
    return steps.check(settings, options)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def loaded_before(settings: Settings, extract: Extract) -> str | None:
    """The run that loaded exactly this extract already, if any."""
    return steps.loaded_before(settings, extract)


@task(cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 5, 15], retry_condition_fn=retry_if_transient)
def prepare_database(settings: Settings) -> list[str]:
    """Constraints and indexes in place."""
    return steps.prepare(settings)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def load_files(settings: Settings, run: IngestRun, extract: Extract) -> Loaded:
    """A retry converges on the same graph: it finds what the failed attempt wrote and MERGEs into it."""
    logger = get_run_logger()

    def advance(name: str, rows: int) -> None:
        logger.debug("%s: %d more rows", name, rows)
        progress.report(name, rows)

    loaded = steps.load(settings, run, extract, advance)
    for r in loaded.files:
        logger.info("%s: read %d, loaded %d, quarantined %d", r.file, r.rows_read, r.rows_loaded, r.rows_quarantined)
    return loaded


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=5, retry_condition_fn=retry_if_transient)
def reconcile(settings: Settings, run: IngestRun, extract: Extract, loaded: Loaded) -> IngestResult:
    """Rows read = loaded + quarantined, and the graph holds what was written."""
    return steps.reconcile(settings, run, extract, loaded)


@flow(name="ingest", log_prints=True)
def ingest(
    source: str,
    encoding: str | None = IngestOptions.encoding,
    bulk: bool | None = IngestOptions.bulk,
    force: bool = False,
    mapping: str | None = None,
    parallel: bool | None = IngestOptions.parallel,
) -> IngestResult:
    """Load one source directory (input contract) into the graph; nothing lost, nothing doubled.

    An extract this database already holds, byte for byte, is skipped unless ``force``.
    ``bulk`` loads an empty local database offline with neo4j-admin import (first loads only); False
    loads over Bolt; None chooses (duanka/ingest/run.py: loading_path) and says which in the log.
    ``mapping``: a TOML/YAML file of the source's own headers and codes (else the extract's mapping.toml, if any).
    ``parallel``: validate and write in processes of their own (default: when the extract is large).
    Only a lost connection or a deadlock is retried: bad data fails once, at once.
    """
    owner_only()  # all it writes, and what its tasks and helpers write: 0600 / 0700
    settings = Settings.from_env()
    folder = Path(source)
    options = IngestOptions(
        folder, encoding, SourceMapping.find(folder, Path(mapping) if mapping else None), bulk, parallel
    )
    extract = check_source(settings, options)
    earlier = None if force else loaded_before(settings, extract)
    if earlier:
        get_run_logger().info(
            "%s is unchanged since ingest run %s: not loaded again (force=True reloads)", source, earlier
        )
        return steps.skipped(settings, earlier, folder)
    bulk, why = steps.loading_path(settings, extract, options.bulk)
    get_run_logger().info("loading path: %s (%s)", "bulk import" if bulk else "Bolt", why)
    run = steps.begin(settings, replace(options, bulk=bulk), extract)
    prepare_database(settings)
    loaded = load_files(settings, run, extract)
    result = reconcile(settings, run, extract, loaded)
    create_table_artifact(
        key="ingest-reconciliation",
        table=result.table(),
        description=f"Run {result.run_id}: rows read = loaded + quarantined, per file. Quarantine: {result.quarantine}",
    )
    if not result.ok:
        raise DuankaError(f"Run {result.run_id} did not reconcile: see {result.manifest}")
    return result
