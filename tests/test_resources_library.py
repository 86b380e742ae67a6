"""The saved queries that answer who is behind an SMS port or a middle number, run against the server."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import load_into_empty

from duanka import db
from duanka.browser import EXAMPLES, grass, guide_html
from duanka.library import parts
from duanka.querytool import run_query
from duanka.settings import Settings
from graphmodel.roles import ROLE

PORTS = Path(__file__).parent / "fixtures" / "foreign" / "sms-ports"
pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def ports_graph(settings: Settings) -> Settings:
    load_into_empty(settings, PORTS)
    return settings


def _ask(settings: Settings, name: str, **params: str) -> list[dict[str, str]]:
    with db.session(settings) as sess:
        columns, rows = run_query(sess, parts(name)[1], params)
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _truth(role: str) -> list[str]:
    truth = pd.read_csv(PORTS / "truth.csv", dtype=str)
    return sorted(truth.loc[truth.role == role, "entity_id"])


def test_behind_a_ring_port_are_its_front_his_other_shells_and_the_reseller_s_ports(ports_graph: Settings) -> None:
    ring_ports = _truth("fraud_port")
    (row,) = _ask(ports_graph, "behind_port", port_code=ring_ports[0])
    assert row["legal_person"].startswith("Person F") and row["enterprise"].startswith("Enterprise E-SHELL")
    assert row["other_enterprises"].startswith("E-SHELL")  # the farmer fronts another young company
    assert int(row["reports"]) >= 1 and int(row["recipients"]) == 30
    assert row["reseller"] == "Enterprise AG-RESELL"
    assert sorted(row["reseller_ports"].split(", ")) == ring_ports
    assert row["legal_person_cards"].count(",") == 2  # the farmer's three cards


def test_behind_a_bank_s_port_is_an_old_bank_with_no_other_companies(ports_graph: Settings) -> None:
    (row,) = _ask(ports_graph, "behind_port", port_code="106900001111")
    assert row["enterprise"] == "Enterprise E-BANK" and row["registered_at"].startswith("1997")
    assert row["other_enterprises"] == "" and row["reports"] == "0"
    assert row["reseller"] == "Enterprise SP-LICENSED"
    assert "106900001111" in row["reseller_ports"].split(", ")


def test_behind_a_middle_number_is_the_card_it_was_bound_to_for_minutes(ports_graph: Settings) -> None:
    for middle in _truth("fraud_middle_number"):
        (row,) = _ask(ports_graph, "behind_middle_number", middle_number=middle)
        assert row["holder"].startswith("Person F") and float(row["longest_minutes"]) == 12
        assert row["legal_person"].startswith("Person F") and int(row["parties_called"]) == 10
    reported = [
        r for m in _truth("fraud_middle_number") for r in _ask(ports_graph, "behind_middle_number", middle_number=m)
    ]
    assert sum(bool(r["reports"]) for r in reported) == 5  # the fixture's five reports naming middle numbers


def test_a_reseller_lists_every_port_it_leased(ports_graph: Settings) -> None:
    rows = _ask(ports_graph, "reseller", enterprise_id="AG-RESELL")
    assert sorted(r["port"].removeprefix("Port ") for r in rows) == _truth("fraud_port")
    assert all(r["legal_person"].startswith("Person F") for r in rows)
    # The guide's example reseller is the one behind the most reported ports.
    with db.session(ports_graph) as sess:
        assert sess.run(f"RETURN {EXAMPLES['enterprise_id']} AS e").single()["e"] == "AG-RESELL"


def test_the_guide_offers_the_new_queries_and_colours_the_new_roles() -> None:
    page = guide_html()
    for name in ("behind port", "behind middle number", "reseller"):
        assert f"<h3>{name}</h3>" in page
    style = grass()
    for key in ("shell_enterprise", "fraud_port", "fraud_middle_number"):
        assert f"node.{ROLE[key].label} {{\n  color: {ROLE[key].colour};" in style
