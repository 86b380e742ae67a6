"""The schema declaration is the single source: docs and queries/ must match what it generates."""

from __future__ import annotations

import re
from pathlib import Path

from graphmodel.cypher import constraints, loaders
from graphmodel.docs import cypher_files, markdown
from graphmodel.schema import NODES, RELATIONSHIPS

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


def test_roles_and_statuses_are_declared_once() -> None:
    """Where Cypher must spell the statuses out (an investigator runs decide.cypher in the Browser as is),
    it spells the declared ones; the Browser style colours each role with its declared colour."""
    import re

    from duanka import queries
    from duanka.browser import grass
    from graphmodel.roles import DECISIONS, ROLES

    listed = re.search(r"\$status IN \[([^\]]*)\]", queries.load("casework/decide")).group(1)
    assert sorted(s.strip(" '") for s in listed.split(",")) == sorted(DECISIONS)
    style = grass()
    for role in ROLES:
        assert role.label in style and (role.colour in style or role.label == "Suspect")
