"""The flows run on the real Prefect engine (one temporary Prefect server for the session)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from prefect.testing.utilities import prefect_test_harness

from duanka.errors import DuankaError
from duanka.generate import generate
from duanka.settings import Settings

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="session")
def prefect_server() -> None:
    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_ingest_flow_loads_and_reports(prefect_server: None, empty_db: Settings, tmp_path: Path) -> None:
    from prefect.artifacts import Artifact

    from flows.ingest import ingest

    generate(tmp_path, "demo", persons=300, seed=9, dirty_rows=0.01)
    summary = ingest(str(tmp_path))
    assert all(row["reconciled"] for row in summary["files"])
    assert sum(row["quarantined"] for row in summary["files"]) == len(pd.read_csv(tmp_path / "dirty_rows.csv"))
    assert Path(summary["manifest"]).exists()
    artifact = Artifact.get("ingest-reconciliation")
    assert artifact is not None and "persons" in str(artifact.data)


def test_ingest_flow_fails_clearly_on_a_rejected_file(prefect_server: None, empty_db: Settings, tmp_path: Path) -> None:
    from flows.ingest import ingest

    generate(tmp_path, "demo", persons=100, seed=9)
    pd.read_csv(tmp_path / "persons.csv", dtype=str).drop(columns=["person_id"]).to_csv(tmp_path / "persons.csv", index=False)
    with pytest.raises(DuankaError, match="persons.csv is rejected"):
        ingest(str(tmp_path))


def test_detect_flow_writes_results_and_top_leads_artifact(prefect_server: None, empty_db: Settings, tmp_path: Path) -> None:
    from prefect.artifacts import Artifact

    from duanka import db, queries
    from flows.detect import detect
    from flows.ingest import ingest

    generate(tmp_path, "demo", persons=800, seed=4)
    ingest(str(tmp_path))
    summary = detect(seed=2)
    assert summary["figures"]["clusters"] >= 4 and set(summary["timings"]) >= {"projection", "communities", "write_back"}
    with db.session(empty_db) as sess:
        top = db.read(sess, queries.load("latest_leads"), limit=5)
    assert top and top[0]["run_id"] == summary["run_id"]
    artifact = Artifact.get("detect-top-leads")
    assert artifact is not None and top[0]["entity_id"] in str(artifact.data)
