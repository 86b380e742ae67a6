"""The foreign extract with enterprises, SMS ports and middle numbers, through the whole pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from duanka import db, queries
from duanka.settings import Settings

PORTS = Path(__file__).parent / "fixtures" / "foreign" / "sms-ports"


@pytest.mark.neo4j
@pytest.mark.slow
def test_the_pipeline_runs_on_an_extract_with_ports_and_middle_numbers(
    prefect_server: None, empty_db: Settings, tmp_path: Path
) -> None:
    from duanka.browser import EXAMPLES, _parts
    from duanka.library import LIBRARY
    from flows.pipeline import pipeline

    out = tmp_path / "out"
    result = pipeline(str(PORTS), str(out), lang="en")
    files = {f["file"]: f for f in result["ingest"]["files"]}
    assert all(f["reconciled"] for f in files.values())
    assert {name: files[name]["quarantined"] for name in ("enterprises", "sms_ports", "number_bindings")} == {
        "enterprises": 3,
        "sms_ports": 2,
        "number_bindings": 1,
    }
    quarantine = pd.read_csv(result["ingest"]["quarantine"], dtype=str)
    by_file = quarantine.groupby("file")["reason"].apply(set).to_dict()
    assert by_file["enterprises.csv"] == {"unified social credit code fails GB 32100 (format or check character)"}
    assert by_file["sms_ports.csv"] == {"not an SMS port code (106 + 5–17 digits)"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["file"]: f for source in manifest["sources"] for f in source["files"]}
    assert listed["sms_ports"]["rows_quarantined"] == 2 and listed["enterprises"]["rows_loaded"] == 14
    leads = pd.read_csv(out / "leads.csv", dtype=str, encoding="utf-8-sig")
    assert list(leads.columns[:4]) == ["rank", "entity_type", "entity_id", "role"]
    assert len(leads) > 0 or manifest["leads_note"]["en"]  # few leads are explained, never silent
    with db.session(empty_db) as sess:  # every saved query of the guide runs on what this extract held
        for name in LIBRARY:
            _, params, _cypher = _parts(name)
            values = {p: db.read(sess, f"RETURN {EXAMPLES[p]} AS v")[0]["v"] for p in params}
            db.read(sess, queries.load(name), **values)
