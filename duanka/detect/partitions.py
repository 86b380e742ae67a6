"""Each node's community, by the run's engine: in this process (communities.py) or inside Neo4j (GDS)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from duanka import db, queries
from duanka.choices import Engine
from duanka.detect.communities import keep_small_components, partition
from duanka.detect.job import DetectRun
from duanka.detect.model import MODEL
from duanka.detect.projection import Projection
from duanka.errors import DuankaError
from duanka.settings import Settings


def community_of_nodes(
    settings: Settings, run: DetectRun, proj: Projection, seeds: pd.Index | None = None
) -> pd.Series:
    """Each projected node's community, by the run's engine (seeded: the same data give the same answer);
    with `seeds` (keys), only their components are partitioned (communities.partition)."""
    if run.params.engine == Engine.GDS:
        return pd.Series(_communities_in_neo4j(settings, run, proj), index=proj.keys, name="community")
    return community_here(run, proj, seeds)


def community_here(run: DetectRun, proj: Projection, seeds: pd.Index | None = None) -> pd.Series:
    """Each projected node's community, found in this process by the run's engine (not gds)."""
    p = run.params
    mask = None if seeds is None else np.asarray(pd.Index(proj.keys).isin(seeds))
    graph = (proj.keys, proj.sources, proj.targets, proj.weights)
    membership = partition(*graph, p.engine, p.resolution, p.seed, MODEL.community_scale, seeds=mask)
    return pd.Series(membership, index=proj.keys, name="community")


def _communities_in_neo4j(settings: Settings, run: DetectRun, proj: Projection) -> np.ndarray:
    """Leiden inside Neo4j (Graph Data Science plugin), seeded; small components stay whole as elsewhere."""
    graph = f"duanka-{run.run_id}"
    with db.session(settings) as sess:
        if not db.read(sess, queries.load("detect/gds_available"))[0]["available"]:
            raise DuankaError(
                f"Engine 'gds' is unavailable: the Neo4j at {settings.connection.uri} has no "
                "Graph Data Science plugin. Use --engine igraph (default), leiden or louvain, or see "
                "docs/deployment.md for a server with GDS."
            )
        db.run(sess, queries.load("detect/gds_project"), graph=graph, weights=MODEL.edge_weights)
        try:
            rows = queries.frame(
                sess,
                "detect/gds_communities",
                graph=graph,
                algorithm="leiden",
                resolution=run.params.resolution,
                seed=run.params.seed,
            )
        finally:
            db.run(sess, queries.load("detect/gds_drop"), graph=graph)
    found = rows.set_index("key")["community"].reindex(proj.keys).fillna(-1).to_numpy()
    return keep_small_components(proj, found)
