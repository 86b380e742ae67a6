"""Enterprises, SMS ports and middle numbers in a detection run: scored in the entity table, joined into their
ring's clusters, written back as leads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import colourful, load_into_empty, overlapping

from duanka import db
from duanka.generate import generate
from duanka.settings import Settings

DOCS_SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ROLES = {"enterprise": "shell_enterprise", "port": "fraud_port", "middle_number": "fraud_middle_number"}


@pytest.mark.slow
def test_a_ring_s_ports_are_scored_in_its_farmers_cluster_and_written_as_leads(
    empty_db: Settings, tmp_path: Path
) -> None:
    from flows.detect import detect

    generate(tmp_path, "demo", persons=800, seed=4, difficulty="hard", ports=True)
    load_into_empty(empty_db, tmp_path)
    result = detect(seed=1)
    entities = result.entities
    truth = pd.read_csv(tmp_path / "truth.csv", dtype=str)
    truth.index = truth["entity_type"] + ":" + truth["entity_id"]
    for kind, role in ROLES.items():
        planted = truth.index[truth["role"] == role]
        assert len(planted) and planted.isin(entities.index).all(), kind
        found = entities.loc[planted]
        assert (found["entity_type"] == kind).all() and (found["role"] == role).mean() >= 0.5, kind
    ports = truth[truth["role"] == "fraud_port"]
    farmers = truth[truth["role"] == "card_farmer"]
    shared = 0
    for ring, members in ports.groupby("ring_id"):
        clusters = set(entities.loc[members.index, "cluster_id"].dropna())
        ring_farmers = farmers.index[farmers["ring_id"] == ring]
        shared += bool(clusters & set(entities.reindex(ring_farmers)["cluster_id"].dropna()))
    assert shared >= 1, "no ring's port shares a cluster with that ring's farmer"
    _port_chain_drawn(empty_db, entities, ports)
    with db.session(empty_db) as sess:
        rows = sess.run(
            "MATCH (n)-[f:FLAGGED_IN]->(:Run {run_id: $run}) WHERE n:Port OR n:MiddleNumber OR n:Enterprise "
            "RETURN labels(n) AS labels, f.role AS role, f.reasons_zh AS zh",
            run=result.run_id,
        ).data()
    assert {r["role"] for r in rows} <= set(ROLES.values()) and rows and all(r["zh"] for r in rows)
    assert any("SuspectedFraudPort" in r["labels"] or "Port" in r["labels"] for r in rows)
    _exported_explained_and_decided(empty_db, tmp_path / "out", result.run_id, entities, truth)


def _port_chain_drawn(settings: Settings, entities: pd.DataFrame, ports: pd.DataFrame) -> None:
    """A ring's port drawn as the report draws its cluster: the farmer fronting the shell, the shell leasing
    the port, the port beside the cards; the docs show this picture, retaken here so it is never stale."""
    from duanka.draw import draw_subgraph
    from duanka.draw.chain import plan
    from duanka.draw.figure import render
    from duanka.export.report import ClusterGraphs

    cluster_id = str(entities.loc[ports.index, "cluster_id"].dropna().value_counts().index[0])
    with db.session(settings) as sess:
        graph = ClusterGraphs.read(sess, [cluster_id]).graph(cluster_id, masked=True)
    chain = plan(graph)
    tiers = {c.tier.key: c for c in chain.columns}
    assert {"farmer", "enterprise", "card"} <= tiers.keys(), tiers.keys()
    assert any(e.kind == "port" for e in tiers["card"].shown), "the port is drawn among the cards"
    assert not overlapping(render(chain, cluster_id))
    shot = draw_subgraph(graph, DOCS_SHOTS / "port-chain.png", f"{cluster_id}: a ring's SMS port and its shell")
    spread, roles = colourful(shot)
    assert spread > 0.05 and {"fraud_port", "shell_enterprise"} <= roles, roles


def _exported_explained_and_decided(
    settings: Settings, out: Path, run_id: str, entities: pd.DataFrame, truth: pd.DataFrame
) -> None:
    """The leads' ports, middle numbers and enterprises in leads.csv (masked), in a case file's members, and
    named by `explain` and `decide`; a confirmed port is fed back into the next run."""
    from duanka import casework
    from flows.detect import detect
    from flows.export import export

    export(str(out))
    leads = pd.read_csv(out / "leads.csv", dtype=str, encoding="utf-8-sig")
    ports = leads[leads["entity_type"] == "port"]
    planted = set(truth.loc[truth["entity_type"] == "port", "entity_id"])
    assert len(ports) and not set(ports["entity_id"]) & planted and ports["entity_id"].str.contains(r"\*").all()
    port = entities[(entities["entity_type"] == "port") & entities["lead"]].iloc[0]
    assert isinstance(port["cluster_id"], str)
    files = casework.case_file(settings, casework.CaseParams(port["cluster_id"], out / "case"))
    members = next(f for f in files if f.name.endswith("members.csv"))
    assert "port" in set(pd.read_csv(members, dtype=str, encoding="utf-8-sig")["kind"])
    why = casework.explain(settings, f"port:{port['entity_id']}")
    assert why["ref"] == f"port:{port['entity_id']}" and why
    casework.decide(settings, f"port:{port['entity_id']}", "confirmed", "Officer Li", "lease papers forged")
    again = detect(seed=1).entities
    assert again.loc[f"port:{port['entity_id']}", "status"] == "confirmed"
