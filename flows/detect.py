"""The `detect` flow: the graph scored (an increment, shard by shard, or whole) → written back → finished."""

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

import flows  # noqa: F401  (Prefect environment)
from duanka.choices import Engine, Executor, ReadFrom
from duanka.detect import increment, learn, shards, writeback
from duanka.detect.distributed import score_on_dask
from duanka.detect.job import DetectResult, DetectRun, Scored
from duanka.detect.whole import score_whole
from duanka.errors import retry_if_transient
from duanka.export.shown import top_leads
from duanka.lock import database_lock
from duanka.params import DetectParams
from duanka.private import owner_only
from duanka.settings import Settings


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def score_increment(settings: Settings, run: DetectRun) -> Scored | str:
    """The components rows and decisions since the previous run touched, re-scored on its footing; or why
    a full run is needed or quicker."""
    scored = increment.rescored_increment(settings, run)
    if isinstance(scored, str):
        get_run_logger().info("running in full: %s", scored)
    return scored


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def score_in_shards(settings: Settings, run: DetectRun, executor: Executor) -> Scored:
    """Facts, signals, communities and scores shard by shard: on a Dask cluster (the configured one, or a
    local one for this run), or in turn in this process (a big graph's memory bounded by a shard's)."""
    return score_on_dask(settings, run) if executor == Executor.DASK else shards.score_in_turn(settings, run)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def score_in_full(settings: Settings, run: DetectRun) -> Scored:
    """The community graph and the facts read together, own scores, the seeds' communities, scores."""
    return score_whole(settings, run)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def write_back(settings: Settings, run: DetectRun, scored: Scored) -> DetectResult:
    """Clusters under stable ids, what an increment keeps of the run before, results written: MERGEs keyed
    by run and cluster id, so a retry rewrites the same results."""
    return writeback.write_back(settings, run, scored)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def finish(settings: Settings, run: DetectRun, result: DetectResult) -> None:
    """Mark the run completed: from now on it is the latest."""
    writeback.finish(settings, run, result)


@flow(name="detect", log_prints=True)
def detect(
    engine: Engine = DetectParams.engine,
    resolution: float = DetectParams.resolution,
    seed: int = DetectParams.seed,
    min_score: float = DetectParams.min_score,
    incremental: bool = True,
    wait_for_lock: float = 600.0,
    executor: Executor = Executor.LOCAL,
    read_from: ReadFrom | None = DetectParams.read_from,
) -> DetectResult:
    """Find supply-chain clusters in the loaded graph, score and explain them, write them back.

    `incremental`: where the graph holds a completed run of the same model and parameters and the rows and
    decisions since touched a small share of it, re-score only what they touched and keep the rest of that
    run's results (the same leads a full run gives: duanka/detect/increment.py); otherwise, or when False, a
    full run. The run records which (`scope`) and why (`scope_why`).
    `executor`: where a full run's heavy steps run — this process, or shards on a Dask cluster (the
    same leads: duanka/detect/distributed.py).
    `read_from`: store (the analysis store ingest wrote), neo4j, or None: the store when it holds every load
    the graph holds, else Neo4j (the run records which, and why: duanka/detect/source.py)."""
    owner_only()  # all it writes, and what its tasks and helpers write: 0600 / 0700
    settings = Settings.from_env()
    with database_lock(settings, "detect", wait=wait_for_lock):  # no load lands half-seen by a run
        params = DetectParams(Engine(engine), resolution, seed, min_score, ReadFrom(read_from) if read_from else None)
        run = DetectRun(params, ranker=learn.current(learn.folder(settings)))
        return _detect(settings, run, incremental, Executor(executor))


def _detect(settings: Settings, run: DetectRun, incremental: bool, executor: Executor) -> DetectResult:
    scored = score_increment(settings, run) if incremental else "a full run was asked for"
    if isinstance(scored, str):
        sharded = not run.reads_graph and shards.cut_into_shards(settings, run, executor)
        why = scored
        scored = score_in_shards(settings, run, executor) if sharded else score_in_full(settings, run)
        scored.scope_why = why
    result = write_back(settings, run, scored)
    finish(settings, run, result)
    return _reported(settings, result)


def _reported(settings: Settings, result: DetectResult) -> DetectResult:
    """The run's result, logged and its top leads shown (masked: any local user can read artifacts) as an artifact."""
    get_run_logger().info("run %s: %s; timings %s", result.run_id, result.figures, result.timings)
    create_table_artifact(
        key="detect-top-leads",
        description=f"Run {result.run_id}: the top suspected entities (suspicions, not determinations; masked)",
        table=top_leads(settings, result.leads.head(20)),
    )
    return result
