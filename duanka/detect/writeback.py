"""What a detection run writes back: clusters under stable ids, leads, ranked entities, members, the Run.

The queries that write them are generated from graphmodel/schema.py (graphmodel/writeback.py), and every
row and the Run record are checked against what it declares detection writes (`written_by_detection`,
duanka/run_record.py), so a property written here and undeclared there (or the reverse) fails loudly
instead of reaching the graph unseen by its documentation and the queries that read it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from duanka import __version__, audit, db, queries
from duanka.detect import increment
from duanka.detect.job import DetectResult, DetectRun, Scored, timed
from duanka.detect.lineage import Link, carry_ids
from duanka.detect.model import MODEL
from duanka.detect.ranking import CALIBRATION, DECIMALS, ranked_clusters
from duanka.entity_keys import entity_keys
from duanka.errors import DuankaError
from duanka.keys import CLUSTER_IDS, digester
from duanka.params import DetectParams
from duanka.run_record import run_record
from duanka.settings import Settings
from graphmodel.schema import CLUSTER, SUSPECT, SUSPECT_LABELS, relationship
from graphmodel.writeback import ENTITY_ADDRESS  # which entity a row is about: the generated queries find it by it

ROLE_NODE_LABELS = sorted(set(SUSPECT_LABELS.values()) - {SUSPECT})
ENTITY_ROUTING = ("label", "lead", "ranked")  # which query writes a row, and the lead's role label


def written_by_detection(declared: Iterable[Any]) -> tuple[str, ...]:
    """The names of the declared properties detection writes, in declaration order."""
    return tuple(p.name for p in declared if p.by == "detect")


# What a run records of an entity on FLAGGED_IN (leads), RANKED_IN (below the lead line) and MEMBER_OF
# (cluster members: the same but the run's id, a parameter of the query).
ENTITY_PROPS = written_by_detection(relationship("FLAGGED_IN").props)
CLUSTER_PROPS = (
    CLUSTER.key,
    *written_by_detection(CLUSTER.props),
    *written_by_detection(relationship("FOUND_IN").props),
)


def check_declared(rows: list[dict[str, Any]], declared: Iterable[str], what: str) -> None:
    """Every row's fields are declared (`declared`, or how a row is addressed): else no write at all."""
    allowed = set(declared)
    undeclared = sorted({name for row in rows[:1] for name in row} - allowed)
    if undeclared:
        raise DuankaError(f"{what}: {', '.join(undeclared)} not declared in graphmodel/schema.py")


def write_back(settings: Settings, run: DetectRun, scored: Scored) -> DetectResult:
    """The run's results under their clusters' stable ids, with what an incremental run kept of the run it
    built on, written; the run's figures and timings (the write-back's own included)."""
    timings = dict(scored.timings)
    with timed(timings, "write_back"):
        entities, clusters, lineage = carry_cluster_ids(settings, scored.entities, scored.clusters, run.params)
        if scored.built_on is not None:
            entities, clusters = increment.with_kept_results(settings, scored.built_on, entities, clusters)
        figures = run_figures(scored, entities, clusters)
        write_results(settings, run, entities, clusters, figures, scored.evidence, lineage, scored.kept_for_next)
    return DetectResult(run.run_id, run.params, entities, clusters, timings, figures)


