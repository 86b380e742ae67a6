"""Tests that try to break duanka: hostile files, injection, faults mid-step, concurrent writers."""

from __future__ import annotations

import ast
import csv
import dataclasses
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import neo4j
import pandas as pd
import pytest
from helpers import ingest_source
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from worlds import GeneratedWorlds, LoadedWorlds

from duanka import db, queries
from duanka.errors import DuankaError
from duanka.export.run import ExportParams, export
from duanka.generate import generate
from duanka.generate.world import COLUMNS
from duanka.lock import database_lock
from duanka.settings import Settings
from flows.detect import detect

ROOT = Path(__file__).resolve().parent.parent

PAYLOADS = [
    "x'}) DETACH DELETE n //",
    '"}) MATCH (m) DETACH DELETE m //',
    "$rows",
    "{x: 1}",
    "`Person`",
    "\\u0027",
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1+1",
    "line\nbreak",
    'quo"te',
    "tab\there",
    "\r",
    "\x00nul",
    "\u202eRTL",
    "中文名字",
    "😀",
    " padded ",
]
hostile = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=24),
    st.text(alphabet="0123456789X+- ()", min_size=0, max_size=22),
    st.integers(1500, 40_000).map(lambda n: "ab" * n),  # huge field
    st.just(""),
)
PERSON_COLUMNS = list(COLUMNS["persons"])  # the columns the generator writes, as the input contract lists them
SIM_COLUMNS = list(COLUMNS["sims"])
ACCOUNT_COLUMNS = list(COLUMNS["bank_accounts"])


def rows_of(columns: list[str], min_size: int = 0) -> st.SearchStrategy[list[list[str]]]:
    return st.lists(st.lists(hostile, min_size=len(columns), max_size=len(columns)), min_size=min_size, max_size=8)


def write(path: Path, columns: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(columns)
        out.writerows(rows)


@hyp_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    persons=rows_of(PERSON_COLUMNS, 1),
    sims=rows_of(SIM_COLUMNS),
    accounts=rows_of(ACCOUNT_COLUMNS),
    valid_holder=st.booleans(),
)
def test_hostile_rows_are_loaded_or_quarantined_and_counts_reconcile(
    empty_db: Settings, tmp_path_factory, persons, sims, accounts, valid_holder
) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path_factory.mktemp("hostile")
    if valid_holder and sims:  # some references that do resolve, so loading happens too
        sims[0][0], sims[0][1] = "13800138000", persons[0][0]
    write(source / "persons.csv", PERSON_COLUMNS, persons)
    write(source / "sims.csv", SIM_COLUMNS, sims)
    write(source / "bank_accounts.csv", ACCOUNT_COLUMNS, accounts)
    with db.session(empty_db) as sess:
        sess.run("MATCH (n) DETACH DELETE n").consume()
    result = ingest_source(source, empty_db)
    assert result.ok, result.table()
    by_file = {f.file: f for f in result.files}
    for name, rows in (("persons", persons), ("sims", sims), ("bank_accounts", accounts)):
        f = by_file[name]
        assert f.rows_read == len(rows) and f.rows_read == f.rows_loaded + f.rows_quarantined, (name, f)
    quarantine = Path(result.quarantine)
    if quarantine.exists():
        bad = pd.read_csv(quarantine, dtype=str, keep_default_na=False)
        assert (bad["reason"].str.len() > 0).all()
    with db.session(empty_db) as sess:
        stored = [r["id"] for r in sess.run("MATCH (p:Person) RETURN p.person_id AS id")]
    assert len(stored) == by_file["persons"].rows_loaded
    written = {str(r[0]).strip() for r in persons}
    assert set(stored) <= written  # values stored as written (trimmed): payloads are data, never Cypher


