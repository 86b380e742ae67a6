"""Detection against the real server on a generated scenario with planted rings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from helpers import load_into_empty, rows_in_one_order

from duanka import db, queries
from duanka.detect import evaluate as ev
from duanka.detect.calibrate import load as load_calibration
from duanka.detect.model import MODEL
from duanka.errors import DuankaError
from duanka.generate import generate
from duanka.settings import Settings
from flows.detect import detect


@pytest.fixture(scope="module")
def scenario(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("detect")
    generate(source, "demo", persons=3000, seed=5, difficulty="hard")
    load_into_empty(settings, source)
    return source


@pytest.fixture(scope="module")
def first_run(settings: Settings, scenario: Path):  # type: ignore[no-untyped-def]
    return detect(seed=3)


def _ranked(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{t}:{i}" for t, i in zip(result.entities["entity_type"], result.entities["entity_id"], strict=False)]


def test_planted_rings_are_recovered_and_negatives_stay_down(first_run, scenario: Path) -> None:  # type: ignore[no-untyped-def]
    truth = ev.Truth.read(scenario / "truth.csv")
    metrics = ev.score_ranking(
        "duanka",
        _ranked(first_run),
        truth,
        roles=dict(zip(_ranked(first_run), first_run.entities["role"], strict=False)),
    )
    assert metrics["p@50"] >= 0.95 and metrics["p@100"] >= 0.9, metrics
    assert metrics["rings_found"] == 1.0, metrics
    assert metrics["role_accuracy"] >= 0.9, metrics
    assert not set(_ranked(first_run)[:100]) & truth.negatives


def test_every_lead_has_specific_reasons(first_run) -> None:  # type: ignore[no-untyped-def]
    leads = first_run.leads
    assert len(leads) > 50
    assert leads["reasons_en"].str.len().min() > 15
    assert leads["reasons_en"].str.contains(r"\d").all()  # counts, dates or ids, not adjectives
    assert leads["reasons_zh"].str.contains(r"[\u4e00-\u9fff]").all()
    assert leads["score"].between(0, 1).all()


def test_write_back_is_queryable(first_run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    with db.session(settings) as sess:
        clusters = db.read(sess, queries.load("latest_clusters"), limit=1000)
        leads = db.read(sess, queries.load("latest_leads"), limit=100)
        run = db.read(
            sess,
            "MATCH (r:Run {run_id: $id}) RETURN r.status AS status, r.engine AS engine, r.version AS version",
            id=first_run.run_id,
        )
    assert [c["rank"] for c in clusters] == list(range(1, len(clusters) + 1))
    assert {c["run_id"] for c in clusters} == {first_run.run_id}
    assert leads[0]["rank"] == 1 and leads[0]["entity_id"] == first_run.entities["entity_id"].iloc[0]
    assert run == [{"status": "completed", "engine": "igraph", "version": run[0]["version"]}]
    with db.session(settings) as sess:
        model = db.read(
            sess, "MATCH (r:Run {run_id: $id}) RETURN r.model_version AS v, r.calibration AS c", id=first_run.run_id
        )
    calibration = load_calibration()
    assert model == [{"v": MODEL.version, "c": calibration.fitted_on if calibration else "none"}]
    leads = first_run.leads
    assert leads["corroborated"].all() and (leads["score"] >= first_run.params.min_score).all()


def test_same_seed_same_clusters_and_ranks(first_run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    again = detect(seed=3, incremental=False)
    assert list(again.clusters["cluster_id"]) == list(first_run.clusters["cluster_id"])
    assert _ranked(again)[:500] == _ranked(first_run)[:500]
    with db.session(settings) as sess:
        latest = db.read(sess, queries.load("latest_clusters"), limit=1)[0]
        stale = sess.run(
            "MATCH (n) WHERE n.suspicion_run IS NOT NULL AND n.suspicion_run <> $r RETURN count(n) AS c", r=again.run_id
        ).single()["c"]
    assert latest["run_id"] == again.run_id and stale == 0


@pytest.mark.parametrize("engine", ["louvain", "leiden"])
def test_other_engines_find_the_rings_too(engine: str, settings: Settings, scenario: Path, first_run) -> None:  # type: ignore[no-untyped-def]
    result = detect(engine=engine, seed=3)
    metrics = ev.score_ranking(engine, _ranked(result), ev.Truth.read(scenario / "truth.csv"))
    assert metrics["p@50"] >= 0.95 and metrics["rings_found"] == 1.0, metrics


def test_unknown_engine_says_so(settings: Settings) -> None:
    import numpy as np

    from duanka.detect.communities import partition

    with pytest.raises(DuankaError, match=r"Unknown engine 'fast'.*gds"):
        partition(np.array(["a", "b"]), np.array([0]), np.array([1]), np.array([1.0]), engine="fast")


def test_gds_engine_without_the_plugin_says_it_is_unavailable(settings: Settings, scenario: Path) -> None:
    with pytest.raises(DuankaError, match=r"Engine 'gds' is unavailable.*no Graph Data Science plugin"):
        detect(engine="gds")


def test_rows_in_batches_and_in_pages_equal_rows_one_by_one(first_run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    """The batched reader wraps a query without changing its answer, and the pages of a paged read hold
    every row once: same rows, same columns, every fact query and the projection."""
    from duanka.detect.reading import FACT_QUERIES, PROJECTION, fact_reads
    from duanka.detect.signals import RESOURCE_TABLES

    absent = {"detect/facts_decisions", *(FACT_QUERIES[t].query for t in RESOURCE_TABLES)}  # a world without ports
    with db.session(settings) as sess:
        assert queries.batches_fit(sess)
        for read in [PROJECTION, *fact_reads(FACT_QUERIES, None).values()]:
            one = queries.frame(sess, read.query, **read.params)
            batched = queries.batched_frame(sess, read.query, **read.params)
            assert list(batched.columns) == list(one.columns), read.query
            assert rows_in_one_order(one).equals(rows_in_one_order(batched)), read.query
            assert len(one) or read.query in absent, read.query
            if read.pagings:
                bounds = {p.type: queries.key_bounds(sess, p.type, per_page=50) for p in read.pagings}
                held = {t: b for t, b in bounds.items() if t not in ("port", "middle_number")}
                assert all(len(b) >= 2 for b in held.values()), bounds  # several pages each
                pages = pd.concat(queries.pages(sess, read.query, read.pagings, bounds, **read.params))
                assert rows_in_one_order(one).equals(rows_in_one_order(pages)), read.query


def test_a_graph_too_big_for_whole_results_is_read_in_pages_to_the_same_graph_and_facts(
    first_run, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Above BATCH_UP_TO the reads go page by page (a few hundred keys a page here): the community graph
    and every fact table are those of whole results, whatever order their rows came in."""
    from dataclasses import fields

    from duanka.detect import reading
    from duanka.detect.projection import Projection

    whole, facts_whole = reading.read_graph(settings)
    monkeypatch.setattr(queries, "BATCH_UP_TO", 10)
    monkeypatch.setattr(queries, "PAGE_KEYS", 300)
    paged_reads: list[str] = []
    pages = queries.pages

    def counted(sess: Any, name: str, *args: Any, **params: Any) -> Iterator[pd.DataFrame]:
        for page in pages(sess, name, *args, **params):
            paged_reads.append(name)
            yield page

    monkeypatch.setattr(queries, "pages", counted)
    paged, facts_paged = reading.read_graph(settings)
    for name in ("detect/project_edges", "detect/facts_transfers", "detect/facts_sims"):
        assert paged_reads.count(name) >= 3, name  # pages of 300 keys: several a read

    def edges(p: Projection) -> list[tuple[str, str, float]]:
        return sorted(zip(p.keys[p.sources], p.keys[p.targets], p.weights, strict=True))

    assert edges(whole) == edges(paged) and len(whole.sources) > 1000
    for table in fields(facts_whole):
        a, b = getattr(facts_whole, table.name), getattr(facts_paged, table.name)
        assert rows_in_one_order(a).equals(rows_in_one_order(b)) if isinstance(a, pd.DataFrame) else a == b, table.name


