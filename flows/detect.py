"""The `detect` flow: projection and facts → own scores → the seeds' communities → scores → write-back."""

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

import flows  # noqa: F401  (Prefect environment)
from duanka.choices import Engine, Executor
from duanka.detect import distributed, increment, learn, shards
from duanka.detect import run as steps
from duanka.detect.increment import Previous, Region, Rescored
from duanka.detect.lineage import Link
from duanka.detect.run import DetectResult, DetectRun, Projection, Suspicions, run_figures
from duanka.detect.signals import Facts
from duanka.errors import retry_if_transient
from duanka.export.shown import top_leads
from duanka.lock import database_lock
from duanka.params import DetectParams
from duanka.private import owner_only
from duanka.settings import Settings


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def find_previous(settings: Settings, run: DetectRun) -> Previous | None:
    """The run an incremental run builds on, or None (and why, in the log): a full run."""
    previous, why = increment.previous_run(settings, run.params, steps.CALIBRATION, run.learned)
    if previous is None:
        get_run_logger().info("incremental run not possible (%s): running in full", why)
    return previous


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def project(settings: Settings) -> Projection:
    """The community graph, read from Neo4j."""
    return steps.project(settings)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def rescore_increment(settings: Settings, run: DetectRun, previous: Previous) -> Rescored | str:
    """The components rows and decisions since the previous run touched, re-scored; or why a full run is better."""
    return increment.rescore(settings, run, previous)


@task(cache_policy=NO_CACHE)
def find_communities(settings: Settings, run: DetectRun, projection: Projection, seeds: pd.Index) -> pd.Series:
    """Each node's community, by the run's engine; only the seeds' components are partitioned (the rest
    can hold no lead: steps.seeds)."""
    return steps.communities(settings, run, projection, seeds)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def read_graph(settings: Settings) -> tuple[Projection, Facts]:
    """The community graph, the fact tables and the evidence the graph holds, read from Neo4j together."""
    return steps.read_graph(settings)


@task(cache_policy=NO_CACHE)
def own_scores(facts: Facts, run: DetectRun) -> Suspicions:
    """Each entity's own score, role and reasons: what needs no communities."""
    return steps.suspicions(facts, run.params)


@task(cache_policy=NO_CACHE)
def score(facts: Facts, community: pd.Series, run: DetectRun, own: Suspicions) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scores, roles, reasons and clusters."""
    return steps.score(facts, community, run.params, ranker=run.ranker, own=own)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def score_in_turn(settings: Settings, run: DetectRun, timings: dict[str, float]) -> shards.Scored:
    """The community graph read, then facts, signals, communities and scores shard by shard in this
    process: a big graph's memory bounded by a shard's."""
    return shards.in_turn(settings, run, timings)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def score_on_dask(settings: Settings, run: DetectRun, projection: Projection) -> shards.Scored:
    """Facts, signals, communities and scores shard by shard on a Dask cluster (the configured one, or a
    local one for this run)."""
    with distributed.client() as dask:
        return distributed.score(settings, run, projection, dask)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def keep_the_rest(
    settings: Settings,
    previous: Previous,
    region: Region,
    entities: pd.DataFrame,
    clusters: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The previous run's results outside the region, merged with the region's new ones."""
    return increment.merge(entities, clusters, *increment.kept(settings, previous, region))


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def carry_cluster_ids(
    settings: Settings, entities: pd.DataFrame, clusters: pd.DataFrame, params: DetectParams
) -> tuple[pd.DataFrame, pd.DataFrame, list[Link]]:
    """Clusters named by a keyed digest of their members; those that keep most of the previous run's members
    keep its ids; splits and merges are recorded."""
    return steps.carry_cluster_ids(settings, entities, clusters, params)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def write_results(
    settings: Settings,
    run: DetectRun,
    entities: pd.DataFrame,
    clusters: pd.DataFrame,
    figures: dict[str, int],
    held: dict[str, int],
    lineage: list[Link],
    kept_for_next: dict[str, object],
) -> None:
    """MERGEs keyed by run and cluster id: a retry rewrites the same results."""
    steps.write_results(settings, run, entities, clusters, figures, held, lineage, kept_for_next)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def finish(settings: Settings, run: DetectRun, figures: dict[str, int], timings: dict[str, float]) -> None:
    """Mark the run completed: from now on it is the latest."""
    steps.finish(settings, run, figures, timings)