def test_injection_payloads_load_as_plain_values(empty_db: Settings, tmp_path: Path) -> None:
    generate(tmp_path, "demo", persons=200, seed=2)
    frame = pd.read_csv(tmp_path / "persons.csv", dtype=str, keep_default_na=False)
    evil = ["x'}) DETACH DELETE n //", '"}) MATCH (m) DETACH DELETE m RETURN 1 //', "1 OR 1=1"]
    for column in ("sims", "bank_accounts"):
        linked = pd.read_csv(tmp_path / f"{column}.csv", dtype=str, keep_default_na=False)
        for i, value in enumerate(evil):
            linked["holder_person_id"] = linked["holder_person_id"].replace(frame.loc[i, "person_id"], value)
        linked.to_csv(tmp_path / f"{column}.csv", index=False)
    frame.loc[: len(evil) - 1, "person_id"] = evil
    frame.to_csv(tmp_path / "persons.csv", index=False)
    result = ingest_source(tmp_path, empty_db)
    assert result.ok
    with db.session(empty_db) as sess:
        found = {
            r["id"] for r in sess.run("MATCH (p:Person) WHERE p.person_id IN $ids RETURN p.person_id AS id", ids=evil)
        }
        persons = sess.run("MATCH (p:Person) RETURN count(p) AS c").single()["c"]
        held = sess.run(
            "MATCH (p:Person {person_id: $id})-[:HOLDS_SIM|HOLDS_ACCOUNT]->(x) RETURN count(x) AS c", id=evil[0]
        ).single()["c"]
    assert found == set(evil) and persons == len(frame) and held > 0