def run_figures(scored: Scored, entities: pd.DataFrame, clusters: pd.DataFrame) -> dict[str, Any]:
    """The sizes a Run records: graph nodes and edges read, clusters and leads, where it ran; for an
    incremental run, the run it built on and how many entities it re-scored; for a cut graph, its shards."""
    figures: dict[str, Any] = {
        "nodes": scored.graph[0],
        "edges": scored.graph[1],
        "clusters": len(clusters),
        "leads": int(entities["lead"].sum()),
        "ranked": int(_flag(entities, "ranked").sum()),  # with evidence, below the lead line
        "well_evidenced": int((entities["kinds"] >= 2).sum()),  # two kinds of evidence or more
        **{
            f"with_evidence_{t}": int(n)
            for t, n in entities.loc[entities["kinds"] > 0, "entity_type"].value_counts().items()
        },
        "scope": "full" if scored.built_on is None else "incremental",
        "scope_why": scored.scope_why,
        "executor": scored.executor,
        **(scored.read or {"read_from": "neo4j"}),
    }
    if scored.built_on is not None:
        figures |= {"built_on": scored.built_on.run_id, "rescored": len(scored.built_on.region.keys)}
    if scored.shards is not None:
        figures |= {"shards": scored.shards, "workers": scored.workers}
    return figures


