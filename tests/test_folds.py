"""Cross-validated evaluation and the graph features of the learned ranking: folds that are the same for
the same seed, figures that agree with their definitions, no held-out label in any feature, and graph
features that let a few known numbers find their ring-mates where the rules' score cannot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from duanka import db
from duanka.detect import folds, graph_features, learn
from duanka.detect.evaluate import Truth
from duanka.settings import Settings


def _calls(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["caller", "callee"])


def test_figures_follow_their_definitions() -> None:
    rng = np.random.default_rng(4)
    keys = pd.Index([f"sim:{i}" for i in range(300)])
    members = set(keys[rng.random(300) < 0.2])
    scores = pd.Series(rng.random(300) + keys.isin(list(members)) * 0.5, index=keys)
    order = scores.sort_values(ascending=False).index
    got = folds.figures(order, members, ks=(10, 100))
    expected_auc = roc_auc_score(order.isin(list(members)), scores[order])
    assert got["auc"] == pytest.approx(expected_auc, abs=1e-4)
    r = len(members)
    assert got["p@R"] == pytest.approx(len(set(order[:r]) & members) / r, abs=1e-3)
    assert got["p@10"] == pytest.approx(len(set(order[:10]) & members) / 10, abs=1e-3)
    perfect = folds.figures(pd.Index([*sorted(members), *sorted(set(keys) - members)]), members)
    assert perfect["auc"] == 1.0 and perfect["p@R"] == 1.0
    assert folds.figures(order[:5], members)["p@10"] is None, "no precision at 10 of five entities"


def test_folds_are_stratified_disjoint_and_the_same_for_the_same_seed() -> None:
    labels = pd.Series([1] * 40 + [0] * 960, index=[f"sim:{i:04d}" for i in range(1000)])
    kfold = folds.splits(labels, 5, None, seed=7)
    held = [h for _, h in kfold]
    assert sorted(k for h in held for k in h) == sorted(labels.index), "each labelled entity held out once"
    for train, out in kfold:
        assert not set(train) & set(out) and len(train) + len(out) == 1000
        assert labels[out].sum() == 8, "members spread evenly over the folds"
    share = folds.splits(labels, 3, 0.2, seed=7)
    for train, out in share:
        assert labels[train].sum() == 8 and len(train) == 200 and len(out) == 800
    again = folds.splits(labels, 3, 0.2, seed=7)
    assert all(a[0].equals(b[0]) for a, b in zip(share, again, strict=True))
    assert not folds.splits(labels, 3, 0.2, seed=8)[0][0].equals(share[0][0])
    assert not share[0][0].equals(share[1][0]), "each draw its own"
    with pytest.raises(ValueError, match="two labelled members"):
        folds.splits(labels.iloc[39:], 5, None, seed=1)


def test_labels_from_a_truth_and_from_decisions() -> None:
    universe = pd.Index(["sim:1", "sim:2", "sim:3", "device:9"])
    planted = Truth({"sim:1": "fraud_sim", "sim:7": "fraud_sim"}, {"sim:1": "R", "sim:7": "R"}, {"sim:3"})
    complete = folds.labels_from_truth(
        Truth(planted.roles, planted.rings, planted.negatives, complete=True), universe, True
    )
    assert complete.to_dict() == {"device:9": 0, "sim:1": 1, "sim:2": 0, "sim:3": 0}, "unscored sim:7 left out"
    assert folds.labels_from_truth(planted, universe, False).to_dict() == {"sim:1": 1, "sim:3": 0}
    decisions = pd.DataFrame(
        {
            "entity": ["sim:1", "sim:2", "sim:2", "sim:3"],
            "status": ["confirmed", "confirmed", "dismissed", "under_review"],
        }
    )
    assert folds.labels_from_decisions(decisions, universe).to_dict() == {"sim:1": 1, "sim:2": 0}, "the latest counts"


def test_a_bare_call_graph_gives_call_features_and_absent_ones_stay_absent() -> None:
    graph = graph_features.graph_of(
        _calls([("a", "v1"), ("a", "v2"), ("b", "v1"), ("b", "v2"), ("c", "d"), ("d", "c"), ("e", "f")])
    )
    got = graph_features.structure(graph)
    assert got.loc["sim:a", "calls.shared_callees"] == 1.0 and got.loc["sim:e", "calls.shared_callees"] == 0.0
    assert got.loc["sim:c", "calls.reciprocity"] == 1.0 and got.loc["sim:a", "calls.reciprocity"] == 0.0
    assert np.isnan(got.loc["sim:v1", "calls.reciprocity"]), "a number that called nobody has no reciprocity"
    assert got.loc["sim:v1", "calls.in"] == 2 and got.loc["sim:a", "calls.out"] == 2
    assert got.loc["sim:a", "graph.core"] == 2 and got.loc["sim:e", "graph.core"] == 1
    assert np.isnan(got.loc["sim:e", "graph.density"]), "one neighbour: no neighbourhood to be dense"
    handsets = graph_features.graph_of(_calls([]), (np.array(["sim:x", "sim:y"]), np.array(["device:h", "device:h"])))
    quiet = graph_features.structure(handsets)
    assert quiet.loc["device:h", "graph.degree"] == 2
    assert quiet[list(graph_features.CALLS)].isna().all().all(), "no calls arrived: no call feature, not 0"


def test_known_fraud_lifts_its_neighbours_and_no_label_reaches_its_own_row() -> None:
    graph = graph_features.graph_of(
        _calls([("f1", "n1"), ("n1", "n2"), ("n2", "n3"), ("n3", "far"), ("i1", "m1"), ("solo", "mate")])
    )
    labels = pd.Series({"sim:f1": 1, "sim:i1": 0, "sim:solo": 1, "sim:m1": 0})
    spread = graph_features.propagation(graph, labels)
    assert spread.loc["sim:n1", "known.ppr_fraud"] > spread.loc["sim:n3", "known.ppr_fraud"] > 0
    assert spread.loc["sim:n1", "known.fraud_neighbours"] == 1 and spread.loc["sim:m1", "known.fraud_neighbours"] == 0
    assert spread.loc["sim:n1", "known.ppr_share"] == 1.0 and spread.loc["sim:m1", "known.ppr_share"] == 0.0
    crossed = graph_features.cross_fitted(graph, labels, seed=3, folds=2)
    # `solo` is the only label in its component: cross-fitted, nothing known reaches it, not even itself
    assert crossed.loc["sim:solo", "known.ppr_fraud"] == 0 and crossed.loc["sim:solo", "known.fraud_neighbours"] == 0
    assert crossed.loc["sim:mate", "known.fraud_neighbours"] == 1, "an unlabelled row sees every label"
    assert spread.loc["sim:solo", "known.ppr_fraud"] > 0, "uncrossed, its own label would have"


def _ring_world(
    seed: int = 1, rings: int = 8, ring_size: int = 12, people: int = 1500
) -> tuple[folds.Scored, pd.Series]:
    """Numbers only: each ring's cards work one list of targets and never hear back; ordinary people call
    friends who call back. The rules' score is noise plus a weak hint, so only the graph tells rings apart."""
    rng = np.random.default_rng(seed)
    pairs: list[tuple[str, str]] = []
    members: list[str] = []
    for r in range(rings):
        cards = [f"r{r}c{i}" for i in range(ring_size)]
        targets = [f"r{r}t{i}" for i in range(40)]
        members += cards
        for card in cards:
            pairs += [(card, t) for t in rng.choice(targets, 12, replace=False)]
    for p in range(people):
        for friend in rng.choice(people, 4, replace=False):
            pairs += [(f"p{p}", f"p{friend}"), (f"p{friend}", f"p{p}")]
    graph = graph_features.graph_of(_calls(pairs))
    numbers = graph.keys
    truth = pd.Series(numbers.isin([f"sim:{m}" for m in members]).astype(int), index=numbers)
    rule = pd.Series(rng.random(len(numbers)) + 0.15 * truth, index=numbers)
    entities = pd.DataFrame({"score": rule}).sort_values("score", ascending=False)
    wide = pd.DataFrame({"own_score": rule, "type": 3.0}, index=numbers)
    return folds.Scored(entities, wide, graph), truth