def test_reading_two_queries_at_a_time_reads_what_one_at_a_time_does(
    first_run, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """read_graph's threads change when rows arrive, never which: the same projection and fact tables."""
    from dataclasses import fields

    from duanka.detect import reading

    assert reading.READERS > 1
    together, facts_together = reading.read_graph(settings)
    monkeypatch.setattr(reading, "READERS", 1)
    alone, facts_alone = reading.read_graph(settings)
    assert list(together.keys) == list(alone.keys) and len(together.keys) > 1000
    for arrays in ("sources", "targets", "weights"):
        assert (getattr(together, arrays) == getattr(alone, arrays)).all(), arrays
    for table in fields(facts_alone):
        a, b = getattr(facts_together, table.name), getattr(facts_alone, table.name)
        assert a.equals(b) if isinstance(a, pd.DataFrame) else a == b, table.name


def test_evaluate_command_scores_the_latest_run(first_run, scenario: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """`duanka evaluate` prints the metrics beside every baseline, and the operator's numbers question."""
    from rich.console import Console
    from typer.testing import CliRunner

    from duanka import cli
    from duanka.cli import app

    monkeypatch.setattr(cli, "console", Console(width=400))  # wide enough that no cell wraps

    result = CliRunner().invoke(app, ["evaluate", "--truth", str(scenario / "truth.csv")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for expected in ("baseline: distinct numbers called", "an operator's question", "fraud share", "card_farmer"):
        assert expected in result.output, expected
