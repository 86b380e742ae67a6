"""The community graph: holders, cards, accounts and devices as numbered nodes, joined by weighted edges.

Built from project_edges rows (reading.py reads them whole, incremental runs a region's); kept as Arrow
and numpy arrays, never frames of text, so a big graph's projection stays a few arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from duanka.detect.model import MODEL
from duanka.detect.resources import AGED
from duanka.entity_keys import arrow_entity_keys

# The community graph's queries' parameters (project_edges, region_edges, store/project_edges). A reseller
# registered this long before it resold a port is a business serving all comers: its resales would join the
# shops it serves to the rings it serves, so they join no community (a ring's young reseller still joins).
EDGE_PARAMS = {"established_s": AGED}


@dataclass
class Projection:
    keys: np.ndarray  # entity key ("type:id") per node
    sources: np.ndarray
    targets: np.ndarray
    weights: np.ndarray

    @property
    def size(self) -> tuple[int, int]:
        """Nodes and edges: what a Run records of the graph it read."""
        return len(self.keys), len(self.sources)


def projection_of(edges: pd.DataFrame | pa.Table) -> Projection:
    """The community graph of `edges` (project_edges.cypher's columns): nodes by key, edges weighted."""
    return projection_of_pages([edge_page(edges)])


def edge_page(edges: pd.DataFrame | pa.Table) -> pa.Table:
    """A page of project_edges rows as the projection needs them: each end's key and the edge's weight, in
    Arrow: a big graph's pages wait as two keys and a number, not five columns of text (at 1 M persons the
    projection phase's peak fell from 5.2 to 2.8 GB, docs/benchmarks.md)."""
    weight = pc.take(_WEIGHTS, pc.index_in(_text(edges["rel"]), value_set=_WEIGHTED))
    return pa.table(
        {
            "a": arrow_entity_keys(_text(edges["a_type"]), _text(edges["a"])),
            "b": arrow_entity_keys(_text(edges["b_type"]), _text(edges["b"])),
            "weight": pc.fill_null(weight, 1.0),
        }
    )


# The model's edge weights as Arrow arrays, made once: relationship type -> its weight (others weigh 1).
_WEIGHTED = pa.array(list(MODEL.edge_weights), pa.string())
_WEIGHTS = pa.array(list(MODEL.edge_weights.values()), pa.float64())


def _text(column: pd.Series | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    if isinstance(column, pa.ChunkedArray):  # the store's rows come as Arrow: no round trip through Python objects
        return pc.cast(column, pa.string())
    return pa.array(column.astype(str), pa.string())


def projection_of_pages(pages: list[pa.Table]) -> Projection:
    """The community graph of `edge_page` pages: nodes numbered in order of first appearance, ends joined."""
    edges = pa.concat_tables(pages)
    ends = pa.chunked_array([*edges["a"].chunks, *edges["b"].chunks], pa.string())
    codes, keys = pd.factorize(pd.Series(pd.arrays.ArrowExtensionArray(ends)))
    n = edges.num_rows
    weights = edges["weight"].to_numpy()
    return Projection(np.asarray(keys, dtype=object), codes[:n], codes[n:], weights)
