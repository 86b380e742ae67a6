"""What detection writes is what the schema declares it writes: rows, Cypher and the Run record agree."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from duanka.detect import writeback
from duanka.detect.reading import FACT_QUERIES, region_scope
from duanka.detect.region import Region
from duanka.entity_keys import entity_key, entity_keys, ids_of_type, split_entity_key
from duanka.errors import DuankaError
from duanka.run_record import run_record
from graphmodel.schema import CLUSTER, SUSPICION, relationship

QUERIES = Path(__file__).resolve().parent.parent / "queries" / "detect"


def set_on(query: str, var: str) -> dict[str, str]:
    """`var.prop = row.field` pairs the query's SET clauses write."""
    text = (QUERIES / f"{query}.cypher").read_text(encoding="utf-8")
    return dict(re.findall(rf"\b{var}\.(\w+) = row\.(\w+)", text))


def entities(**columns: list[object]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "entity_type": ["sim", "account", "person"],
            "entity_id": ["13800138000", "6222:02", "p1"],
            "role": ["number_dealer", "mule", "unknown"],
            "score": [0.9, 0.5, 0.1],
            "rule_score": [0.8, 0.5, 0.1],
            "cluster_id": ["C1", None, None],
            "reasons_en": ["a", "b", ""],
            "reasons_zh": ["甲", "乙", ""],
            "status": ["suspected"] * 3,
            "priority": [0.8, 0.5, 0.1],
            "kinds": [2, 1, 1],
            "lead": [True, False, False],
            "ranked": [False, True, False],
        }
        | columns
    )
    return frame.set_axis(entity_keys(frame["entity_type"], frame["entity_id"]))


@pytest.mark.parametrize(("query", "rel"), [("write_leads", "FLAGGED_IN"), ("write_ranked", "RANKED_IN")])
def test_a_lead_and_a_ranked_entity_are_written_with_every_declared_property_and_no_other(query: str, rel: str) -> None:
    written = set_on(query, "f")
    assert set(written) == set(writeback.written_by_detection(relationship(rel).props))
    rows = writeback.entity_rows(entities())
    assert set(written.values()) <= set(rows[0]), query


def test_a_member_is_written_with_every_declared_property_and_the_entity_its_suspicion() -> None:
    written = set_on("write_members", "m")
    declared = set(writeback.written_by_detection(relationship("MEMBER_OF").props))
    assert set(written) == declared - {"run_id"}  # the run's id is the query's parameter
    assert set(set_on("write_members", "n")) <= {p.name for p in SUSPICION if p.by == "detect"}
    assert set(written.values()) <= set(writeback.entity_rows(entities())[0])


def test_a_cluster_is_written_with_declared_properties() -> None:
    assert set(set_on("write_clusters", "c")) <= {p.name for p in CLUSTER.props}
    assert set(set_on("write_clusters", "f")) == set(writeback.written_by_detection(relationship("FOUND_IN").props))


def test_the_rows_are_those_of_leads_ranked_entities_and_members_ranked_from_one() -> None:
    rows = writeback.entity_rows(entities())
    assert [(r["type"], r["id"], r["rank"]) for r in rows] == [("sim", "13800138000", 1), ("account", "6222:02", 2)]
    assert rows[0]["label"] != "Suspect" and rows[1]["cluster_id"] is None


def test_an_undeclared_field_is_never_written() -> None:
    with pytest.raises(DuankaError, match="not_declared"):
        writeback.check_declared([{"type": "sim", "not_declared": 1}], ("type",), "a written entity")
    with pytest.raises(DuankaError, match="seconds_dreaming"):
        run_record(run_id="detect-x", seconds_dreaming=1.0)
    assert run_record(run_id="detect-x", seconds_scoring=1.0)["seconds_scoring"] == 1.0


def test_an_entity_key_splits_at_its_first_separator_only() -> None:
    assert split_entity_key(entity_key("account", "6222:02")) == ("account", "6222:02")
    assert split_entity_key("13800138000") == ("", "13800138000")
    keys = entity_keys("sim", pd.Series(["1", "2"]))
    assert list(keys) == ["sim:1", "sim:2"] and ids_of_type([*keys, "account:1"], "sim") == {"1", "2"}


def test_every_fact_query_a_region_limits_names_the_entities_its_rows_are_about() -> None:
    limited = [q for q in FACT_QUERIES.values() if q.limited]
    assert limited and all(q.region_type and q.rows_about for q in limited)
    assert all(not q.rows_about for q in FACT_QUERIES.values() if not q.limited)
    region = Region({"sim:1", "account:a", "account:b", "device:d"})
    assert region_scope(region.ids) == {"sims": ["1"], "devices": ["d"], "accounts": ["a", "b"]}
    assert region.scope == region_scope(region.ids)


def test_the_scored_entity_table_has_the_declared_columns_and_its_inputs_stay_as_they_were() -> None:
    from test_absent import rich

    from duanka.detect.ranking import ENTITY_COLUMNS, own_suspicions, rank_entities
    from duanka.params import DetectParams

    facts, params = rich(), DetectParams()
    own = own_suspicions(facts, params)
    before = own.scored.copy()
    community = pd.Series("ring", index=own.scored.index)
    ranked, clusters = rank_entities(facts, community, params, own=own)
    assert list(ranked.columns) == list(ENTITY_COLUMNS)
    assert ranked["lead"].any() and len(clusters) == 1
    pd.testing.assert_frame_equal(own.scored, before)  # scoring returns new frames, never rewrites its input