def test_no_cypher_is_built_by_formatting_data_into_text() -> None:
    """Every query the code sends is a constant, a queries/ file, or generated from the schema declaration."""
    allowed = {  # file: why its formatted Cypher carries no data
        "graphmodel/cypher.py": "generates the loader Cypher from the schema's labels and property names",
        "graphmodel/apply.py": "runs the generated constraint statements",
        "duanka/ingest/reconcile.py": "found_in_graph() names a label or type taken from the schema, values are parameters",
        "duanka/ingest/checks.py": "in_database() names a label and key taken from the schema, values are parameters",
        "duanka/graphstats.py": "count-store queries name labels and types from the schema declaration",
        "duanka/queries.py": "batched_frame wraps a queries/ file unchanged and names its own RETURN columns",
    }
    receivers = {"sess", "session", "tx", "db", "drv", "driver"}
    offenders = []
    for path in [*ROOT.glob("duanka/**/*.py"), *ROOT.glob("graphmodel/*.py"), *ROOT.glob("flows/*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.args
                and node.func.attr in ("run", "read", "execute_query")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in receivers
            ):
                continue
            query = node.args[1] if node.func.value.id == "db" and len(node.args) > 1 else node.args[0]
            formatted = (
                isinstance(query, ast.JoinedStr)
                or (isinstance(query, ast.BinOp) and isinstance(query.op, (ast.Add, ast.Mod)))
                or (
                    isinstance(query, ast.Call)
                    and isinstance(query.func, ast.Attribute)
                    and query.func.attr == "format"
                )
            )
            if formatted and rel not in allowed:
                offenders.append(f"{rel}:{node.lineno}")
    assert not offenders, f"Cypher formatted with values: {offenders}"
    for path in (ROOT / "queries").rglob("*.cypher"):
        text = path.read_text(encoding="utf-8")
        assert "{{" not in text and "%s" not in text, f"{path} looks like a template, not a parameterised query"


def test_mixed_encoding_line_is_quarantined_not_fatal(empty_db: Settings, tmp_path: Path) -> None:
    generate(tmp_path, "demo", persons=50, seed=3)
    lines = (tmp_path / "persons.csv").read_bytes().splitlines(keepends=True)
    lines[5] = lines[5].decode("utf-8").encode("gb18030")  # one row from a GBK system
    (tmp_path / "persons.csv").write_bytes(b"".join(lines))
    result = ingest_source(tmp_path, empty_db)
    persons = next(f for f in result.files if f.file == "persons")
    assert result.ok and persons.rows_quarantined >= 1 and persons.rows_loaded >= 48


# -- faults ----------------------------------------------------------------------------------------


@pytest.fixture()
def loaded(settings: Settings, generated_worlds: GeneratedWorlds, loaded_worlds: LoadedWorlds) -> Settings:
    """A world loaded: loaded again only when a test before wrote to the database."""
    source = generated_worlds.extract("demo", persons=800, seed=6)
    assert loaded_worlds.hold(("ingested", source), lambda: ingest_source(source, settings)).ok
    return settings


def latest_completed(settings: Settings) -> str | None:
    with db.session(settings) as sess:
        rows = db.read(sess, queries.load("export/detect_run"), run_id=None)
    return rows[0]["run"]["run_id"] if rows else None


def test_detection_cut_off_mid_write_back_presents_nothing_partial_and_reruns_clean(
    loaded: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = detect(seed=1)
    real_run = db.run

    def dropped(sess, query, **params):  # type: ignore[no-untyped-def]
        if query == queries.load("detect/write_leads"):
            raise neo4j.exceptions.ServiceUnavailable("connection lost (injected)")
        return real_run(sess, query, **params)

    monkeypatch.setattr(db, "run", dropped)
    with pytest.raises(neo4j.exceptions.ServiceUnavailable):
        detect(seed=1)  # the flow retries the write twice, then gives up
    monkeypatch.setattr(db, "run", real_run)
    assert latest_completed(loaded) == first.run_id  # the half-written run is never "latest"
    with db.session(loaded) as sess:
        status = db.read(
            sess, "MATCH (r:Run {kind: 'detect'}) WHERE r.run_id <> $id RETURN r.status AS s", id=first.run_id
        )
    assert status == [{"s": "writing"}]
    again = detect(seed=1)
    assert latest_completed(loaded) == again.run_id
    with db.session(loaded) as sess:
        doubled = sess.run(
            "MATCH (n)-[m:MEMBER_OF]->(c) WITH n, c, count(m) AS k WHERE k > 1 RETURN count(*) AS c"
        ).single()["c"]
        flags = sess.run(
            "MATCH (n)-[f:FLAGGED_IN]->(:Run {run_id: $id}) RETURN count(f) AS c", id=again.run_id
        ).single()["c"]
    assert doubled == 0 and flags == len(again.leads)


def test_export_faults_end_with_a_clear_error(loaded: Settings, tmp_path: Path) -> None:
    detect(seed=1)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(DuankaError, match="nothing was published"):
        export(loaded, ExportParams(blocker / "exports"))
    wrong = dataclasses.replace(loaded, connection=dataclasses.replace(loaded.connection, password="wrong-password"))
    with pytest.raises(DuankaError, match="refused the credentials"):
        export(wrong, ExportParams(tmp_path / "out"))
    assert not (tmp_path / "out" / "manifest.json").exists()


# -- concurrency -----------------------------------------------------------------------------------


def test_a_second_writer_is_refused_while_the_first_holds_the_database(loaded: Settings) -> None:
    holding, release = threading.Event(), threading.Event()

    def first() -> None:
        with database_lock(loaded, "first run"):
            holding.set()
            release.wait(30)

    worker = threading.Thread(target=first)
    worker.start()
    holding.wait(10)
    try:
        with pytest.raises(DuankaError, match=r"Another run is writing.*first run"):
            with database_lock(loaded, "second run", wait=1, poll=0.2):
                pass
    finally:
        release.set()
        worker.join()
    with database_lock(loaded, "third run", wait=0):  # free again
        pass


def test_the_lock_is_reentrant_within_its_thread(loaded: Settings) -> None:
    """The pipeline holds the lock around its own ingest, which takes it again."""
    with database_lock(loaded, "pipeline"):
        with database_lock(loaded, "its ingest", wait=0):
            assert "pipeline" in _lock_text(loaded)
        assert "pipeline" in _lock_text(loaded)  # the inner exit did not release it
        holder_refused: list[str] = []

        def other() -> None:
            try:
                with database_lock(loaded, "other thread", wait=0):
                    pass
            except DuankaError as exc:
                holder_refused.append(str(exc))

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert holder_refused and "pipeline" in holder_refused[0]


def _hold_forever(settings: Settings) -> None:
    with database_lock(settings, "crashing run"):
        time.sleep(600)


def test_the_lock_dies_with_a_crashed_holder(loaded: Settings) -> None:
    proc = multiprocessing.get_context("fork").Process(target=_hold_forever, args=(loaded,))
    proc.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "crashing run" not in _lock_text(loaded):
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    with database_lock(loaded, "after the crash", wait=5):
        pass


def _lock_text(settings: Settings) -> str:
    from duanka.lock import lock_path

    path = lock_path(settings)
    return path.read_text() if path.exists() else ""


def test_two_pipelines_at_once_leave_the_graph_as_one_would(
    loaded: Settings, generated_worlds: GeneratedWorlds
) -> None:
    """Two ingests of the same extract race for the database: they run one after the other, and the
    graph is the one a single load makes."""
    from helpers import graph_snapshot

    source = generated_worlds.extract("demo", persons=800, seed=6)  # the extract `loaded` holds
    one = graph_snapshot(loaded)
    errors: list[BaseException] = []

    def pipeline() -> None:
        try:
            with database_lock(loaded, "pipeline", wait=120):
                assert ingest_source(source, loaded).ok
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=pipeline) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and graph_snapshot(loaded) == one