@flow(name="detect", log_prints=True)
def detect(
    engine: Engine = DetectParams.engine,
    resolution: float = DetectParams.resolution,
    seed: int = DetectParams.seed,
    min_score: float = DetectParams.min_score,
    incremental: bool = False,
    wait_for_lock: float = 600.0,
    executor: Executor = Executor.LOCAL,
) -> DetectResult:
    """Find supply-chain clusters in the loaded graph, score and explain them, write them back.

    `incremental`: re-score only the components rows loaded since the last run touched, and keep the
    rest of that run's results (the same leads a full run gives: duanka/detect/increment.py).
    `executor`: where a full run's heavy steps run — this process, or shards on a Dask cluster (the
    same leads: duanka/detect/distributed.py)."""
    owner_only()  # all it writes, and what its tasks and helpers write: 0600 / 0700
    settings = Settings.from_env()
    with database_lock(settings, "detect", wait=wait_for_lock):  # no load lands half-seen by a run
        params = DetectParams(Engine(engine), resolution, seed, min_score)
        run = DetectRun(params, ranker=learn.current(learn.folder(settings)))
        return _detect(settings, run, incremental, Executor(executor))


def _detect(settings: Settings, run: DetectRun, incremental: bool, executor: Executor) -> DetectResult:
    timings: dict[str, float] = {}
    previous = find_previous(settings, run) if incremental else None
    done = rescore_increment(settings, run, previous) if previous else None
    if isinstance(done, str):
        get_run_logger().info("running in full: %s, and a full run is quicker", done)
    if isinstance(done, Rescored) and previous is not None:
        timings |= done.timings
        with steps.timed(timings, "write_back"):
            entities, clusters, lineage = carry_cluster_ids(settings, done.entities, done.clusters, run.params)
            entities, clusters = keep_the_rest(settings, previous, done.region, entities, clusters)
            figures = run_figures(done.projection.size, entities, clusters, previous.run_id, len(done.region.keys))
            write_results(settings, run, entities, clusters, figures, done.evidence, lineage, done.kept_for_next)
        finish(settings, run, figures, timings)
        return _reported(settings, run, entities, clusters, timings, figures)
    if executor == Executor.DASK or (run.params.engine != Engine.GDS and shards.needed(settings)):
        if executor == Executor.DASK:
            with steps.timed(timings, "projection"):
                projection = project(settings)
            with steps.timed(timings, "shards"):
                sharded = score_on_dask(settings, run, projection)
            del projection
        else:
            sharded = score_in_turn(settings, run, timings)
        with steps.timed(timings, "write_back"):
            entities, clusters, lineage = carry_cluster_ids(settings, sharded.entities, sharded.clusters, run.params)
            figures = run_figures(sharded.graph, entities, clusters, executor=str(executor))
            figures |= {"shards": sharded.shards, "workers": sharded.workers}
            held, kept_for_next = sharded.shared.evidence, sharded.kept_for_next
            write_results(settings, run, entities, clusters, figures, held, lineage, kept_for_next)
    else:
        with steps.timed(timings, "reading"):  # the projection and the facts, read side by side
            projection, facts = read_graph(settings)
        with steps.timed(timings, "scoring"):
            own = own_scores(facts, run)
        with steps.timed(timings, "communities"):
            community = find_communities(settings, run, projection, steps.seeds(own.scored, run.params))
        graph = projection.size
        del projection  # ~1 GB at a million persons, not needed to score
        with steps.timed(timings, "scoring"):
            entities, clusters = score(facts, community, run, own)
        with steps.timed(timings, "write_back"):
            entities, clusters, lineage = carry_cluster_ids(settings, entities, clusters, run.params)
            figures = run_figures(graph, entities, clusters)
            kept_for_next = increment.for_next(entities, facts)
            write_results(settings, run, entities, clusters, figures, facts.evidence, lineage, kept_for_next)
    finish(settings, run, figures, timings)
    return _reported(settings, run, entities, clusters, timings, figures)


def _reported(
    settings: Settings,
    run: DetectRun,
    entities: pd.DataFrame,
    clusters: pd.DataFrame,
    timings: dict[str, float],
    figures: dict[str, int],
) -> DetectResult:
    """The run's result, logged and its top leads shown (masked: any local user can read artifacts) as an artifact."""
    result = DetectResult(run.run_id, run.params, entities, clusters, timings, figures)
    get_run_logger().info("run %s: %s; timings %s", run.run_id, figures, timings)
    create_table_artifact(
        key="detect-top-leads",
        description=f"Run {run.run_id}: the top suspected entities (suspicions, not determinations; masked)",
        table=top_leads(settings, result.leads.head(20)),
    )
    return result
