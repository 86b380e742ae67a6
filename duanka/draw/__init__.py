"""Pictures of a cluster as its supply chain: tiers left to right, victim reports as counts, ids as given.

The caller masks: nodes carry `kind` (person, sim…, report), `role` (a declared role key), `label`
(the id as it may be shown) and optionally `score`; edges may carry `label` (the relationship).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from duanka.draw.chain import PER_TIER, plan
from duanka.draw.figure import render
from graphmodel.tiers import TIERS


def draw_subgraph(graph: nx.Graph, path: Path, title: str) -> Path:
    """A PNG of the cluster as a supply chain, upstream tiers on the left."""
    render(plan(graph), title).figure.savefig(path)
    return path


def reading_guide() -> str:
    """One line under a drawing saying how to read it, from the declared tiers."""
    chain = " → ".join(f"{t.zh} {t.en}" for t in TIERS)
    return (
        f"Read left to right as the trade runs: {chain}. Colour: the suspected role; red number: victim reports "
        f"naming a card or account; at most {PER_TIER} per tier are drawn, the rest counted on a “+N more” row "
        "(every member is in the case file)."
    )
