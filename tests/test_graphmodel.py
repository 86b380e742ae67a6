"""The schema declaration is the single source: docs and queries/ must match what it generates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphmodel.cypher import constraints, loaders
from graphmodel.docs import cypher_files, markdown
from graphmodel.schema import NODES, RELATIONSHIPS, Prop, node

ROOT = Path(__file__).resolve().parent.parent


def test_docs_are_generated_from_the_declaration() -> None:
    assert (ROOT / "docs" / "graph-model.md").read_text(encoding="utf-8") == markdown(), "run `duanka docs`"
    assert (ROOT / "docs" / "graph-model.png").stat().st_size > 10_000


def test_queries_load_match_what_ingest_runs() -> None:
    for name, text in cypher_files().items():
        assert (ROOT / "queries" / name).read_text(encoding="utf-8") == text, (
            f"queries/{name} is stale: run `duanka docs`"
        )


def test_loaders_name_only_declared_labels_and_types() -> None:
    labels = {n.label for n in NODES}
    types = {r.type for r in RELATIONSHIPS}
    for statement in loaders():
        code = "\n".join(line for line in statement.cypher.splitlines() if not line.startswith("//"))
        assert set(re.findall(r"\(\w*:(\w+)", code)) <= labels, statement.name
        assert set(re.findall(r"\[\w*:(\w+)", code)) <= types, statement.name
        assert "$rows" in code or "$keys" in code


def test_loader_plans_avoid_property_maps() -> None:
    """`SET x += map` makes the planner add Eager; every property is named instead."""
    for statement in loaders():
        assert "+=" not in statement.cypher


def test_one_constraint_per_key() -> None:
    names = [c.name for c in constraints()]
    assert len(names) == len(set(names))
    assert sum(name.endswith("_unique") for name in names) == len(NODES) + sum(r.key_unique for r in RELATIONSHIPS)


def test_hand_written_queries_hold_the_declared_mapping_and_statuses() -> None:
    """The entity-type/label/key mapping and the decision statuses in queries/ are generated, and current."""
    from graphmodel.cypher import with_generated_fragments
    from graphmodel.docs import hand_written

    stale = [
        p.name
        for p in hand_written(ROOT)
        if with_generated_fragments(p.read_text(encoding="utf-8")) != p.read_text(encoding="utf-8")
    ]
    assert not stale, f"run `duanka docs`: {stale}"


def test_a_stale_fragment_is_rewritten_from_the_schema() -> None:
    from graphmodel.cypher import with_generated_fragments
    from graphmodel.roles import DECISIONS

    current = (ROOT / "queries" / "casework" / "decide.cypher").read_text(encoding="utf-8")
    device_arm = "  UNION\n  MATCH (n:Device {device_id: $entity_id}) WHERE $entity_type = 'device' RETURN n\n"
    assert device_arm in current
    stale = current.replace(device_arm, "").replace(f"'{DECISIONS[0]}', ", "")
    stale = stale.replace("WHEN n:Device THEN 'device' ", "")
    assert stale != current and with_generated_fragments(stale) == current
    old_leads = "CASE WHEN n:Person THEN 'person' ELSE 'sim' END, coalesce(n.person_id, n.msisdn)"
    assert with_generated_fragments(old_leads) == (
        "CASE WHEN n:Person THEN 'person' WHEN n:Sim THEN 'sim' WHEN n:Account THEN 'account' WHEN n:Device THEN 'device' "
        "WHEN n:Enterprise THEN 'enterprise' WHEN n:Port THEN 'port' WHEN n:MiddleNumber THEN 'middle_number' END, "
        "coalesce(n.person_id, n.msisdn, n.account_id, n.device_id, n.enterprise_id, n.port_code, n.middle_number)"
    )


def test_what_a_load_wrote_is_sought_on_every_loaded_label_and_type() -> None:
    """A relationship type added to the schema reaches changed_since.cypher's arms and gets its index."""
    from graphmodel.cypher import with_generated_fragments
    from graphmodel.schema import KEYED, LOADED_RELATIONSHIPS

    current = (ROOT / "queries" / "detect" / "changed_since.cypher").read_text(encoding="utf-8")
    arm = "  UNION\n  MATCH (a)-[r:TRANSFER]->(b) WHERE r.load_id >= $loaded_from UNWIND [a, b] AS n RETURN n\n"
    assert arm in current and with_generated_fragments(current.replace(arm, "")) == current
    assert current.count("load_id >= $loaded_from") == len(KEYED) + len(LOADED_RELATIONSHIPS)
    indexed = {c.name for c in constraints() if c.name.endswith("_load_id_index")}
    snake = {n.label: re.sub(r"(?<!^)(?=[A-Z])", "_", n.label).lower() for n in KEYED}  # MiddleNumber: middle_number
    assert indexed == {f"{snake[n.label]}_load_id_index" for n in KEYED} | {
        f"{r.type.lower()}_load_id_index" for r in LOADED_RELATIONSHIPS
    }


