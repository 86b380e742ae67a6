"""Evidence from the call graph's shape alone: who called whom, without times, durations or holders.

Real operator data is often nothing more than caller→callee pairs, or their symmetric projection (two
numbers linked when both contacted a common number: every pair both ways). What such a graph still says:

* a number works a list when many of its callees never call it back, do not know each other (no links
  among them) and are shared with other numbers working the same list — a courier's recipients live in
  one district and call each other, a call centre's customers call back, a shop's customers are its own;
* a block of numbers linked far more densely than their degrees explain (FRAUDAR-style greedy peeling
  with each link weighted 1 / log(degree + 5), so links to a hotline or a busy shop count little),
  and the k-core a number sits in.

Pure functions on an edge frame (`caller`, `callee`), tested without Neo4j. Reciprocity is only read
where it can be seen: a callee who calls nobody in the extract (another operator's customer, a swept
number) can not be seen calling back, and in a symmetric projection every pair is "returned" by
construction, so there callbacks are unknown (NaN), never 0.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pandas as pd
from scipy import sparse

SYMMETRIC_FROM = 0.95  # an extract whose pairs are returned this often is a projection, not calls
WEIGHT_C = 5.0  # FRAUDAR's column weight 1 / log(degree + c) (Hooi et al. 2016)
MIN_BLOCK = 4  # a dense block needs at least this many numbers to be worth naming
MAX_BLOCKS = 12  # the peel is repeated this often, each time without the blocks already found

SHAPE_COLUMNS = (
    "out_degree",
    "in_degree",
    "answering",
    "called_back",
    "callee_links",
    "caller_links",
    "core",
    "block",
    "block_callers",
    "block_callees",
    "block_lift",
    "block_share",
    "symmetric",
)


def pairs(calls: pd.DataFrame) -> pd.DataFrame:
    """Distinct caller→callee pairs, self-calls and unknown ends dropped."""
    edges = calls[["caller", "callee"]].dropna().astype(str)
    edges = edges[edges["caller"] != edges["callee"]]
    return edges.drop_duplicates(ignore_index=True)


def returned_share(edges: pd.DataFrame) -> float:
    """The share of pairs whose reverse is also in the extract (1.0 for a symmetric projection)."""
    if edges.empty:
        return 0.0
    forward = pd.MultiIndex.from_frame(edges[["caller", "callee"]])
    backward = pd.MultiIndex.from_arrays([edges["callee"], edges["caller"]])
    return float(forward.isin(backward).mean())


def is_symmetric(edges: pd.DataFrame) -> bool:
    """Whether the extract is a symmetric projection, where 'called back' means nothing."""
    return len(edges) > 0 and returned_share(edges) >= SYMMETRIC_FROM


def call_shape(calls: pd.DataFrame) -> pd.DataFrame:
    """Per number in the call graph: degrees, callbacks where they can be seen, links among its callees,
    its k-core, and the dense block (if any) peeling put it in. Empty when no pairs arrived. In a symmetric
    projection callbacks, links among callees and blocks are unknown (NaN): not read there, not computed."""
    edges = pairs(calls)
    if edges.empty:
        return pd.DataFrame(columns=list(SHAPE_COLUMNS), index=pd.Index([], name="msisdn"))
    codes, names = pd.factorize(pd.concat([edges["caller"], edges["callee"]], ignore_index=True))
    n = len(names)
    src, dst = codes[: len(edges)], codes[len(edges) :]
    ones = np.ones(len(src), dtype=np.float64)
    out_adj = sparse.csr_matrix((ones, (src, dst)), shape=(n, n))
    undirected = ((out_adj + out_adj.T) > 0).astype(np.float64).tocsr()
    symmetric = is_symmetric(edges)

    out_degree = np.diff(out_adj.indptr)
    in_degree = np.diff(out_adj.tocsc().indptr)
    calls_anyone = (out_degree > 0).astype(np.float64)
    answering = out_adj @ calls_anyone  # callees that call someone: only they could be seen calling back
    called_back = np.asarray(out_adj.multiply(out_adj.T).sum(axis=1)).ravel()
    frame = pd.DataFrame(index=pd.Index(names.astype(str), name="msisdn"))
    frame["out_degree"] = out_degree.astype(int)
    frame["in_degree"] = in_degree.astype(int)
    frame["answering"] = answering.astype(int)
    frame["called_back"] = np.where(symmetric, np.nan, called_back)  # a projection returns every pair
    frame["core"] = core_numbers(undirected)
    if symmetric:  # links among callees and dense blocks are not read in a projection (score.sims): unknown
        frame[["callee_links", "caller_links", "block_lift", "block_share"]] = np.nan
        frame["block"], frame["block_callers"], frame["block_callees"] = -1, 0, 0
    else:
        # Links among a number's callees: ½ Σ_{v,w ∈ callees(u)} U[v, w] = ½ · rowsum((A U) ∘ A).
        frame["callee_links"] = np.asarray((out_adj @ undirected).multiply(out_adj).sum(axis=1)).ravel() / 2
        in_adj = out_adj.T.tocsr()  # not scored: a hotline's callers are as unrelated as a lure's
        frame["caller_links"] = np.asarray((in_adj @ undirected).multiply(in_adj).sum(axis=1)).ravel() / 2
        blocks = dense_blocks(src, dst, n, symmetric)
        frame["block"] = blocks["block"].to_numpy()
        frame["block_callers"] = blocks["callers"].to_numpy()
        frame["block_callees"] = blocks["callees"].to_numpy()
        frame["block_lift"] = blocks["lift"].to_numpy()
        frame["block_share"] = blocks["inside"].to_numpy()
    frame["symmetric"] = symmetric
    return frame


def strangers(shape: pd.DataFrame) -> np.ndarray:
    """How far each number's callees are strangers: the share of those who call anyone that never called it
    back, times the share of its callees with no link among them (a courier's recipients are neighbours)."""
    answering = shape["answering"].to_numpy(dtype=float)
    callees = shape["out_degree"].to_numpy(dtype=float)
    unanswered = 1 - np.where(
        answering > 0, shape["called_back"].fillna(0).to_numpy(float) / np.maximum(answering, 1), 0
    )
    linked = np.where(callees > 0, shape["callee_links"].fillna(0).to_numpy(float) / np.maximum(callees, 1), 0)
    return np.asarray(unanswered * np.clip(1 - linked, 0, 1), dtype=float)


def list_workers(
    shape: pd.DataFrame, answering: int, lift: float, callers: int, inside: float, from_share: float
) -> pd.Index:
    """Numbers whose calls say 'a ring working a list' on shape alone: in a dense block of callers, with at
    least `answering` callees seen calling anyone, almost none of whom call back or know each other."""
    seen = shape["called_back"].notna() & (shape["answering"] >= answering)
    blocked = (shape["block_lift"] >= lift) & (shape["block_callers"] >= callers) & (shape["block_share"] >= inside)
    return shape.index[seen & blocked & (strangers(shape) >= from_share)]


def on_list(calls: pd.DataFrame, workers: pd.Index) -> pd.DataFrame:
    """Per number that is not a worker: how many of its callees the workers called too (the list), and how
    many of those called it back. A ring's quiet cards make a call or two, to numbers on the ring's list;
    a target's friend calls the target among friends of its own, who call back."""
    edges = pairs(calls)
    listed = set(edges.loc[edges["caller"].isin(workers), "callee"])
    mine = edges[~edges["caller"].isin(workers) & edges["callee"].isin(listed)]
    back = pd.MultiIndex.from_frame(edges[["caller", "callee"]])
    returned = pd.MultiIndex.from_arrays([mine["callee"], mine["caller"]]).isin(back)
    out = pd.DataFrame(index=pd.Index(mine["caller"].unique(), name="msisdn"))
    out["listed"] = mine.groupby("caller").size()
    out["listed_back"] = pd.Series(returned, index=mine.index).groupby(mine["caller"]).sum()
    return out.astype(int)


def core_numbers(undirected: sparse.csr_matrix) -> np.ndarray:
    """Each node's k-core number (the largest k such that it lies in a subgraph of minimum degree k)."""
    import igraph as ig  # igraph is the community engine already; its coreness is C

    upper = sparse.triu(undirected, k=1).tocoo()
    graph = ig.Graph(n=undirected.shape[0], edges=np.column_stack([upper.row, upper.col]).tolist())
    return np.asarray(graph.coreness(), dtype=int)


def dense_blocks(src: np.ndarray, dst: np.ndarray, n: int, symmetric: bool, blocks: int = MAX_BLOCKS) -> pd.DataFrame:
    """Per number (0..n-1): the dense block greedy peeling found it calling in (-1: none), the block's callers
    and callees, its lift: the block's weighted density over that of the graph it was peeled from (the
    blocks found before it taken out), and `inside`: the share of the number's own (weighted) calls that
    land in the block. A busy caller whose round touches a ring's list by chance peels into the ring's
    block; most of a ring card's calls are the list's.

    Callers are rows and callees columns of one bipartite graph (a number can be both); each link weighs
    1 / log(callee's callers + c), so numbers sharing a hotline or a busy shop do not make a block. The
    peel removes the row or column with the least weighted degree until nothing is left and keeps the
    densest set seen (total weight / nodes): FRAUDAR's greedy, a 2-approximation of the densest block.
    It is repeated without the links of the numbers already placed, so a second and third ring are found
    too. In a projection each pair is one link between two members (its two directions are one contact).
    A number only called from a block (a ring's target) is not in it: the block is its callers.
    """
    if symmetric:
        keep = src < dst
        src, dst = src[keep], dst[keep]
    in_degree = np.bincount(dst, minlength=n) + (np.bincount(src, minlength=n) if symmetric else 0)
    weight = 1.0 / np.log(in_degree[dst] + WEIGHT_C)
    out = pd.DataFrame({"block": -1, "callers": 0, "callees": 0, "lift": 0.0, "inside": 0.0}, index=np.arange(n))
    own = np.bincount(src, weights=weight, minlength=n) + (
        np.bincount(dst, weights=weight, minlength=n) if symmetric else 0
    )
    live = np.ones(len(src), dtype=bool)
    found = 0
    for _ in range(blocks):
        rows, cols, _dense = _peel(src[live], dst[live], weight[live], n, symmetric)
        rest = _density(src[live], dst[live], weight[live], symmetric)  # the graph the block was peeled from
        if len(rows) < MIN_BLOCK or rest <= 0:
            break
        for part_rows, part_cols, dens in _components(src[live], dst[live], weight[live], rows, cols, n, symmetric):
            if len(part_rows) >= MIN_BLOCK:
                out.loc[part_rows, ["block", "callers", "callees", "lift"]] = [
                    found,
                    len(part_rows),
                    len(part_cols),
                    dens / rest,
                ]
                found += 1
        out.loc[rows, "inside"] = _inside(src, dst, weight, rows, cols, n, symmetric)[rows] / np.maximum(
            own[rows], 1e-12
        )
        placed = np.zeros(n, dtype=bool)
        placed[rows] = True
        live &= ~(placed[src] | (placed[dst] if symmetric else False))
    return out


def _inside(
    src: np.ndarray, dst: np.ndarray, weight: np.ndarray, rows: np.ndarray, cols: np.ndarray, n: int, symmetric: bool
) -> np.ndarray:
    """Per number, the weight of its calls that land inside the block (rows calling cols)."""
    in_rows, in_cols = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    in_rows[rows], in_cols[cols] = True, True
    inside = in_rows[src] & in_cols[dst]
    got = np.bincount(src[inside], weights=weight[inside], minlength=n)
    return got + (np.bincount(dst[inside], weights=weight[inside], minlength=n) if symmetric else 0)


def _components(
    src: np.ndarray, dst: np.ndarray, weight: np.ndarray, rows: np.ndarray, cols: np.ndarray, n: int, symmetric: bool
) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """A peeled set split into its connected parts, each with its own density: two rings of equal density
    working different lists peel as one set (the densest-block measure cannot tell them apart), and a call
    centre peeled beside a ring is not the ring."""
    from scipy.sparse.csgraph import connected_components

    in_rows, in_cols = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    in_rows[rows], in_cols[cols] = True, True
    inside = in_rows[src] & in_cols[dst]
    a, b, w = src[inside], dst[inside] + (0 if symmetric else n), weight[inside]
    nodes = n if symmetric else 2 * n
    graph = sparse.coo_matrix((np.ones(len(a)), (a, b)), shape=(nodes, nodes))
    _, label = connected_components(graph, directed=False)
    row_label, col_label = label[rows], label[cols + (0 if symmetric else n)]
    edge_label = label[a]
    parts = []
    for lab in np.unique(row_label):
        part_rows, part_cols = rows[row_label == lab], cols[col_label == lab]
        size = len(part_rows) if symmetric else len(part_rows) + len(part_cols)
        parts.append((part_rows, part_cols, float(w[edge_label == lab].sum()) / max(size, 1)))
    return parts


def _density(src: np.ndarray, dst: np.ndarray, weight: np.ndarray, symmetric: bool) -> float:
    """A graph's weight per node: the yardstick a block peeled from it is measured against."""
    nodes = len(np.unique(np.r_[src, dst])) if symmetric else len(np.unique(src)) + len(np.unique(dst))
    return float(weight.sum()) / max(nodes, 1)


def _peel(
    src: np.ndarray, dst: np.ndarray, weight: np.ndarray, n: int, symmetric: bool
) -> tuple[np.ndarray, np.ndarray, float]:
    """One greedy peel: the densest block's callers (rows), callees (columns) and density (weight per node)."""
    empty = np.array([], dtype=int)
    if len(src) == 0:
        return empty, empty, 0.0
    # Nodes: rows 0..n-1 (callers), columns n..2n-1 (callees); a projection has one node per number.
    a, b = (src, dst) if symmetric else (src, dst + n)
    nodes = n if symmetric else 2 * n
    degree = np.bincount(a, weights=weight, minlength=nodes) + np.bincount(b, weights=weight, minlength=nodes)
    ends, other, w = np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([weight, weight])
    order = np.argsort(ends, kind="stable")
    starts = np.searchsorted(ends[order], np.arange(nodes + 1))
    neighbours, weights = other[order].tolist(), w[order].tolist()
    present = np.bincount(ends, minlength=nodes) > 0
    alive = present.tolist()
    deg = degree.tolist()
    total, count = float(weight.sum()), int(present.sum())
    heap = [(deg[v], v) for v in np.flatnonzero(present).tolist()]
    heapq.heapify(heap)
    best, best_at, removed = total / count, 0, []
    bounds = starts.tolist()
    while heap:
        d, v = heapq.heappop(heap)
        if not alive[v] or d > deg[v] + 1e-12:
            continue
        alive[v] = False
        removed.append(v)
        for i in range(bounds[v], bounds[v + 1]):
            u = neighbours[i]
            if alive[u]:
                deg[u] -= weights[i]
                total -= weights[i]
                heapq.heappush(heap, (deg[u], u))
        count -= 1
        if count > 0 and total / count > best:
            best, best_at = total / count, len(removed)
    kept = np.setdiff1d(np.flatnonzero(present), np.asarray(removed[:best_at], dtype=int))
    if symmetric:
        return kept, kept, best if math.isfinite(best) else 0.0
    return kept[kept < n], kept[kept >= n] - n, best if math.isfinite(best) else 0.0
