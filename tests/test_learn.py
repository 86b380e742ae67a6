"""The learned ranking: labels by ring, a model that learns what the labels say, versions, and a detection
run that uses it, says so, and keeps the rules' reasons."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import ingest_source, load_into_empty

from duanka import db
from duanka.detect import graph_features, graph_signals, increment, learn
from duanka.detect.job import DetectResult
from duanka.detect.projection import Projection
from duanka.detect.train import labels_from, train
from duanka.generate import generate
from duanka.generate.views import split_by_time
from duanka.settings import Settings


def test_labels_take_whole_rings() -> None:
    keys = pd.Index([f"sim:{i}" for i in range(1000)])
    ring_of = {f"sim:{i}": f"R{i // 10}" for i in range(100)}  # ten rings of ten
    labels = learn.sample_labels(keys, ring_of, share=0.2, seed=3)
    members = labels[labels == 1].index
    rings = {ring_of[k] for k in members}
    assert len(members) == 10 * len(rings) == 20, "two whole rings, never part of one"
    negatives = labels[labels == 0].index
    assert not set(negatives) & set(ring_of) and 130 < len(negatives) < 230  # a fifth of the 900 others
    assert learn.sample_labels(keys, ring_of, share=0.0).empty


def _world(n: int = 4000, seed: int = 1) -> tuple[pd.DataFrame, pd.Series]:
    """Features where membership hides in a combination the rules' score misses (own_score is noise)."""
    rng = np.random.default_rng(seed)
    wide = pd.DataFrame(
        {
            "sim.callees": rng.integers(0, 40, n).astype(float),
            "sim.callers_in": rng.integers(0, 10, n).astype(float),
            "own_score": rng.random(n),
        },
        index=[f"sim:{i}" for i in range(n)],
    )
    member = (wide["sim.callees"] > 30) & (wide["sim.callers_in"] < 2)
    return wide, member.astype(int)


def test_the_model_learns_what_the_labels_say() -> None:
    wide, member = _world()
    labels = member.sample(frac=0.3, random_state=1)
    ranker = learn.fit(wide, labels, "test", blend=1.0)
    rest = member.index.difference(labels.index)
    order = pd.Series(ranker(wide.loc[rest]), index=rest).sort_values(ascending=False).index
    assert learn.precision_at_r(order, set(member[member == 1].index)) > 0.9
    by_rules = wide.loc[rest, "own_score"].sort_values(ascending=False).index
    assert learn.precision_at_r(by_rules, set(member[member == 1].index)) < 0.3
    assert learn.fit(wide, labels.iloc[:-1], "test").version != ranker.version, "versioned by its labels"
    with pytest.raises(ValueError, match="both kinds"):
        learn.fit(wide, labels[labels == 1], "test")


def test_a_model_is_saved_with_its_labels_and_can_be_switched_off(tmp_path: Path) -> None:
    wide, member = _world(500)
    ranker = learn.fit(wide, member, "test")
    learn.save(ranker, member, tmp_path)
    again = learn.current(tmp_path)
    assert again is not None and again.version == ranker.version
    assert np.allclose(again(wide), ranker(wide))
    assert len(pd.read_csv(tmp_path / f"{ranker.version}.labels.csv")) == len(member)
    assert learn.switch_off(tmp_path) == ranker.version and learn.current(tmp_path) is None


def test_graph_labels_come_from_decisions_and_reports() -> None:
    scored = pd.DataFrame(
        {
            "decision": ["confirmed", "dismissed", None, None, None] + [None] * 200,
            "reported": [False, True, True, False, False] + [False] * 200,
        },
        index=[f"sim:{i}" for i in range(205)],
    )
    labels = labels_from(scored)
    assert labels["sim:0"] == 1 and labels["sim:2"] == 1, "confirmed, and reported without a dismissal"
    assert labels["sim:1"] == 0, "a dismissal outweighs a report"
    assert labels.sum() == 2 and (labels == 0).sum() == 1 + 2 * 20


