"""Decisions, feedback into detection, explain, audit log and case files, against the real server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import ingest_source

from duanka import audit, db, queries
from duanka.casework import CaseParams, case_file, decide, explain
from duanka.errors import DuankaError
from duanka.export.run import ExportParams, export
from duanka.settings import Settings
from flows.detect import detect


def leads(settings: Settings) -> list[dict]:
    with db.session(settings) as sess:
        return db.read(sess, queries.load("latest_leads"), limit=100_000)


def lead_of(settings: Settings, key: str) -> dict | None:
    return next((r for r in leads(settings) if f"{r['entity_type']}:{r['entity_id']}" == key), None)


def test_decisions_need_a_name_grounds_and_a_known_status(settings: Settings, detected_world: Path) -> None:
    top = leads(settings)[0]
    ref = f"{top['entity_type']}:{top['entity_id']}"
    with pytest.raises(DuankaError, match="--by"):
        decide(settings, ref, "confirmed", " ", "seen")
    with pytest.raises(DuankaError, match="grounds"):
        decide(settings, ref, "confirmed", "王警官", "")
    with pytest.raises(DuankaError, match="Unknown status"):
        decide(settings, ref, "guilty", "王警官", "x")
    with pytest.raises(DuankaError, match="No person, number"):
        decide(settings, "no-such-id", "dismissed", "王警官", "x")


def test_a_confirmed_lead_shows_as_confirmed_and_survives_reload_and_rerun(
    settings: Settings, detected_world: Path, tmp_path: Path
) -> None:
    top = leads(settings)[0]
    ref = f"{top['run_id']}#{top['rank']}"  # as printed in lead lists
    d = decide(settings, ref, "confirmed", "王警官", "dealer's phone seized, 40 SIMs on site")
    assert d["entity"] == f"{top['entity_type']}:{top['entity_id']}" and d["run_id"] == top["run_id"]
    assert ingest_source(detected_world, settings).ok  # the same extract again
    detect(seed=1)
    again = lead_of(settings, d["entity"])
    assert again is not None and again["status"] == "confirmed" and again["run_id"] != top["run_id"]
    export(settings, ExportParams(tmp_path))
    exported = pd.read_csv(tmp_path / "leads.csv", encoding="utf-8-sig")
    assert exported.loc[exported["rank"] == again["rank"], "status"].iloc[0].startswith("confirmed")
    assert (exported["status"].str.startswith("confirmed")).sum() == 1  # only what a person confirmed


def test_a_dismissed_lead_stays_away_until_new_evidence_arrives(
    settings: Settings, detected_world: Path, tmp_path: Path
) -> None:
    candidates = [r for r in leads(settings) if r["entity_type"] in ("sim", "account") and r["status"] == "suspected"]
    target = candidates[0]
    key = f"{target['entity_type']}:{target['entity_id']}"
    decide(settings, key, "dismissed", "赵警官", "number belongs to a repair shop, checked")
    detect(seed=1)
    assert lead_of(settings, key) is None, "a dismissed lead came back with unchanged evidence"

    # New evidence: a victim report naming it, in a later extract.
    later = tmp_path / "later"
    shutil.copytree(detected_world, later)
    reports = pd.read_csv(later / "reports.csv", dtype=str)
    column = "msisdn" if target["entity_type"] == "sim" else "account_id"
    new = {c: None for c in reports.columns} | {
        "report_id": "RNEW-0001",
        column: target["entity_id"],
        "reported_at": "2026-11-20T10:00:00",
        "fraud_type": "fake_loan",
        "amount_lost": "5000",
    }
    pd.concat([reports, pd.DataFrame([new])]).to_csv(later / "reports.csv", index=False)
    assert ingest_source(later, settings).ok
    detect(seed=1)
    back = lead_of(settings, key)
    assert back is not None, "new evidence did not re-propose the dismissed lead"
    assert "dismissed by 赵警官" in back["reasons"] and "newly named in a victim report" in back["reasons"]


def test_explain_shows_scores_from_several_runs_and_the_decisions(settings: Settings, detected_world: Path) -> None:
    top = leads(settings)[0]
    decide(settings, f"{top['entity_type']}:{top['entity_id']}", "confirmed", "王警官", "explain: seized on site")
    decided = [e for e in audit.entries(settings) if e["action"] == "decide" and e["status"] == "confirmed"]
    e = explain(settings, decided[-1]["entity"])
    assert len({f["run_id"] for f in e["flags"]}) >= 2
    assert all(f["version"] and f["engine"] == "igraph" and f["reasons"] for f in e["flags"])
    assert e["decisions"][-1]["by"] == "王警官" and e["decisions"][-1]["status"] == "confirmed"
    assert e["entity"]["decision_status"] == "confirmed"


def test_every_load_run_export_and_decision_is_in_the_audit_log(settings: Settings, detected_world: Path) -> None:
    log = audit.entries(settings)
    actions = {e["action"] for e in log}
    assert {"ingest", "detect", "export", "decide"} <= actions
    assert all(e["by"] for e in log)
    assert audit.verify(settings).entries == len(audit.log_path(settings).read_bytes().splitlines())
    assert oct(audit.log_path(settings).stat().st_mode & 0o777) == "0o600"


def test_unmasked_output_is_on_record_before_its_first_file(
    settings: Settings, detected_world: Path, tmp_path: Path
) -> None:
    """Who, why and where to are logged before anything unmasked is written: a failed or killed export
    leaves its intent behind, a finished one its intent and then its completion."""
    with db.session(settings) as sess:
        cluster = db.read(sess, queries.load("latest_clusters"), limit=1)[0]["cluster_id"]
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the output folder should go")
    before = len(audit.entries(settings))
    with pytest.raises(OSError):
        case_file(settings, CaseParams(cluster, blocked, masked=False, by="王警官", reason="warrant 2026-118"))
    with pytest.raises(DuankaError, match="nothing was published"):
        export(settings, ExportParams(blocked, masked=False, by="李警官", reason="warrant 2026-119"))
    export(settings, ExportParams(tmp_path / "out", masked=False, by="李警官", reason="warrant 2026-120"))
    log = audit.entries(settings)[before:]
    assert [e["action"] for e in log] == ["case-intent", "export-intent", "export-intent", "export"]
    assert log[0]["by"] == "王警官" and log[0]["reason"] == "warrant 2026-118" and log[0]["cluster_id"] == cluster
    assert log[0]["out"] == log[1]["out"] == str(blocked.resolve()) and log[1]["reason"] == "warrant 2026-119"
    assert log[2]["export_id"] == log[3]["export_id"] and log[2]["out"] == str((tmp_path / "out").resolve())
    assert all(e["login"] and e["host"] for e in log)


def test_case_file_is_masked_and_complete(settings: Settings, detected_world: Path, tmp_path: Path) -> None:
    with db.session(settings) as sess:
        top = db.read(sess, queries.load("latest_clusters"), limit=1)[0]
    with pytest.raises(DuankaError, match="--by"):
        case_file(settings, CaseParams(top["cluster_id"], tmp_path / "x", masked=False))
    files = case_file(settings, CaseParams(top["cluster_id"], tmp_path / "case"))
    assert {p.name for p in files} == {
        "members.csv",
        "links.csv",
        "reports.csv",
        "decisions.csv",
        "cluster.png",
        "manifest.json",
    }
    members = pd.read_csv(tmp_path / "case" / "members.csv", encoding="utf-8-sig", dtype=str)
    assert len(members) == top["persons"] + top["sims"] + top["accounts"] + top["devices"]
    assert members["id"].str.contains(r"\*").all()
    links = pd.read_csv(tmp_path / "case" / "links.csv", encoding="utf-8-sig", dtype=str)
    assert len(links) and links["first"].notna().any()
    assert [e for e in audit.entries(settings) if e["action"] == "case"][-1]["cluster_id"] == top["cluster_id"]


def test_the_graph_holds_nothing_the_schema_does_not_declare(
    settings: Settings, detected_world: Path, tmp_path: Path
) -> None:
    """After loads, detection runs, decisions and an export: every label, type, property and
    relationship pattern in the graph is declared in graphmodel/schema.py."""
    from graphmodel.roles import CONFIRMED, ROLES
    from graphmodel.schema import NODES, RELATIONSHIPS

    top = leads(settings)[0]
    decide(settings, f"{top['entity_type']}:{top['entity_id']}", "under_review", "王警官", "schema check")
    detect(seed=1)
    export(settings, ExportParams(tmp_path / "out"))
    nodes = {n.label: n for n in NODES}
    extra_labels = {CONFIRMED, *(r.label for r in ROLES)}
    with db.session(settings) as sess:
        labels = db.read(sess, "MATCH (n) WITH labels(n) AS ls, keys(n) AS ks UNWIND ks AS k RETURN DISTINCT ls, k")
        patterns = db.read(
            sess,
            "MATCH (a)-[r]->(b) WITH labels(a) AS a, type(r) AS t, labels(b) AS b, keys(r) AS ks "
            "UNWIND CASE WHEN ks = [] THEN [null] ELSE ks END AS k RETURN DISTINCT a, t, b, k",
        )
    assert {"Decision", "Run", "Cluster"} <= {label for row in labels for label in row["ls"]}
    undeclared = []
    for row in labels:
        primary = [label for label in row["ls"] if label in nodes]
        assert len(primary) == 1 and set(row["ls"]) - set(primary) <= extra_labels, row["ls"]
        if row["k"] not in nodes[primary[0]].names():
            undeclared.append(f"{primary[0]}.{row['k']}")
    rels = {r.type: r for r in RELATIONSHIPS}
    for row in patterns:
        r = rels.get(row["t"])
        assert r is not None, f"undeclared relationship type {row['t']}"
        start = next(label for label in row["a"] if label in nodes)
        end = next(label for label in row["b"] if label in nodes)
        assert start in r.starts and end in r.ends, f"undeclared pattern ({start})-[:{r.type}]->({end})"
        if row["k"] is not None and row["k"] not in r.names():
            undeclared.append(f"{r.type}.{row['k']}")
    assert not sorted(set(undeclared)), f"written but not declared in graphmodel/schema.py: {sorted(set(undeclared))}"
