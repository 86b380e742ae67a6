"""Enterprises, SMS ports and middle numbers: validated, quarantined with reasons, linked, loaded alike by both paths."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import bulk_import_matches_bolt, ingest_source

from duanka import db
from duanka import identifiers as ids
from duanka.ingest.contract import SPECS
from duanka.ingest.prepare import prepare
from duanka.ingest.read import Chunk
from duanka.settings import Settings

PORTS = Path(__file__).parent / "fixtures" / "foreign" / "sms-ports"


def _prepared(spec: str, rows: dict[str, list[str | None]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(rows, dtype="string", index=range(2, 2 + len(next(iter(rows.values())))))
    out = prepare(SPECS[spec], Chunk(frame, []))
    return out.typed, out.problems


def test_credit_codes_are_checked_as_gb_32100_says() -> None:
    # Published codes of real companies, and the same codes with one character changed.
    real = pd.Series(["91350100M000100Y43", "91110000802100433B"])
    assert ids.credit_code_valid(real).all()
    wrong = pd.Series(["91350100M000100Y44", "91110000802100433C", "9135010OM000100Y43", "91350100M000100Y4"])
    assert not ids.credit_code_valid(wrong).any()


def test_numbers_the_other_party_saw_may_be_ports_and_service_numbers() -> None:
    typed, problems = _prepared(
        "calls",
        {
            "caller_msisdn": ["1069 0012 3456", "400-820-8820", "95588", "+86 138 0013 8000", "10612", "12345"],
            "callee_msisdn": ["13800138000"] * 6,
        },
    )
    assert typed["caller_msisdn"].tolist() == ["106900123456", "4008208820", "95588", "13800138000"]
    assert sorted(problems["line"]) == [6, 7]
    assert problems["reason"].str.contains("SMS port code").all()
    _, called = _prepared("calls", {"caller_msisdn": ["13800138000"], "callee_msisdn": ["106900123456"]})
    assert called["reason"].str.contains("called side").all()
    # A card's own number is a mobile number, never a service number or a port.
    _, sims = _prepared("sims", {"msisdn": ["95588", "106900123456"]})
    assert set(sims["reason"]) == {"not a mainland mobile number"}


def test_a_middle_number_is_mobile_or_service_never_a_port() -> None:
    _, problems = _prepared(
        "number_bindings",
        {
            "middle_number": ["17012345678", "950123", "106900123456"],
            "real_msisdn": ["13800138000"] * 3,
            "bound_at": ["2026-09-01T10:00:00", "2026-09-01T10:00:00", "2026-09-01T10:00:00"],
            "unbound_at": ["2026-09-01T10:12:00", "2026-09-01T09:00:00", None],
        },
    )
    assert sorted(problems["line"]) == [3, 4] and "bound_at is after unbound_at" in set(problems["reason"])


@pytest.mark.neo4j
def test_ports_and_middle_numbers_link_texts_calls_and_reports(empty_db: Settings) -> None:
    result = ingest_source(PORTS, empty_db)
    assert result.ok, (result.table(), result.expected, result.found)
    for f in result.files:
        assert f.rows_read == f.rows_loaded + f.rows_quarantined
    quarantine = pd.read_csv(result.quarantine, dtype=str)
    reasons = quarantine.groupby("file")["reason"].apply(list).to_dict()
    assert len(reasons["enterprises.csv"]) == 3 and all("GB 32100" in r for r in reasons["enterprises.csv"])
    assert len(reasons["sms_ports.csv"]) == 2 and all("SMS port code" in r for r in reasons["sms_ports.csv"])
    assert len(reasons["number_bindings.csv"]) == 1
    assert len(reasons["calls.csv"]) == 1 and "called side" in reasons["calls.csv"][0]
    truth = pd.read_csv(PORTS / "truth.csv", dtype=str)
    ring_ports = set(truth.loc[truth.role == "fraud_port", "entity_id"])
    ring_middles = set(truth.loc[truth.role == "fraud_middle_number", "entity_id"])
    calls = pd.read_csv(PORTS / "calls.csv", dtype=str)
    with db.session(empty_db) as sess:
        texts = {
            r["port"]: r["n"]
            for r in sess.run("MATCH (p:Port)-[t:SENT_TO]->(:Sim) RETURN p.port_code AS port, count(t) AS n")
        }
        reported_ports = {r["p"] for r in sess.run("MATCH (:Report)-[:REPORTS_PORT]->(p:Port) RETURN p.port_code AS p")}
        reported_middles = {
            r["m"]
            for r in sess.run(
                "MATCH (:Report)-[:REPORTS_SIM]->(:Sim)<-[:DIALS_AS]-(m:MiddleNumber) RETURN m.middle_number AS m"
            )
        }
        behind = sess.run(
            "MATCH (p:Port)-[:LEASED_BY]->(e:Enterprise)<-[:LEGAL_PERSON_OF]-(f:Person), (p)-[:RESOLD_BY]->(a) "
            "RETURN collect(DISTINCT f.person_id) AS fronts, collect(DISTINCT a.enterprise_id) AS agents"
            " , count(DISTINCT p) AS ports"
        ).single()
        bound = sess.run(
            "MATCH (m:MiddleNumber)-[b:BINDS]->(:Sim)<-[:HOLDS_SIM]-(f:Person) WHERE m.middle_number IN $ring "
            "RETURN count(DISTINCT m) AS n, max(b.longest_minutes) AS longest, collect(DISTINCT f.person_id) AS who",
            ring=sorted(ring_middles),
        ).single()
        port_as_sim = sess.run("MATCH (s:Sim) WHERE s.msisdn STARTS WITH '106' RETURN count(s) AS n").single()["n"]
    for port in ring_ports:  # every recipient of a ring port's texts, and nothing as a phone number
        assert texts[port] == int((calls.caller_msisdn == port).sum())
    assert port_as_sim == 0
    assert reported_ports == ring_ports
    assert reported_middles == ring_middles & set(pd.read_csv(PORTS / "reports.csv", dtype=str)["msisdn"])
    assert sorted(behind["fronts"]) >= ["F0", "F1", "F2"] and "AG-RESELL" in behind["agents"]
    assert (
        bound["n"] == len(ring_middles) and bound["longest"] == 12.0 and set(bound["who"]) <= {"F0", "F1", "F2", "F3"}
    )


@pytest.mark.neo4j
def test_bulk_import_loads_ports_and_bindings_as_bolt_does(empty_db: Settings) -> None:
    bulk_import_matches_bolt(PORTS, empty_db)
