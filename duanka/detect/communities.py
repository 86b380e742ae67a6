"""Community detection engines over the projected graph, all seeded and deterministic.

`louvain` is the reference (python-louvain on networkx); `igraph` (multilevel)
and `leiden` (leidenalg) are the fast engines. Components smaller than
MIN_COMPONENT are clusters as they stand: splitting a household or a single
person's cards finds nothing. Larger components are partitioned by the engine.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import igraph as ig
import numpy as np

from duanka.errors import DuankaError

MIN_COMPONENT = 12

Engine = Callable[[ig.Graph, float, int], list[int]]


def _louvain(g: ig.Graph, resolution: float, seed: int) -> list[int]:
    import community as community_louvain
    import networkx as nx

    nxg = nx.Graph()
    nxg.add_nodes_from(range(g.vcount()))
    nxg.add_weighted_edges_from((e.source, e.target, e["weight"]) for e in g.es)
    part = community_louvain.best_partition(nxg, weight="weight", resolution=resolution, random_state=seed)
    return [part[i] for i in range(g.vcount())]


def _igraph(g: ig.Graph, resolution: float, seed: int) -> list[int]:
    random.seed(seed)  # igraph draws from Python's random module
    return g.community_multilevel(weights="weight", resolution=resolution).membership


def _leiden(g: ig.Graph, resolution: float, seed: int) -> list[int]:
    import leidenalg

    part = leidenalg.find_partition(
        g, leidenalg.RBConfigurationVertexPartition, weights="weight", resolution_parameter=resolution, seed=seed
    )
    return part.membership


ENGINES: dict[str, Engine] = {"louvain": _louvain, "igraph": _igraph, "leiden": _leiden}


def partition(
    n: int,
    sources: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray,
    engine: str = "igraph",
    resolution: float = 1.0,
    seed: int = 1,
) -> np.ndarray:
    """A community number for each of `n` nodes (numbers are unique across components)."""
    if engine not in ENGINES:
        raise DuankaError(
            f"Unknown engine {engine!r}; choose one of {', '.join(ENGINES)}, or gds "
            "(inside Neo4j, where the Graph Data Science plugin is installed)"
        )
    g = _graph(n, sources, targets, weights)
    communities = np.asarray(ENGINES[engine](g, resolution, seed), dtype=np.int64)
    return _whole_small_components(g, communities)


def _graph(n: int, sources: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> ig.Graph:
    g = ig.Graph(n=n, edges=np.column_stack([sources, targets]).tolist(), directed=False)
    g.es["weight"] = weights.tolist()
    return g


def keep_small_components(proj: object, communities: np.ndarray) -> np.ndarray:
    """The same post-processing for communities found elsewhere (in Neo4j with GDS)."""
    g = _graph(len(proj.keys), proj.sources, proj.targets, proj.weights)  # type: ignore[attr-defined]
    return _whole_small_components(g, np.asarray(communities, dtype=np.int64))


def _whole_small_components(g: ig.Graph, communities: np.ndarray) -> np.ndarray:
    components = np.asarray(g.connected_components().membership, dtype=np.int64)
    small = np.bincount(components)[components] < MIN_COMPONENT
    # A small component is one cluster as it stands; communities never span components anyway.
    labels = np.where(small, components, communities + components.max() + 1)
    _, dense = np.unique(labels, return_inverse=True)
    return dense
