"""Cross-validated evaluation: how well the rules alone, and a ranking learned from some labels, find the
labelled entities they were not shown.

Labels come from a truth file (a planted world's, or a case team's outcomes) or from investigators'
decisions in the graph. Each fold trains on part of the labelled entities and is measured on the rest
only: AUC, precision at k and at R (R: the members among the held-out). The rules' order comes from a
scoring of the graph with every decision left out, so no label — the held-out fold's included — reaches
a rule score, a cluster's bonus or a propagated feature (graph_features.py: propagation is computed
from the fold's training labels alone, and cross-fitted for the training rows themselves).

Two protocols: K-fold (`known` None: train on K − 1 parts, measure on the one left out) and "a share
known" (`known` 0.2: K seeded draws, each training on 20 % of the labelled entities, stratified, and
measuring on the other 80 %). Entities are drawn one by one, not by ring: a case team that confirmed
some numbers of a ring asks for the rest, and that is the case propagation serves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from duanka.detect import graph_features, graph_signals, learn
from duanka.detect.evaluate import Truth
from duanka.params import DetectParams
from duanka.settings import Settings

KS = (10, 100)
BLENDS = (0.5, 1.0)
NO_DECISIONS = pd.DataFrame(columns=["entity", "status", "score_then", "reported_then", "by", "at"])
Ranking = Callable[[pd.DataFrame, learn.Ranker | None, pd.DataFrame | None], pd.Index]


@dataclass(frozen=True)
class Scored:
    """What every fold reads of one graph: the rules' scored entities in lead order (no decision applied),
    the signals the learned ranking reads (learn.features), and the graph its structure comes from."""

    entities: pd.DataFrame
    wide: pd.DataFrame
    graph: graph_features.Graph


def labels_from_truth(truth: Truth, universe: pd.Index, complete: bool) -> pd.Series:
    """1 for a truth's members, 0 for its negatives; with `complete` (a planted world's truth, which names
    every member) every other entity of `universe` too. Only entities of `universe` (those scored)."""
    members = universe[universe.isin(list(truth.roles))]
    negatives = universe[universe.isin(list(truth.negatives))] if not complete else universe.difference(members)
    return pd.concat([pd.Series(1, index=members), pd.Series(0, index=negatives.difference(members))]).sort_index()


def labels_from_decisions(decisions: pd.DataFrame, universe: pd.Index) -> pd.Series:
    """Investigators' latest decisions as labels: confirmed 1, dismissed 0 (under review: none)."""
    latest = decisions.drop_duplicates("entity", keep="last").set_index("entity")["status"]
    latest = latest[latest.index.isin(universe) & latest.isin(["confirmed", "dismissed"])]
    return (latest == "confirmed").astype(int).sort_index()


def splits(labels: pd.Series, folds: int, known: float | None, seed: int) -> list[tuple[pd.Index, pd.Index]]:
    """(training keys, held-out keys) per fold, stratified by label and the same for the same seed."""
    if folds < 2:
        raise ValueError("cross-validation needs at least two folds")
    if labels.nunique() < 2 or labels.value_counts().min() < 2:
        raise ValueError("cross-validation needs at least two labelled members and two labelled non-members")
    if known is None:
        parts = graph_features.stratified_parts(labels, folds, seed)
        return [(labels.index.difference(part), part) for part in parts]
    if not 0 < known < 1:
        raise ValueError("the share of labels known must be between 0 and 1")
    out = []
    for fold in range(folds):
        rng = np.random.default_rng([seed, fold])
        train: list[str] = []
        for value in sorted(labels.unique()):
            keys = np.asarray(sorted(labels.index[labels == value]), dtype=object)
            take = max(1, round(known * len(keys)))
            train.extend(keys[rng.permutation(len(keys))[:take]])
        chosen = pd.Index(sorted(train), dtype=object)
        out.append((chosen, labels.index.difference(chosen)))
    return out


