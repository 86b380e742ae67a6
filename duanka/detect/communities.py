"""Community detection engines over the projected graph, all seeded and deterministic.

`louvain` is the reference (python-louvain on networkx); `igraph` (multilevel)
and `leiden` (leidenalg) are the fast engines. Components smaller than
MIN_COMPONENT are clusters as they stand: splitting a household or a single
person's cards finds nothing. Larger components are partitioned by the engine,
each on its own, so a component's communities never depend on the rest of the graph.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import igraph as ig
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from duanka.detect.projection import Projection
from duanka.errors import DuankaError

MIN_COMPONENT = 12

Partitioner = Callable[[ig.Graph, float, int], list[int]]  # a graph, resolution, seed → membership


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


ENGINES: dict[str, Partitioner] = {"louvain": _louvain, "igraph": _igraph, "leiden": _leiden}


def partition(
    keys: np.ndarray,
    sources: np.ndarray,
    targets: np.ndarray,
    weights: np.ndarray,
    engine: str = "igraph",
    resolution: float = 1.0,
    seed: int = 1,
    scale: float = 1_000_000,
    seeds: np.ndarray | None = None,
) -> np.ndarray:
    """Each node's community, named by its smallest member key.

    Each connected component is partitioned on its own, its nodes and edges in key order, at `resolution`
    × its weight / `scale`: what modularity over a whole graph of weight `scale` asks of it. A component
    then gets the same communities whether the whole graph was read or only the part an increment
    touched (duanka/detect/increment.py), and whatever the size of the province around it.

    `seeds` (a mask over `keys`): seed and expand — only the components holding a seed are partitioned,
    the rest stay whole, as small ones do; a partitioned component's communities are the same either way.
    """
    if engine not in ENGINES:
        raise DuankaError(
            f"Unknown engine {engine!r}; choose one of {', '.join(ENGINES)}, or gds "
            "(inside Neo4j, where the Graph Data Science plugin is installed)"
        )
    keys = np.asarray(keys, dtype=object)
    order = np.argsort(keys, kind="stable")
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys))  # canonical numbering: by key, whatever order the rows came in
    lo, hi = np.minimum(rank[sources], rank[targets]), np.maximum(rank[sources], rank[targets])
    components = connected(len(keys), lo, hi)
    named = components.copy()  # a small component is one community as it stands
    sizes = np.bincount(components)
    large = sizes[components[lo]] >= MIN_COMPONENT
    if seeds is not None:
        seeded = np.zeros(len(keys), dtype=bool)
        seeded[components[rank[np.flatnonzero(seeds)]]] = True
        large &= seeded[components[lo]]
    edges = np.lexsort((weights[large], hi[large], lo[large], components[lo[large]]))
    e_lo, e_hi, e_w = lo[large][edges], hi[large][edges], weights[large][edges]
    e_comp = components[e_lo]
    bounds = np.flatnonzero(np.diff(e_comp)) + 1
    runs = zip(np.r_[0, bounds], np.r_[bounds, len(e_comp)], strict=True) if len(e_comp) else []
    for start, stop in runs:
        nodes = np.flatnonzero(components == e_comp[start])  # ascending: key order
        local = np.searchsorted(nodes, np.column_stack([e_lo[start:stop], e_hi[start:stop]]))
        g = ig.Graph(n=len(nodes), edges=local.tolist(), directed=False)
        g.es["weight"] = e_w[start:stop].tolist()
        weight = float(e_w[start:stop].sum())
        membership = np.asarray(ENGINES[engine](g, resolution * weight / scale, seed), dtype=np.int64)
        first = np.unique(membership, return_index=True)[1]  # each community's first (smallest) node
        named[nodes] = nodes[first[np.searchsorted(np.unique(membership), membership)]]
    return keys[order][named][rank]


def connected(n: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Each node's connected component, named by its smallest node (any numbering of the edges' ends).
    SciPy's, from the arrays as they are: igraph's needs the edges as a Python list (7× slower at 1 M nodes)."""
    adjacency = coo_matrix((np.ones(len(lo), dtype=bool), (lo, hi)), shape=(n, n))  # repeats: still True
    membership = connected_components(adjacency, directed=False)[1].astype(np.int64)
    smallest = np.full(membership.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(smallest, membership, np.arange(n))
    return smallest[membership]


def keep_small_components(proj: Projection, communities: np.ndarray) -> np.ndarray:
    """The same naming and small-component rule for communities found elsewhere (in Neo4j with GDS)."""
    keys = proj.keys
    order = np.argsort(keys, kind="stable")
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys))
    src, dst = rank[proj.sources], rank[proj.targets]
    components = connected(len(keys), np.minimum(src, dst), np.maximum(src, dst))
    found = np.empty(len(keys), dtype=np.int64)
    found[rank] = np.asarray(communities, dtype=np.int64)
    small = np.bincount(components)[components] < MIN_COMPONENT
    group = np.where(small, -1 - components, found)  # communities never span components anyway
    inverse = np.unique(group, return_inverse=True)[1]
    smallest = np.full(inverse.max() + 1 if len(keys) else 0, len(keys), dtype=np.int64)
    np.minimum.at(smallest, inverse, np.arange(len(keys)))
    return keys[order][smallest[inverse]][rank]
