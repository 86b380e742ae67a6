"""The analysis store: each load's rows kept as Parquet beside the graph, in the declared types (duanka/store/)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from duanka.ingest.writes import WRITES
from duanka.settings import Settings
from duanka.store import layout
from duanka.store.writer import StoreWriter


def _settings_in(tmp_path: Path) -> Settings:
    from dataclasses import replace

    return replace(Settings.from_env(), work_dir=tmp_path)


def test_a_load_is_written_in_the_declared_types_and_a_rerun_replaces_it(tmp_path: Path) -> None:
    settings = _settings_in(tmp_path)
    sims = pd.DataFrame(
        {
            "msisdn": ["13800000001", "13800000002"],
            "holder_person_id": ["p1", None],
            "is_virtual": [True, None],
            "activated_at": ["2026-07-10T10:26:51+08:00", None],
            "outlet_id": ["o1", "o2"],
        },
        dtype=object,
    )
    with StoreWriter(settings, "ingest-1") as store:
        for write in WRITES["sims"]:
            store.add("sims", write, sims)
    parts = layout.parts(settings, "ingest-1")
    assert parts is not None and {(p.element, p.rows) for p in parts} == {
        ("Sim", 2),
        ("HOLDS_SIM", 1),  # the row without a holder names no relationship
        ("ACTIVATED_AT", 2),
    }
    table = pq.read_table(layout.path(settings, "ingest-1", "sims", "Sim"))
    assert table.schema == layout.columns("Sim")
    assert str(table.schema.field("activated_at").type) == "timestamp[us, tz=UTC]"
    assert table.column("activated_at").to_pylist()[0].isoformat() == "2026-07-10T02:26:51+00:00"
    assert table.column("seq").to_pylist() == [0, 1] and layout.verify(settings, "ingest-1") == []
    # a failed attempt leaves no finished load; the re-run replaces what it wrote
    with pytest.raises(RuntimeError), StoreWriter(settings, "ingest-1") as store:
        store.add("sims", WRITES["sims"][0], sims.head(1))
        raise RuntimeError("the load failed")
    assert layout.parts(settings, "ingest-1") is None and layout.finished(settings) == []
    with StoreWriter(settings, "ingest-1") as store:
        store.add("sims", WRITES["sims"][0], sims.head(1))
    assert pq.read_table(layout.path(settings, "ingest-1", "sims", "Sim")).num_rows == 1
    layout.path(settings, "ingest-1", "sims", "Sim").write_bytes(b"changed")
    assert layout.verify(settings, "ingest-1") == [str(layout.path(settings, "ingest-1", "sims", "Sim"))]


def test_the_kept_state_serves_only_the_loads_it_covers_as_they_were(tmp_path: Path) -> None:
    import duckdb

    from duanka.store import folded

    settings = _settings_in(tmp_path)
    for load in ("ingest-1", "ingest-2"):
        layout.folder(settings, load).mkdir(parents=True)
        layout.write_manifest(settings, load, [])
    con = duckdb.connect()
    con.execute("CREATE TABLE sim AS SELECT '13800000000' AS msisdn")
    folded.save(con, settings, ["ingest-1"], ["sim"])
    kept = folded.find(settings, ["ingest-1", "ingest-2"])
    assert kept is not None and kept.loads == ("ingest-1",)
    assert pd.read_parquet(kept.table("sim"))["msisdn"].tolist() == ["13800000000"]
    assert folded.find(settings, ["ingest-2"]) is None  # it covers no beginning of these loads
    assert folded.find(settings, ["ingest-0"]) is None  # a load the store does not hold: no kept state, no error

    folded.save(con, settings, ["ingest-1", "ingest-2"], ["sim"])
    assert folded.find(settings, ["ingest-1", "ingest-2"]).loads == ("ingest-1", "ingest-2")  # the most it covers
    folded.save(con, settings, ["ingest-1"], ["sim"])
    assert len(list((layout.root(settings) / "folded").iterdir())) == folded.KEEP  # older ones go

    layout.write_manifest(settings, "ingest-1", [layout.Part("persons", "Person", 1, "0" * 64)])  # written again
    assert folded.find(settings, ["ingest-1", "ingest-2"]) is None
