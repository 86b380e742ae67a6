"""Saved queries only read; what writes has its own command and leaves an audit entry."""

from __future__ import annotations

import html
import re

import pytest
from typer.testing import CliRunner

from duanka import audit, db, queries
from duanka.browser import guide_html
from duanka.cli import app
from duanka.errors import DuankaError
from duanka.library import LIBRARY, parts, saved, with_library
from duanka.querytool import run_query
from duanka.settings import Settings, project_root

ROOT = project_root()
WRITE = re.compile(
    r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DETACH|DROP|LOAD\s+CSV)\b|\bCALL\b.*\bIN\s+TRANSACTIONS\b", re.I | re.S
)
# Writes the pipeline and casework run, and what a user might try through `duanka query`.
WRITES = {
    "maintenance/empty_database": {},
    "detect/clear_stale": {"run_id": "detect-x", "role_labels": ["Suspect"]},
    "casework/decide": {"entity_type": "person", "entity_id": "P1", "status": "confirmed", "by": "x", "note": "y"},
}


def flat(output: str) -> str:
    """CLI output with rich's line wrapping undone."""
    return " ".join(output.split())


def test_the_library_is_the_top_level_queries() -> None:
    """One list, and it is the files an investigator finds at the top of queries/."""
    assert set(LIBRARY) == {p.stem for p in (ROOT / "queries").glob("*.cypher")}
    for name in LIBRARY:
        assert not WRITE.search(parts(name)[1]), name


def test_the_browser_guide_holds_no_write_query() -> None:
    page = guide_html()
    blocks = [html.unescape(b) for b in re.findall(r'<pre mode="cypher"[^>]*>(.*?)</pre>', page, re.S)]
    assert len(blocks) >= len(LIBRARY)
    for block in blocks:
        assert not WRITE.search(block), block
    for name in LIBRARY:
        assert f"duanka query {name}" in page
    assert "casework/decide" not in page and "duanka decide" in page


def test_the_readme_lists_the_library() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert with_library(readme) == readme, "run `duanka docs`"
    assert "casework/decide" not in readme


@pytest.mark.parametrize("name", [*WRITES, "load/load_person", "nonexistent"])
def test_query_refuses_what_is_not_in_the_library(name: str) -> None:
    result = CliRunner().invoke(app, ["query", name])
    assert result.exit_code == 1
    assert "investigator's library" in flat(result.output) and "latest_clusters" in result.output


def _count(settings: Settings) -> int:
    with db.session(settings) as sess:
        return int(db.read(sess, "MATCH (n) RETURN count(n) AS n")[0]["n"])


@pytest.fixture()
def some_graph(empty_db: Settings) -> Settings:
    with db.session(empty_db) as sess:
        db.run(sess, "UNWIND range(1, 5) AS i CREATE (:Person {person_id: 'P' + toString(i)})")
    return empty_db


def test_a_write_through_the_saved_query_path_is_refused_by_the_server(some_graph: Settings) -> None:
    with db.session(some_graph) as sess:
        columns, _ = run_query(sess, saved("latest_clusters"), {"limit": 10})
        assert "cluster_id" in columns
        for cypher, params in [
            ("CREATE (:Person {person_id: 'P9'})", {}),
            ("MATCH (n) DETACH DELETE n", {}),
            *((queries.load(name), params) for name, params in WRITES.items()),
        ]:
            with pytest.raises(DuankaError, match="only reads"):
                run_query(sess, cypher, params)
    assert _count(some_graph) == 5


def test_query_leaves_the_graph_unchanged_when_asked_to_write(some_graph: Settings) -> None:
    runner = CliRunner()
    for name in WRITES:
        result = runner.invoke(app, ["query", name])
        assert result.exit_code == 1, result.output
    assert _count(some_graph) == 5


def test_emptying_the_database_is_asked_for_and_audited(some_graph: Settings) -> None:
    runner = CliRunner()
    before = len(audit.entries(some_graph))
    refused = runner.invoke(app, ["neo4j", "empty", "--reason", "start over"])
    assert refused.exit_code == 1 and "--empty-the-database" in refused.output
    unexplained = runner.invoke(app, ["neo4j", "empty", "--empty-the-database"])
    assert unexplained.exit_code == 1 and "--reason" in unexplained.output
    assert _count(some_graph) == 5 and len(audit.entries(some_graph)) == before

    done = runner.invoke(app, ["neo4j", "empty", "--empty-the-database", "--reason", "start over", "--by", "王警官"])
    assert done.exit_code == 0, done.output
    assert _count(some_graph) == 0
    entry = audit.entries(some_graph)[-1]
    assert entry["action"] == "empty_database" and entry["by"] == "王警官" and entry["reason"] == "start over"
    assert entry["entities"] == 5 and entry["database"] == some_graph.connection.database
    audit.verify(some_graph)


def test_audit_marks_decisions_written_around_duanka_decide(some_graph: Settings) -> None:
    from duanka.casework import decide

    decide(some_graph, "person:P1", "dismissed", "王警官", "checked on site")
    with db.session(some_graph) as sess:
        db.run(sess, queries.load("casework/decide"), **WRITES["casework/decide"])
    result = CliRunner().invoke(app, ["audit", "--since", "2000-01-01"])
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert text.count("UNAUDITED") == 1
    assert "1 decision(s) in the graph are missing from the audit log" in text
