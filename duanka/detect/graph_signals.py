"""The graph features a learned ranking reads in a detection run and in `duanka train`: the same
structure and propagation as cross-validation measures (graph_features.py), from the call pairs and the
community graph the run reads anyway.

Propagation spreads investigators' decisions only (confirmed: fraud, dismissed: innocent), never a
score: a score is a suspicion, and spreading suspicions would let the rules lift their own neighbours.
It is cross-fitted (graph_features.cross_fitted), so a decided entity's own decision never reaches its
own row: what lifts an unconfirmed number is the confirmed numbers around it. The same decisions and
graph give the same features in training and in the runs that apply the model.
"""

from __future__ import annotations

import pandas as pd

from duanka.detect import graph_features
from duanka.detect.projection import Projection

SEED = 1  # the inner folds of the cross-fitting: the same in training and in every run
COLUMNS = (*graph_features.STRUCTURE, *graph_features.CALLS, *graph_features.PROPAGATION)


def decided(decisions: pd.DataFrame) -> pd.Series:
    """Investigators' latest decisions as labels: confirmed 1, dismissed 0 (under review: none)."""
    latest = decisions.drop_duplicates("entity", keep="last").set_index("entity")["status"]
    latest = latest[latest.isin(["confirmed", "dismissed"])]
    return (latest == "confirmed").astype(int).sort_index()


def graph_of(calls: pd.DataFrame, projection: Projection) -> graph_features.Graph:
    """The call pairs (detection's `targets` fact: every caller → callee) and the community graph as one."""
    links = (projection.keys[projection.sources], projection.keys[projection.targets])
    return graph_features.graph_of(calls, links)


def features(graph: graph_features.Graph, decisions: pd.DataFrame) -> pd.DataFrame:
    """Per node ("type:id"): where it sits in the graph, and how close to the decided entities (COLUMNS;
    absent, NaN, where the graph cannot say: no calls, nobody decided)."""
    out = graph_features.structure(graph).reindex(columns=list(COLUMNS[: -len(graph_features.PROPAGATION)]))
    spread = graph_features.cross_fitted(graph, decided(decisions), seed=SEED)
    return out.join(spread.reindex(out.index))


def reads_graph(columns: tuple[str, ...]) -> bool:
    """Whether a model with these feature columns needs the graph's features (and so the whole graph)."""
    return any(c in COLUMNS for c in columns)
