"""Graph features for the learned ranking: where an entity sits in the graph, and how close it sits to
entities already known to be fraud or innocent.

Computed from who called whom and from what ties holders, cards, accounts and devices (the community
projection) — never from times, durations or what an identifier looks like — so a bare directed call
graph, a symmetric projection and a pseudonymised extract give the same kind of features. Absent is not
zero: an extract without calls gives no call feature (NaN, which the trees read as "unknown"), a number
without callees has no reciprocity.

Two kinds. *Structure* (`structure`) needs no label. *Propagation* (`propagation`) spreads known labels
over the graph — personalised PageRank from the known fraud and from the known innocent — and is only
ever computed from a training set's labels. A labelled entity's own label must not feed its own feature
(it would learn "known fraud is near known fraud" from itself and find nothing at prediction time), so
the training rows' propagation is cross-fitted: each row's from the labels of the other inner folds
(`cross_fitted`).
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import numpy as np
import pandas as pd
from scipy import sparse

ALPHA = 0.85  # PageRank's damping: the chance a walk goes on rather than restarts at a known entity
STEPS = 40  # power iterations; the change per step shrinks by ALPHA, 0.85**40 < 0.002
INNER_FOLDS = 5  # cross-fitting of the training rows' propagation

STRUCTURE = ("graph.degree", "graph.core", "graph.density")
CALLS = ("calls.out", "calls.in", "calls.reciprocity", "calls.shared_callees", "calls.callers_per_callee")
PROPAGATION = (
    "known.fraud_neighbours", "known.innocent_neighbours", "known.ppr_fraud", "known.ppr_innocent", "known.ppr_share",
)  # fmt: skip


@dataclass(frozen=True)
class Graph:
    """The union of the call graph and the community projection, undirected, one node per "type:id"."""

    keys: pd.Index  # node number -> "type:id"
    adjacency: sparse.csr_matrix  # symmetric, 0/1, no self-loops
    calls: pd.DataFrame  # distinct directed call pairs as "sim:…" keys (caller, callee); empty: none arrived

    @property
    def has_calls(self) -> bool:
        """Whether the extract held any call at all (else every call feature is absent)."""
        return not self.calls.empty


def graph_of(calls: pd.DataFrame, links: tuple[np.ndarray, np.ndarray] | None = None) -> Graph:
    """`calls` (caller, callee: bare numbers) and `links` (two arrays of "type:id" keys, the projection's
    ends) as one undirected graph. Numbers that only appear in calls are nodes too: a callee of another
    operator is still a neighbour two fraud numbers share."""
    pairs = pd.DataFrame(
        {"caller": "sim:" + calls["caller"].astype(str), "callee": "sim:" + calls["callee"].astype(str)}
    )
    pairs = pairs[pairs["caller"] != pairs["callee"]].drop_duplicates(ignore_index=True)
    a_parts = [pairs["caller"].to_numpy(object)]
    b_parts = [pairs["callee"].to_numpy(object)]
    if links is not None:
        a_parts.append(np.asarray(links[0], dtype=object))
        b_parts.append(np.asarray(links[1], dtype=object))
    a, b = np.concatenate(a_parts), np.concatenate(b_parts)
    codes, keys = pd.factorize(np.concatenate([a, b]))
    n, m = len(keys), len(a)
    rows, cols = codes[:m], codes[m:]
    keep = rows != cols
    both = np.concatenate([rows[keep], cols[keep]]), np.concatenate([cols[keep], rows[keep]])
    adjacency = sparse.csr_matrix((np.ones(len(both[0])), both), shape=(n, n))
    adjacency.data[:] = 1.0  # a pair called both ways, or tied twice, is one neighbour
    return Graph(pd.Index(keys), adjacency, pairs)


def structure(graph: Graph) -> pd.DataFrame:
    """Per node: neighbours, core number and the density of its neighbourhood (the share of its neighbours'
    possible ties that exist: a block of cards working one list is dense, a courier's customers are not);
    per number, the call features (`call_features`)."""
    n = len(graph.keys)
    coo = sparse.triu(graph.adjacency, k=1).tocoo()
    g = ig.Graph(n=n, edges=np.column_stack([coo.row, coo.col]).tolist())
    out = pd.DataFrame(
        {
            "graph.degree": np.asarray(graph.adjacency.sum(axis=1)).ravel(),
            "graph.core": np.asarray(g.coreness(), dtype=float),
            "graph.density": np.asarray(g.transitivity_local_undirected(mode="nan"), dtype=float),
        },
        index=graph.keys,
    )
    return out.join(call_features(graph))


def call_features(graph: Graph) -> pd.DataFrame:
    """Per number on either end of a call: distinct callees and callers, the share of its callees that call
    it back (none for a number that called nobody), the share of its callees someone else called too (a
    ring's cards share one bought list of targets), and the mean callers of its callees. Empty (every call
    feature absent) when the extract held no calls."""
    if not graph.has_calls:
        return pd.DataFrame(columns=list(CALLS), dtype=float)
    pairs = graph.calls
    callers_of = pairs.groupby("callee")["caller"].size()
    out_degree = pairs.groupby("caller").size()
    in_degree = callers_of
    back = pairs.merge(pairs, left_on=["caller", "callee"], right_on=["callee", "caller"], suffixes=("", "_back"))
    reciprocated = back.groupby("caller").size()
    per_callee = pairs.assign(callers=pairs["callee"].map(callers_of).to_numpy())
    shared = per_callee.assign(shared=per_callee["callers"] > 1).groupby("caller")
    numbers = pd.Index(sorted(set(pairs["caller"]) | set(pairs["callee"])))
    out = pd.DataFrame(index=numbers)
    out["calls.out"] = out_degree.reindex(numbers).fillna(0.0).astype(float)
    out["calls.in"] = in_degree.reindex(numbers).fillna(0.0).astype(float)
    called = out["calls.out"] > 0
    out["calls.reciprocity"] = (reciprocated.reindex(numbers).fillna(0.0) / out["calls.out"]).where(called)
    out["calls.shared_callees"] = shared["shared"].mean().reindex(numbers).where(called)
    out["calls.callers_per_callee"] = shared["callers"].mean().reindex(numbers).where(called)
    return out


def propagation(graph: Graph, labels: pd.Series) -> pd.DataFrame:
    """Per node, from the labels given (1 fraud, 0 innocent; keys outside the graph are ignored): known
    fraud and known innocent neighbours, personalised PageRank from each set (scaled so that a uniform
    spread is 1), and the fraud share of the two. A kind of label nobody holds gives absent columns."""
    at = pd.Series(np.arange(len(graph.keys)), index=graph.keys)
    known = labels[labels.index.isin(graph.keys)]
    out = pd.DataFrame(index=graph.keys, columns=list(PROPAGATION), dtype=float)
    for label, name in ((1, "fraud"), (0, "innocent")):
        seeds = at[known.index[known == label]].to_numpy()
        if len(seeds) == 0:
            continue
        marked = np.zeros(len(graph.keys))
        marked[seeds] = 1.0
        out[f"known.{name}_neighbours"] = graph.adjacency @ marked
        out[f"known.ppr_{name}"] = personalised_pagerank(graph.adjacency, seeds) * len(graph.keys)
    total = out["known.ppr_fraud"] + out["known.ppr_innocent"]
    out["known.ppr_share"] = (out["known.ppr_fraud"] / total).where(total > 0)
    return out


def personalised_pagerank(adjacency: sparse.csr_matrix, seeds: np.ndarray) -> np.ndarray:
    """The stationary chance of a walk that restarts at a seed (uniformly) with chance 1 − ALPHA each step;
    a node with no neighbour restarts."""
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    inverse = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
    walk = sparse.diags(inverse) @ adjacency  # row-stochastic where a node has neighbours
    restart = np.zeros(adjacency.shape[0])
    restart[seeds] = 1.0 / len(seeds)
    rank = restart.copy()
    for _ in range(STEPS):
        stranded = rank[degree == 0].sum()
        rank = ALPHA * (walk.T @ rank) + ((1 - ALPHA) + ALPHA * stranded) * restart
    return rank


def cross_fitted(graph: Graph, labels: pd.Series, seed: int = 1, folds: int = INNER_FOLDS) -> pd.DataFrame:
    """Propagation features where no labelled entity's own label reaches its own row: each labelled row's
    from the labels of the other `folds` − 1 inner folds, every other row's from all of `labels`."""
    out = propagation(graph, labels)
    inner = stratified_parts(labels, folds, seed)
    for part in inner:
        held = part[part.isin(out.index)]
        if held.empty:
            continue
        out.loc[held] = propagation(graph, labels.drop(part)).loc[held].to_numpy()
    return out


def stratified_parts(labels: pd.Series, parts: int, seed: int) -> list[pd.Index]:
    """`labels`' keys dealt into `parts` groups at random (seeded), each label value spread evenly."""
    rng = np.random.default_rng(seed)
    dealt: list[list[str]] = [[] for _ in range(parts)]
    for value in sorted(labels.unique()):
        keys = np.asarray(sorted(labels.index[labels == value]), dtype=object)
        for i, key in enumerate(keys[rng.permutation(len(keys))]):
            dealt[i % parts].append(key)
    return [pd.Index(sorted(group), dtype=object) for group in dealt]