def keyed_cluster_ids(
    entities: pd.DataFrame, clusters: pd.DataFrame, params: DetectParams
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Entities and clusters with each cluster named "C" + 12 hex of an HMAC, under the installation's key
    (keys.CLUSTER_IDS), of its members and the run's parameters: the same data and parameters give the
    same id on one installation, and without the key a masked list's small cluster cannot be brute-forced
    back to its members. Named here, on the driver, from the gathered members: Dask workers and shards
    never hold the key (their clusters go by their community's name until then)."""
    live = entities[entities["cluster_id"].notna()]
    members = live.index.to_series().groupby(live["cluster_id"]).agg(lambda keys: "|".join(sorted(keys)))
    named, digest = f"{params.engine}|{params.resolution}|{params.seed}|", digester(CLUSTER_IDS)
    ids = {found: "C" + digest(named + text)[:12] for found, text in members.items()}
    return (
        entities.assign(cluster_id=entities["cluster_id"].map(ids)),
        clusters.assign(cluster_id=clusters["cluster_id"].map(ids)),
    )


def carry_cluster_ids(
    settings: Settings, entities: pd.DataFrame, clusters: pd.DataFrame, params: DetectParams
) -> tuple[pd.DataFrame, pd.DataFrame, list[Link]]:
    """Entities and clusters under their keyed ids (`keyed_cluster_ids`), or the ids of the previous run's
    clusters they continue; and the lineage."""
    entities, clusters = keyed_cluster_ids(entities, clusters, params)
    with db.session(settings) as sess:
        before = queries.frame(sess, "detect/previous_members")
    members = entity_keys(before["entity_type"], before["entity_id"])
    old = members.groupby(before["cluster_id"]).agg(set).to_dict()
    live = entities[entities["cluster_id"].notna()]
    new = live.index.to_series().groupby(live["cluster_id"]).agg(set).to_dict()
    ids, links = carry_ids(new, old)
    entities = entities.assign(cluster_id=entities["cluster_id"].map(ids))
    clusters = ranked_clusters(clusters.assign(cluster_id=clusters["cluster_id"].map(ids)))
    return entities, clusters, links


def entity_rows(entities: pd.DataFrame) -> list[dict[str, Any]]:
    """A row per entity written (a lead, ranked below the line, or a cluster member), ranked from 1 in lead
    order: its address, routing and ENTITY_PROPS."""
    ranked = _flag(entities, "ranked")
    written = entities[entities["lead"] | ranked | entities["cluster_id"].notna()]
    rows = [
        {
            "type": r.entity_type,
            "id": r.entity_id,
            "rank": rank,
            "role": r.role,
            "label": SUSPECT_LABELS.get(r.role, SUSPECT),
            "score": round(float(r.score), DECIMALS),
            "rule_score": round(float(r.rule_score), DECIMALS),
            "cluster_id": r.cluster_id if isinstance(r.cluster_id, str) else None,
            "reasons": r.reasons_en,
            "reasons_zh": r.reasons_zh,
            "status": r.status,
            "priority": float(r.priority),
            "kinds": int(r.kinds),
            "lead": bool(r.lead),
            "ranked": bool(below),
        }
        for rank, (r, below) in enumerate(zip(written.itertuples(), ranked[written.index], strict=True), start=1)
    ]
    check_declared(rows, (*ENTITY_ADDRESS, *ENTITY_ROUTING, *ENTITY_PROPS), "a written entity")
    return rows


def write_results(
    settings: Settings,
    run: DetectRun,
    entities: pd.DataFrame,
    clusters: pd.DataFrame,
    figures: Mapping[str, Any],
    held: dict[str, int],
    lineage: list[Link] | None = None,
    kept_for_next: Mapping[str, Any] | None = None,
) -> None:
    """Clusters, memberships and leads, under a Run marked `writing`: MERGEs keyed by run and cluster id,
    so a retry rewrites the same results and a cut-off run is never the latest.

    Every lead and cluster member is written with what the next incremental run needs to keep it, and
    the Run with `kept_for_next` (increment.for_next)."""
    record = run_record(
        run_id=run.run_id,
        kind="detect",
        status="writing",
        version=__version__,
        model_version=MODEL.version,
        calibration=CALIBRATION.fitted_on if CALIBRATION is not None else "none",
        learned=run.learned,
        started_at=run.started_at,
        evidence_json=json.dumps(held),
        keeps_increments=True,
        **{f"{name}_json": json.dumps(value) for name, value in (kept_for_next or {}).items()},
        **run.params.as_dict(),
        **figures,
    )
    rows = entity_rows(entities)
    lead_rows = [row for row in rows if row["lead"]]
    ranked_rows = [row for row in rows if row["ranked"]]
    member_rows = [row for row in rows if row["cluster_id"] is not None]
    cluster_rows = clusters.drop(columns=["community"], errors="ignore").to_dict("records")
    check_declared(cluster_rows, CLUSTER_PROPS, "a written cluster")
    lineage_rows = [asdict(link) for link in lineage or []]
    check_declared(lineage_rows, ("cluster_id", "parent_id", *relationship("DERIVED_FROM").names()), "lineage")
    with db.session(settings) as sess:
        db.run(sess, queries.load("pipeline/write_run"), run=record)
        for batch in _batches(cluster_rows):
            db.run(sess, queries.load("detect/write_clusters"), run_id=run.run_id, rows=batch)
        for batch in _batches(lineage_rows):
            db.run(sess, queries.load("detect/write_lineage"), run_id=run.run_id, rows=batch)
        for batch in _batches(member_rows):
            db.run(sess, queries.load("detect/write_members"), run_id=run.run_id, rows=batch)
        for batch in _batches(lead_rows):
            db.run(
                sess, queries.load("detect/write_leads"), run_id=run.run_id, rows=batch, role_labels=ROLE_NODE_LABELS
            )
        for batch in _batches(ranked_rows):
            db.run(sess, queries.load("detect/write_ranked"), run_id=run.run_id, rows=batch)
        db.run(sess, queries.load("detect/clear_stale"), run_id=run.run_id, role_labels=ROLE_NODE_LABELS)


def _flag(entities: pd.DataFrame, column: str) -> pd.Series:
    """A yes/no column of the entities, no where absent (results kept from a run that did not write it)."""
    if column not in entities:
        return pd.Series(False, index=entities.index)
    return entities[column].fillna(False).astype(bool)


def finish(settings: Settings, run: DetectRun, result: DetectResult) -> None:
    """Mark the run completed, with its timings: from now on it is the latest."""
    finished = run_record(
        run_id=run.run_id,
        status="completed",
        finished_at=datetime.now(UTC).isoformat(),
        **{f"seconds_{k}": v for k, v in result.timings.items()},
    )
    with db.session(settings) as sess:
        db.run(sess, queries.load("pipeline/write_run"), run=finished)
    details: dict[str, Any] = {"run_id": run.run_id, "version": __version__, **run.params.as_dict(), **result.figures}
    audit.append(settings, "detect", **details)


def _batches(rows: list[dict[str, Any]], size: int = 5000) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]
