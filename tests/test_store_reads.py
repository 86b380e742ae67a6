"""Detection reads the analysis store with the same result as reading Neo4j: the projection and every fact table,
on a generated world before and after an increment, on one with SMS ports, middle numbers and shells, and on each
foreign extract (duanka/detect/reading.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import assert_one_truth, ingest_source, load_into_empty

from duanka.choices import ReadFrom
from duanka.detect.job import DetectResult
from duanka.detect.reading import read_facts, read_projection
from duanka.detect.signals import RESOURCE_TABLES
from duanka.detect.source import choose
from duanka.entity_keys import split_entity_key
from duanka.errors import DuankaError
from duanka.generate import generate
from duanka.generate.views import split_by_time
from duanka.settings import Settings
from duanka.store import folded, layout
from duanka.store import read as store

FOREIGN = Path(__file__).parent / "fixtures" / "foreign"
NOT_EXTRACTS = {"outcomes-zh", "reports-only"}  # an outcomes file; reports alone are an increment (loaded so below)


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("store")
    generate(root / "world", "demo", persons=1500, seed=11, difficulty="hard")
    split_by_time(root / "world", root / "before", root / "day", share=0.05)
    return root


def _folded_tables(settings: Settings, loads: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    with store.opened(settings, loads) as con:
        return {
            name: con.table(name).df().pipe(lambda f: f.sort_values(list(f.columns), ignore_index=True))
            for name in store.FOLDED_TABLES.values()
        }


def test_the_store_and_the_graph_give_the_same_facts_before_and_after_an_increment(
    settings: Settings, days: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_into_empty(settings, days / "before")
    assert_one_truth(settings, "a generated world")
    assert ingest_source(days / "day", settings).ok
    source = choose(settings, None)
    assert source.store and len(source.loads) == 2
    read_files_of: list[list[str]] = []
    files_by_load = store.files_by_load
    monkeypatch.setattr(
        store, "files_by_load", lambda s, loads: read_files_of.append(list(loads)) or files_by_load(s, loads)
    )
    assert_one_truth(settings, "the world after an increment")
    # the first read folded the day onto the state kept after the world before it; every later one read it kept
    assert read_files_of == [[source.loads[1]]], read_files_of

    kept = _folded_tables(settings, source.loads)
    monkeypatch.setattr(folded, "find", lambda s, loads: None)
    from_nothing = _folded_tables(settings, source.loads)
    assert read_files_of[1:] == [list(source.loads)]
    for name, table in from_nothing.items():
        pd.testing.assert_frame_equal(kept[name], table, obj=name)


def test_the_store_and_the_graph_give_the_same_facts_on_a_world_with_ports_before_and_after_an_increment(
    settings: Settings, tmp_path: Path
) -> None:
    generate(tmp_path / "world", "demo", persons=800, seed=4, difficulty="hard", ports=True)
    split_by_time(tmp_path / "world", tmp_path / "before", tmp_path / "day", share=0.05)
    load_into_empty(settings, tmp_path / "before")
    assert_one_truth(settings, "a generated world with ports")
    facts, projection = read_facts(settings), read_projection(settings)
    empty = [t for t in RESOURCE_TABLES if getattr(facts, t).empty]
    assert not empty, f"the world with ports read no {empty}: its equality would say nothing of them"
    types = {split_entity_key(k)[0] for k in projection.keys}
    assert {"enterprise", "port", "middle_number"} <= types, types
    bindings = pd.read_csv(tmp_path / "day" / "number_bindings.csv")
    assert len(bindings), "the day's increment brings no middle number's binding: it would fold nothing into them"
    assert ingest_source(tmp_path / "day", settings).ok
    assert_one_truth(settings, "the world with ports after an increment")


@pytest.mark.parametrize(
    "fixture", sorted(d.name for d in FOREIGN.iterdir() if d.is_dir() and d.name not in NOT_EXTRACTS)
)
def test_the_store_and_the_graph_give_the_same_facts_on_each_foreign_extract(settings: Settings, fixture: str) -> None:
    load_into_empty(settings, FOREIGN / fixture)
    if fixture == "bank-only":  # police reports the day after: an increment onto a bank's graph
        assert ingest_source(FOREIGN / "reports-only", settings).ok
    assert_one_truth(settings, fixture)


def test_a_graph_loaded_without_the_store_is_read_from_neo4j(settings: Settings, days: Path) -> None:
    load_into_empty(settings, days / "before")
    load_id = choose(settings, None).loads[0]
    (layout.folder(settings, load_id) / layout.MANIFEST).unlink()  # as if another machine had loaded it
    source = choose(settings, None)
    assert not source.store and "lacks 1 of the graph's 1 loads" in source.why
    with pytest.raises(DuankaError, match="analysis store"):
        choose(settings, ReadFrom.STORE)
    assert choose(settings, ReadFrom.NEO4J).record()["read_from"] == "neo4j (asked for)"


def _leads_and_clusters(result: DetectResult) -> tuple[pd.DataFrame, list[list[str]]]:
    """A run's leads in order (who, role, score, reasons) and its clusters as sets of members (ids aside)."""
    e = result.entities
    leads = e.loc[e["lead"], ["entity_type", "entity_id", "role", "reasons_en", "kinds"]].reset_index(drop=True)
    leads = leads.assign(score=e.loc[e["lead"], "score"].round(6).to_numpy())
    members = e[e["cluster_id"].notna()]
    clusters = sorted(sorted(g["entity_type"] + ":" + g["entity_id"]) for _, g in members.groupby("cluster_id"))
    return leads, clusters


def test_a_run_reading_the_store_finds_the_leads_and_clusters_one_reading_neo4j_finds(
    settings: Settings, days: Path
) -> None:
    from flows.detect import detect

    load_into_empty(settings, days / "before")
    graph = detect(seed=2, read_from=ReadFrom.NEO4J)
    store = detect(seed=2, incremental=False)  # the store holds the graph's one load: read from it
    assert graph.figures["read_from"] == "neo4j (asked for)"
    assert store.figures["read_from"].startswith("store (it holds all 1 loads")
    assert store.figures["loads_read"] == graph.figures["loads_read"] == choose(settings, None).loads[0]
    (leads_graph, clusters_graph), (leads_store, clusters_store) = map(_leads_and_clusters, (graph, store))
    assert len(leads_graph) > 10 and len(clusters_graph) > 3
    pd.testing.assert_frame_equal(leads_graph, leads_store)
    assert clusters_graph == clusters_store