def figures(order: pd.Index, positives: set[str], ks: tuple[int, ...] = KS) -> dict[str, float | None]:
    """AUC (the chance a held-out member is ranked above a held-out non-member), precision at each k and at
    R (R: the members in `order`) of a ranking restricted to the held-out entities, best first."""
    hit = np.asarray(order.isin(list(positives)), dtype=bool)
    r, n = int(hit.sum()), len(hit)
    out: dict[str, float | None] = {}
    below = np.cumsum(~hit[::-1])[::-1]  # non-members at or below each place; a member's own place is not one
    out["auc"] = round(float(below[hit].sum()) / (r * (n - r)), 4) if 0 < r < n else None
    for k in ks:
        out[f"p@{k}"] = round(float(hit[:k].sum()) / k, 3) if n >= k else None
    out["p@R"] = round(float(hit[:r].sum()) / r, 3) if r else None
    return out


def cross_validate(
    scored: Scored,
    labels: pd.Series,
    folds: int = 5,
    known: float | None = None,
    seed: int = 1,
    blends: tuple[float, ...] = BLENDS,
    ranking: Ranking | None = None,
    learner: Callable[[int], learn.Classifier] = learn.trees,
) -> pd.DataFrame:
    """One row per fold and method: the rules' own order, the learned ranking on the rules' signals (as
    `duanka train` fits it) and on the signals with the graph features, at each blend; each measured on
    the fold's held-out labelled entities only."""
    ranking = ranking or lead_order
    structure = graph_features.structure(scored.graph)
    base = scored.wide.join(structure.reindex(scored.wide.index))
    rows = []
    for fold, (train, held) in enumerate(splits(labels, folds, known, seed), start=1):
        known_labels = labels[train]
        positives = set(held[labels[held] == 1])
        head = {"fold": fold, "trained on": len(train), "members known": int(known_labels.sum()), "held out": len(held)}
        rules = ranking(scored.entities, None, None)
        rows.append({**head, "method": "rules", **figures(rules[rules.isin(held)], positives)})
        spread = graph_features.cross_fitted(scored.graph, known_labels, seed=seed + fold)
        with_graph = base.join(spread.reindex(base.index))
        for name, wide in (("learned", scored.wide), ("learned + graph", with_graph)):
            ranker = learn.fit(wide, known_labels, f"fold {fold}", seed=seed, learner=learner)
            for blend in blends:
                order = ranking(scored.entities, replace(ranker, blend=blend), wide)
                rows.append({**head, "method": f"{name}, blend {blend}", **figures(order[order.isin(held)], positives)})
    return pd.DataFrame(rows)


def lead_order(entities: pd.DataFrame, ranker: learn.Ranker | None, wide: pd.DataFrame | None) -> pd.Index:
    """The order a detection run gives (ranking.ranked_entities), with the learned ranking blended in when one is given."""
    from duanka.detect.ranking import ranked_entities  # the detection step itself: the order measured is shipped

    if ranker is None:
        return entities.index
    return ranked_entities(entities.copy(), NO_DECISIONS, DetectParams(), ranker, wide).index


COUNTS = ("trained on", "members known", "held out")


def means(table: pd.DataFrame) -> pd.DataFrame:
    """Per method, the mean of each figure over the folds (in the order the methods first appear)."""
    measured = [c for c in table.columns if c not in ("fold", "method", *COUNTS)]
    out = table.groupby("method", sort=False)[measured].mean().round(3).reset_index()
    return out.assign(folds=int(table["fold"].nunique()))


def sizes(table: pd.DataFrame) -> str:
    """What each fold trained on and was measured on, in words (the mean over the folds)."""
    n = table.groupby("fold")[list(COUNTS)].first().mean().round().astype(int)
    return f"each fold trained on {n['trained on']:,} labelled ({n['members known']:,} members), held out {n['held out']:,}"


def read(settings: Settings, params: DetectParams = DetectParams()) -> tuple[Scored, pd.DataFrame]:
    """The graph in the database scored as a full detection run scores it (nothing written), with every
    investigator's decision left out of the scoring; and those decisions, as labels may come from them."""
    from duanka.detect import signals
    from duanka.detect.job import DetectRun
    from duanka.detect.partitions import community_of_nodes
    from duanka.detect.ranking import rank_entities
    from duanka.detect.reading import read_graph

    projection, facts = read_graph(settings)
    decisions = facts.decisions
    blind = replace(facts, decisions=signals.typed("decisions"))
    wanted: dict[str, pd.DataFrame] = {}
    entities, _ = rank_entities(
        blind, community_of_nodes(settings, DetectRun(params), projection), params, features=wanted
    )
    return Scored(entities, wanted["features"], graph_signals.graph_of(facts.targets, projection)), decisions
