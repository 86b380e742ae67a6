"""The flows run on the real Prefect engine (one temporary Prefect server for the session)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from duanka.errors import DuankaError
from duanka.generate import generate
from duanka.settings import Settings


def test_ingest_flow_loads_and_reports(prefect_server: None, empty_db: Settings, tmp_path: Path) -> None:
    from prefect.artifacts import Artifact

    from flows.ingest import ingest

    generate(tmp_path, "demo", persons=300, seed=9, dirty_rows=0.01)
    summary = ingest(str(tmp_path)).summary()
    assert all(row["reconciled"] for row in summary["files"])
    assert sum(row["quarantined"] for row in summary["files"]) == len(pd.read_csv(tmp_path / "dirty_rows.csv"))
    assert Path(summary["manifest"]).exists()
    artifact = Artifact.get("ingest-reconciliation")
    assert artifact is not None and "persons" in str(artifact.data)


def test_ingest_flow_fails_clearly_on_a_rejected_file(prefect_server: None, empty_db: Settings, tmp_path: Path) -> None:
    from flows.ingest import ingest

    generate(tmp_path, "demo", persons=100, seed=9)
    pd.read_csv(tmp_path / "persons.csv", dtype=str).drop(columns=["person_id"]).to_csv(
        tmp_path / "persons.csv", index=False
    )
    with pytest.raises(DuankaError, match=r"persons\.csv is rejected"):
        ingest(str(tmp_path))


def test_detect_flow_writes_results_and_top_leads_artifact(
    prefect_server: None, empty_db: Settings, tmp_path: Path
) -> None:
    from prefect.artifacts import Artifact

    from duanka import db, queries
    from duanka.export.mask import mask_id
    from flows.detect import detect
    from flows.ingest import ingest

    generate(tmp_path, "demo", persons=800, seed=4)
    ingest(str(tmp_path))
    summary = detect(seed=2).summary()
    assert summary["figures"]["clusters"] >= 4 and set(summary["timings"]) >= {
        "reading",
        "communities",
        "write_back",
    }
    with db.session(empty_db) as sess:
        top = db.read(sess, queries.load("latest_leads"), limit=5)
    assert top and top[0]["run_id"] == summary["run_id"]
    artifact = Artifact.get("detect-top-leads")
    assert artifact is not None and top[0]["entity_type"] in str(artifact.data)
    shown = mask_id(top[0]["entity_id"], top[0]["entity_type"])  # any local user reads artifacts: masked
    assert shown in str(artifact.data) and top[0]["entity_id"] not in str(artifact.data)


def test_pipeline_flow_and_cli_leave_no_secret_in_the_output(
    prefect_server: None, empty_db: Settings, tmp_path: Path
) -> None:
    """`duanka run` as a user runs it: leads exported, artifacts made, and neither the password nor any
    identity number of the source in what it prints (identity numbers stay in quarantine files, 0600)."""
    from prefect.artifacts import Artifact
    from typer.testing import CliRunner

    from duanka.cli import app

    source, out = tmp_path / "extract", tmp_path / "out"
    generate(source, "demo", persons=800, seed=4, dirty_rows=0.02)
    result = CliRunner().invoke(app, ["run", "--source", str(source), "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Top leads" in result.output and (out / "leads.xlsx").exists()
    printed = result.output
    assert empty_db.password() not in printed
    id_numbers = pd.read_csv(source / "persons.csv", dtype=str)["id_number"].dropna()
    assert not [i for i in id_numbers if i in printed]
    quarantine = next(empty_db.work_dir.glob("runs/*/quarantine.csv"))
    assert oct(quarantine.stat().st_mode & 0o777) == "0o600"
    assert Artifact.get("export-top-leads") is not None and "report.html" in str(Artifact.get("export-report").data)
