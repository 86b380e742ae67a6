"""Enterprises, SMS ports and middle numbers as detection reads them from the graph: the same frames an
extract's own files give, for a generated world and for the foreign extract."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import ingest_source, load_into_empty
from resource_files import from_extract

from duanka.detect import signals
from duanka.detect.increment import Walk
from duanka.detect.projection import Projection
from duanka.detect.reading import fact_reads, read_frames, read_projection
from duanka.detect.resources import Resources
from duanka.detect.source import choose
from duanka.generate import generate
from duanka.settings import Settings

PORTS = Path(__file__).parent / "fixtures" / "foreign" / "sms-ports"


def _read_back(settings: Settings) -> Resources:
    frames = read_frames(settings, fact_reads(signals.RESOURCE_TABLES, None))
    return Resources.of(signals.Facts(**frames))


def _same(table: str, graph: pd.DataFrame, files: pd.DataFrame) -> None:
    a, b = (signals.typed(table, f) for f in (graph, files))
    a, b = (f.sort_values(list(f.columns), ignore_index=True) for f in (a, b))
    assert len(a) > 0, table
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, obj=table)


def _equal(graph: Resources, files: Resources) -> None:
    for table in ("enterprises", "ports", "texts", "bindings", "holdings", "middle_calls"):
        _same(table, getattr(graph, table), getattr(files, table))
    assert graph.reported == files.reported and graph.reported


@pytest.mark.slow
def test_a_generated_world_s_resources_read_from_the_graph_equal_its_files(empty_db: Settings, tmp_path: Path) -> None:
    generate(tmp_path, "demo", persons=800, seed=4, difficulty="hard", ports=True)
    load_into_empty(empty_db, tmp_path)
    _equal(_read_back(empty_db), from_extract(tmp_path))


@pytest.mark.slow
def test_the_foreign_extract_s_resources_read_from_the_graph_equal_its_loaded_rows(empty_db: Settings) -> None:
    result = ingest_source(PORTS, empty_db)
    assert result.ok
    _equal(_read_back(empty_db), from_extract(PORTS, Path(result.quarantine)))


def _resales(p: Projection) -> set[tuple[str, str]]:
    keys = p.keys.astype(str)
    pairs = zip(keys[p.sources], keys[p.targets], strict=True)
    return {(a, b) for a, b in pairs if b.startswith("enterprise:") and (a, b) in RESALES}


# The fixture's resales: a licensed provider registered in 2009 resold the bank's, the courier's and the
# school's ports years later; a marketing firm weeks old resold the shells' ports.
RESALES = {
    *((f"port:{p}", "enterprise:SP-LICENSED") for p in ("106900001111", "106900002222", "106900003333")),
    *(
        (f"port:{p}", "enterprise:AG-RESELL")
        for p in ("1069941621542", "1069576999928", "1069183486620", "1069775220321", "1069554255202")
    ),
}


@pytest.mark.slow
def test_an_established_reseller_s_resales_join_no_community_a_young_one_s_do(empty_db: Settings) -> None:
    """Read from Neo4j, from the analysis store and walked out as an increment's region: the same rule."""
    assert ingest_source(PORTS, empty_db).ok
    young = {pair for pair in RESALES if pair[1] == "enterprise:AG-RESELL"}
    source = choose(empty_db, None)
    assert source.store, source.why
    walk = Walk(empty_db, limit=10_000)
    assert walk.reach({"enterprise:SP-LICENSED", "enterprise:AG-RESELL", "port:106900001111"})
    for what, projection in (
        ("neo4j", read_projection(empty_db)),
        ("store", read_projection(empty_db, source)),
        ("region", walk.projection()),
    ):
        assert _resales(projection) == young, what
