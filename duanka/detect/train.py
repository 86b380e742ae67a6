"""`duanka train`: a learned ranking fitted on what the graph's investigators and victims said.

Labels: an entity an investigator confirmed is a member, one dismissed is not; one a victim report
names is a member unless dismissed (reports name the last hop, sometimes wrongly: a dismissal wins).
Everyone else is unlabelled; a random sample of them stands in as non-members, as rings are rare (well
under one entity in fifty on the evaluation worlds), weighed against the labels by the trees' class
balance. The signals and rule scores are those a full detection run computes on the same graph.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from duanka.detect import graph_signals, learn
from duanka.detect.job import DetectRun
from duanka.detect.partitions import community_of_nodes
from duanka.detect.ranking import rank_entities
from duanka.detect.reading import read_graph
from duanka.errors import DuankaError
from duanka.params import DetectParams
from duanka.settings import Settings

UNLABELLED_PER_LABEL = 20  # unlabelled entities sampled as non-members, per labelled member


def labels_from(scored: pd.DataFrame, seed: int = 1) -> pd.Series:
    """1 for confirmed or reported (and not dismissed), 0 for dismissed and for a sample of the rest."""
    decided = scored["decision"].fillna("")
    members = scored.index[(decided == "confirmed") | (scored["reported"] & (decided != "dismissed"))]
    dismissed = scored.index[decided == "dismissed"]
    rest = scored.index.difference(members).difference(dismissed)
    rng = np.random.default_rng(seed)
    sample = rest[rng.permutation(len(rest))[: UNLABELLED_PER_LABEL * max(len(members), 1)]]
    return pd.concat([pd.Series(1, index=members), pd.Series(0, index=dismissed.union(sample))]).sort_index()


def scored_with_features(
    settings: Settings, params: DetectParams = DetectParams(), graph: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What a full detection run computes on the graph (nothing written), and the learned ranking's features:
    the rules' signals and scores, and with `graph` the graph's (graph_signals.py), as a run applying it reads them."""
    wanted: dict[str, pd.DataFrame] = {}
    projection, facts = read_graph(settings)
    community = community_of_nodes(settings, DetectRun(params), projection)
    features = None
    if graph:
        features = graph_signals.features(graph_signals.graph_of(facts.targets, projection), facts.decisions)
    scored, _ = rank_entities(facts, community, params, features=wanted, graph=features)
    return scored, wanted["features"]


def train(
    settings: Settings, params: DetectParams = DetectParams(), blend: float = 0.5, graph: bool = True
) -> tuple[learn.Ranker, pd.Series]:
    """Fit a ranking on the graph's decisions and reports; save it as the one detection runs use. With `graph`
    it reads where each entity sits in the graph and how close to the confirmed ones (graph_signals.py)."""
    scored, wide = scored_with_features(settings, params, graph)
    labels = labels_from(scored)
    if labels.sum() == 0 or (labels == 0).sum() == 0:
        raise DuankaError(
            "Nothing to learn from: the graph holds no victim report or confirmed decision (members) or no "
            "other entities. Record decisions with `duanka decide`, load reports, then train."
        )
    held = f"{int(labels.sum())} members (confirmed or reported), {int((labels == 0).sum())} others"
    held += ", with graph features" if graph else ""
    ranker = learn.fit(wide, labels, f"{settings.connection.uri}: {held}", blend)
    learn.save(ranker, labels, learn.folder(settings))
    return ranker, labels