def _by_score(entities: pd.DataFrame, ranker: learn.Ranker | None, wide: pd.DataFrame | None) -> pd.Index:
    if ranker is None or wide is None:
        return entities.index
    blended = ranker.rerank(entities["score"].to_numpy(), ranker(wide.reindex(entities.index)))
    return entities.index[np.argsort(-blended, kind="stable")]


def test_twenty_percent_known_lifts_the_rest_through_the_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    scored, labels = _ring_world()
    seen: list[pd.Index] = []
    crossed = graph_features.cross_fitted
    monkeypatch.setattr(
        graph_features, "cross_fitted", lambda g, known, seed: seen.append(known.index) or crossed(g, known, seed)
    )
    table = folds.cross_validate(scored, labels, folds=2, known=0.2, seed=5, ranking=_by_score)
    for (train, held), used in zip(folds.splits(labels, 2, 0.2, 5), seen, strict=True):
        assert used.equals(train) and not used.isin(held).any(), "propagation saw the training labels only"
    mean = folds.means(table).set_index("method")
    assert set(mean.index) == {
        "rules",
        "learned, blend 0.5",
        "learned, blend 1.0",
        "learned + graph, blend 0.5",
        "learned + graph, blend 1.0",
    }
    assert mean.loc["learned + graph, blend 1.0", "p@R"] > mean.loc["rules", "p@R"] + 0.3
    assert mean.loc["learned + graph, blend 1.0", "auc"] > mean.loc["learned, blend 1.0", "auc"]
    again = folds.cross_validate(scored, labels, folds=2, known=0.2, seed=5, ranking=_by_score)
    pd.testing.assert_frame_equal(table, again)


