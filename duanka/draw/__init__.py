"""Pictures of a cluster as its supply chain: tiers left to right, victim reports as counts, ids as given.

The caller masks: nodes carry `kind` (person, sim…, report), `role` (a declared role key), `label`
(the id as it may be shown) and optionally `score`; edges may carry `label` (the relationship).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from duanka.draw.chain import plan
from duanka.draw.figure import render


def draw_subgraph(graph: nx.Graph, path: Path, title: str) -> Path:
    """A PNG of the cluster as a supply chain, upstream tiers on the left."""
    render(plan(graph), title).figure.savefig(path)
    return path