def test_roles_are_declared_once() -> None:
    """The Browser style colours each role with its declared colour."""
    from duanka.browser import grass
    from graphmodel.roles import ROLES

    style = grass()
    for role in ROLES:
        assert role.label in style and (role.colour in style or role.label == "Suspect")


def test_detection_docs_hold_the_model_as_declared() -> None:
    from duanka.detect.model import with_model_table

    page = (ROOT / "docs" / "detection.md").read_text(encoding="utf-8")
    assert with_model_table(page) == page, "run `duanka docs`"


def test_write_back_queries_are_the_ones_the_schema_generates() -> None:
    """queries/detect/write_*.cypher and the exports' lead lists are generated, and say so."""
    from graphmodel.writeback import HEADER
    from graphmodel.writeback import cypher_files as written_back

    files = written_back()
    assert {"detect/write_leads.cypher", "detect/write_members.cypher", "export/leads.cypher"} <= set(files)
    for name, text in files.items():
        committed = (ROOT / "queries" / name).read_text(encoding="utf-8")
        assert committed == text, f"queries/{name} differs from what the schema generates: run `duanka docs`"
        assert committed.startswith(HEADER + "\n")


def test_write_back_sets_every_property_detection_declares() -> None:
    from graphmodel.schema import CLUSTER, relationship
    from graphmodel.writeback import write_clusters, write_leads, write_lineage, write_members, write_ranked

    def set_on(var: str, cypher: str) -> set[str]:
        code = "\n".join(line for line in cypher.splitlines() if not line.startswith("//"))
        return set(re.findall(rf"\b{var}\.(\w+) = ", code))

    def by_detect(props: tuple[Prop, ...]) -> set[str]:
        return {p.name for p in props if p.by == "detect"}

    for statement, rel in ((write_leads(), "FLAGGED_IN"), (write_ranked(), "RANKED_IN")):
        assert set_on("f", statement.cypher) == by_detect(relationship(rel).props) != set()
    members = write_members().cypher
    assert set_on("m", members) == by_detect(relationship("MEMBER_OF").props)
    assert (
        set_on("n", members)
        == by_detect(node("Person").props)
        == {
            "suspicion_score",
            "suspected_role",
            "suspicion_run",
            "suspicion_reasons",
        }
    )
    clusters = write_clusters().cypher
    assert set_on("c", clusters) == by_detect(CLUSTER.props) and "c.status = 'suspected'" in clusters
    assert set_on("f", clusters) == by_detect(relationship("FOUND_IN").props)
    lineage = write_lineage().cypher
    assert "{run_id: $run_id}" in lineage and set_on("d", lineage) == by_detect(relationship("DERIVED_FROM").props) - {
        "run_id"
    }


def test_a_label_a_lead_may_have_reaches_the_write_path_and_the_export() -> None:
    """Entities are addressed from the relationship's declared starts: a new kind of lead needs no hand edit."""
    from dataclasses import replace

    from graphmodel.schema import relationship
    from graphmodel.writeback import LISTED, export_list, write_leads, write_members, write_ranked

    arm = "  MATCH (n:Outlet {outlet_id: row.id}) WHERE row.type = 'outlet' RETURN n\n"
    for make, rel in ((write_leads, "FLAGGED_IN"), (write_ranked, "RANKED_IN")):
        declared = relationship(rel)
        assert arm not in make(declared).cypher
        assert arm in make(replace(declared, also_from=(*declared.also_from, "Outlet"))).cypher
    members = relationship("MEMBER_OF")
    assert arm not in write_members(members).cypher
    with pytest.raises(ValueError, match="suspicion properties"):  # a member's label must carry what a run writes
        write_members(replace(members, also_from=(*members.also_from, "Outlet")))
    wider = replace(relationship("FLAGGED_IN"), also_from=(*relationship("FLAGGED_IN").also_from, "Outlet"))
    listed = export_list(wider, "// leads")
    assert "WHEN n:Outlet THEN 'outlet'" in listed and "n.middle_number, n.outlet_id)" in listed
    with pytest.raises(ValueError, match="entity_type"):
        write_leads(replace(wider, also_from=(*wider.also_from, "Report")))
    with pytest.raises(ValueError, match="reasons_zh"):
        export_list(replace(wider, props=tuple(p for p in wider.props if p.name != "reasons_zh")), "// leads")
    assert all(f"f.{name} AS {name}" in listed for name in LISTED)