@pytest.fixture()
def own_models(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A work directory of the test's own: a model trained here never reaches another test's runs."""
    monkeypatch.setenv("DUANKA_WORK_DIR", str(tmp_path / "work"))
    return Settings.from_env()


def test_detection_uses_the_trained_ranking_and_says_so(own_models: Settings, tmp_path: Path) -> None:
    """Trained on the graph's reports, the ranking is blended into the next runs, named on the Run and in
    the manifest, leaves the rules' scores and reasons alone, and an increment still equals a full run."""
    from flows.detect import detect
    from flows.export import export

    generate(tmp_path / "world", "demo", seed=6, difficulty="hard")
    split_by_time(tmp_path / "world", tmp_path / "before", tmp_path / "day", share=0.01)
    load_into_empty(own_models, tmp_path / "before")
    before = detect()
    ranker, labels = train(own_models, graph=False)  # on the rules' signals alone: increments stay possible
    assert labels.sum() > 0 and ranker.positives == labels.sum() and not ranker.reads_graph
    after = detect(incremental=True)
    assert after.figures["scope"] == "full", "a new learned ranking re-scores everything"
    assert "learned" in after.entities and after.entities["learned"].between(0, 1).all()
    assert (after.entities["rule_score"] == before.entities["rule_score"].reindex(after.entities.index)).all()
    assert not after.entities["score"].equals(before.entities["score"].reindex(after.entities.index))
    moved = after.leads["reasons_en"].str.contains(f"learned ranking {ranker.version}", regex=False)
    assert not after.leads.loc[moved, "reasons_en"].str.startswith("raised").any(), "the rules' reasons come first"
    with db.session(own_models) as sess:
        run = sess.run("MATCH (r:Run {run_id: $id}) RETURN r.learned AS learned", id=after.run_id).single()
    assert run is not None and run["learned"] == ranker.version
    export(str(tmp_path / "out"), True)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["algorithm"]["learned"] == ranker.version

    assert ingest_source(tmp_path / "day", own_models).ok
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(increment, "FULL_ABOVE", 1.0)
        day = detect(incremental=True)
    full = detect(incremental=False)
    assert day.figures["scope"] == "incremental"
    columns = ["entity_type", "entity_id", "role", "cluster_id", "reasons_en"]
    assert (day.leads[columns].astype(str).to_numpy() == full.leads[columns].astype(str).to_numpy()).all()
    assert np.allclose(day.leads["score"], full.leads["score"], atol=1e-4)  # kept scores are stored to 4 places

    learn.switch_off(learn.folder(own_models))
    assert detect(incremental=True).figures["scope"] == "full", "and switching it off does too"


def _two_rings() -> tuple[graph_features.Graph, pd.DataFrame]:
    """Two rings of eight numbers each calling their own list of 30 targets, 200 ordinary numbers calling
    three friends each; investigators confirmed three numbers of the first ring and dismissed five others."""
    rng = np.random.default_rng(4)
    rows = []
    for ring in range(2):
        cards, targets = range(ring * 8, ring * 8 + 8), range(1000 + ring * 30, 1030 + ring * 30)
        rows += [(c, t) for c in cards for t in rng.choice(list(targets), 12, replace=False)]
    rows += [(p, f) for p in range(100, 300) for f in rng.choice(range(100, 300), 3, replace=False)]
    calls = pd.DataFrame(rows, columns=["caller", "callee"]).astype(str)
    nothing = np.array([], dtype=object)
    graph = graph_signals.graph_of(calls, Projection(nothing, np.array([], int), np.array([], int), np.array([])))
    decided = [("sim:0", "confirmed"), ("sim:1", "confirmed"), ("sim:2", "confirmed")]
    decided += [(f"sim:{p}", "dismissed") for p in (100, 120, 140, 160, 180)]
    return graph, pd.DataFrame(decided, columns=["entity", "status"])


def test_a_decision_never_reaches_its_own_rows_graph_features() -> None:
    graph, decisions = _two_rings()
    got = graph_signals.features(graph, decisions)
    labels = graph_signals.decided(decisions)
    assert set(graph_signals.COLUMNS) == set(got.columns)
    everyone = graph_features.propagation(graph, labels)
    for part in graph_features.stratified_parts(labels, graph_features.INNER_FOLDS, graph_signals.SEED):
        without = graph_features.propagation(graph, labels.drop(part))
        for key in part:  # each decided row: from the decisions of the other parts only
            assert np.allclose(got.loc[key, "known.ppr_fraud"], without.loc[key, "known.ppr_fraud"], equal_nan=True)
    own = got.loc[["sim:0", "sim:1", "sim:2"], "known.ppr_fraud"]
    assert (own.fillna(0) < everyone.loc[own.index, "known.ppr_fraud"]).all(), "its own restart would show"
    # the confirmed cards lift their unconfirmed sister cards, not the other ring nor ordinary numbers
    sisters = got.loc[[f"sim:{i}" for i in range(3, 8)], "known.ppr_fraud"]
    others = got.loc[[f"sim:{i}" for i in range(8, 16)] + [f"sim:{i}" for i in range(200, 300)], "known.ppr_fraud"]
    assert sisters.min() > others.max()


def test_confirmed_numbers_lift_their_unconfirmed_neighbours(own_models: Settings, tmp_path: Path) -> None:
    """20 % of a world's fraud numbers confirmed (an outcomes file): trained on them with the graph's features,
    a run ranks the other fraud numbers better than the rules alone do, and confirmed stays an investigator's word."""
    from duanka.detect.evaluate import Truth
    from duanka.outcomes.record import record_file
    from flows.detect import detect

    generate(tmp_path / "world", "demo", seed=5, difficulty="adversarial")
    load_into_empty(own_models, tmp_path / "world")
    truth = Truth.read(tmp_path / "world" / "truth.csv")
    first = detect()
    numbers = first.entities.index[first.entities["entity_type"] == "sim"]
    fraud = sorted(set(numbers) & set(truth.roles))
    confirmed = sorted(np.random.default_rng(3).choice(fraud, round(0.2 * len(fraud)), replace=False))
    outcomes = pd.DataFrame({"entity": confirmed, "outcome": "confirmed", "by": "王警官", "note": "查实"})
    outcomes.to_csv(tmp_path / "outcomes.csv", index=False)
    assert record_file(own_models, tmp_path / "outcomes.csv").recorded == len(confirmed)
    rules = detect(incremental=False)
    ranker, labels = train(own_models)
    assert ranker.reads_graph and labels[confirmed].eq(1).all()
    trained = detect(incremental=True)
    assert trained.figures["scope"] == "full", "a ranking reading the graph scores the whole graph"
    unconfirmed = set(fraud) - set(confirmed)

    def precision_at_r(result: DetectResult) -> float:
        e = result.entities
        rest = e.index[(e["entity_type"] == "sim") & ~e.index.isin(confirmed)]
        return learn.precision_at_r(rest, unconfirmed)

    by_rules, by_trained = precision_at_r(rules), precision_at_r(trained)
    print(f"p@R of the unconfirmed fraud numbers: rules {by_rules}, trained with the graph {by_trained}")
    assert by_trained > by_rules
    e = trained.entities
    assert (e.loc[confirmed, "status"] == "confirmed").all()
    assert not (e.loc[~e.index.isin(confirmed), "status"] == "confirmed").any(), "a score never confirms"