@pytest.mark.neo4j
@pytest.mark.slow
def test_evaluate_folds_end_to_end(empty_db: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loaded, scored with decisions left out, cross-validated from the command line against the truth."""
    from helpers import ingest_source
    from typer.testing import CliRunner

    from duanka import cli
    from duanka.cli import app
    from duanka.generate import generate

    monkeypatch.setattr(cli.console, "width", 200)  # whole method names, not cut to a terminal's width

    generate(tmp_path / "world", "demo", seed=3, difficulty="adversarial")
    assert ingest_source(tmp_path / "world", empty_db).ok
    truth = tmp_path / "world" / "truth.csv"
    result = CliRunner().invoke(
        app, ["evaluate", "--truth", str(truth), "--folds", "2", "--known", "0.2", "--seed", "4"]
    )
    assert result.exit_code == 0, result.output
    assert "20% of the labels known" in result.output and "learned + graph, blend 0.5" in result.output
    scored, _ = folds.read(empty_db)
    with db.session(empty_db) as sess:  # the call pairs detection reads (`targets`) are every pair, once
        pairs = db.read(sess, "MATCH (a:Sim)-[:CALLED]->(b:Sim) WHERE a <> b RETURN count(DISTINCT [a, b]) AS n")
    assert len(scored.graph.calls) == pairs[0]["n"] > 0
    labels = folds.labels_from_truth(Truth.read(truth), scored.entities.index, complete=True)
    table = folds.cross_validate(scored, labels, folds=2, known=0.2, seed=4)
    measured = table[["auc", "p@R"]]
    assert measured.notna().all().all() and measured.apply(lambda c: c.between(0, 1)).all().all()
    assert (
        table.groupby("fold")["held out"].first() == len(labels) - table.groupby("fold")["trained on"].first()
    ).all()


def test_a_truth_in_pseudonymised_tokens_names_its_numbers_by_their_tokens() -> None:
    fixture = Path(__file__).parent / "fixtures" / "foreign" / "pseudonymised-operator" / "truth.csv"
    tokens = pd.read_csv(fixture, dtype=str)
    truth = Truth.read(fixture)
    fraud = tokens[tokens["role"] == "fraud_sim"]
    assert {f"sim:{t}" for t in fraud["entity_id"]} <= set(truth.roles), "a token is not a number to normalise"
