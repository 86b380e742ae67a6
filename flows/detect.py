"""The `detect` flow: projection → communities → signals → scores → write-back."""

from __future__ import annotations

from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

import flows  # noqa: F401  (Prefect environment)
from duanka.detect.run import Detection, DetectParams, DetectResult, Projection, run_figures
from duanka.detect.signals import Facts
from duanka.errors import retry_if_transient
from duanka.settings import Settings


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def project(run: Detection) -> Projection:
    return run.project()


@task(cache_policy=NO_CACHE)
def find_communities(run: Detection, projection: Projection) -> pd.Series:
    return run.communities(projection)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def read_facts(run: Detection) -> Facts:
    return run.facts()


@task(cache_policy=NO_CACHE)
def score(run: Detection, facts: Facts, community: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    return run.score(facts, community)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def write_back(run: Detection, entities: pd.DataFrame, clusters: pd.DataFrame, figures: dict[str, int]) -> None:
    """MERGEs keyed by run and cluster id: a retry rewrites the same results."""
    run.write_back(entities, clusters, figures)


@flow(name="detect", log_prints=True)
def detect(engine: str = "igraph", resolution: float = 1.0, seed: int = 1, min_score: float = 0.35) -> dict[str, Any]:
    """Find supply-chain clusters in the loaded graph, score and explain them, write them back."""
    run = Detection(Settings.from_env(), DetectParams(engine, resolution, seed, min_score))
    projection = project(run)
    community = find_communities(run, projection)
    entities, clusters = score(run, read_facts(run), community)
    figures = run_figures(projection, entities, clusters)
    write_back(run, entities, clusters, figures)
    result = DetectResult(run.run_id, run.params, entities, clusters, dict(run.timings), figures)
    get_run_logger().info("run %s: %s; timings %s", run.run_id, figures, run.timings)
    top = result.leads.head(20)
    create_table_artifact(
        key="detect-top-leads",
        description=f"Run {run.run_id}: the top suspected entities (suspicions, not determinations)",
        table=[
            {
                "rank": i + 1,
                "type": r.entity_type,
                "id": r.entity_id,
                "role": r.role,
                "score": round(r.score, 3),
                "reasons": r.reasons_en,
            }
            for i, r in enumerate(top.itertuples())
        ],
    )
    return {"run_id": run.run_id, "figures": figures, "timings": run.timings}
