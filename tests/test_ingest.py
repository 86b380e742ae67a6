"""Ingest against the real server: nothing lost, nothing doubled, bad rows quarantined with reasons."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import assert_one_truth, bulk_import_matches_bolt, empty, graph_snapshot, ingest_source
from worlds import GeneratedWorlds, LoadedWorlds

from duanka import db
from duanka.detect.source import choose
from duanka.errors import DuankaError
from duanka.generate import generate
from duanka.ingest import read
from duanka.ingest.run import IngestResult
from duanka.ingest.seen import Seen, hashed
from duanka.settings import Settings
from duanka.store import layout


@pytest.fixture()
def dirty_world(generated_worlds: GeneratedWorlds) -> Path:
    return generated_worlds.extract("demo", persons=1500, seed=11, dirty_rows=0.02)


@pytest.fixture()
def dirty_loaded(settings: Settings, loaded_worlds: LoadedWorlds, dirty_world: Path) -> IngestResult:
    """The dirty world loaded into an emptied database, and what its ingest said: loaded again only when a
    test before wrote to the database."""
    return loaded_worlds.hold(("ingested", dirty_world), lambda: ingest_source(dirty_world, settings))


def csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_dirty_rows_are_quarantined_and_counts_reconcile(dirty_loaded: IngestResult, dirty_world: Path) -> None:
    result = dirty_loaded
    assert result.ok, (result.table(), result.expected, result.found)
    quarantine = csv(Path(result.quarantine))
    assert (os.stat(result.quarantine).st_mode & 0o077) == 0
    assert quarantine.reason.str.len().min() > 5
    rejected = set(zip(quarantine.file, quarantine.line.astype(int), strict=False))
    dirty = csv(dirty_world / "dirty_rows.csv")
    listed = set(zip(dirty.file, dirty.line.astype(int), strict=False))
    assert listed <= rejected, sorted(listed - rejected)[:5]
    assert rejected <= listed, sorted(rejected - listed)[:5]  # no clean row is quarantined
    for f in result.files:
        assert f.rows_read == f.rows_loaded + f.rows_quarantined
        assert f.rows_read == len(csv(dirty_world / f.path))
    manifest = json.loads(Path(result.manifest).read_text())
    assert manifest["ok"] and manifest["graph"]["expected"] == manifest["graph"]["found"]


def test_graph_equals_what_the_files_say(settings: Settings, dirty_loaded: IngestResult, dirty_world: Path) -> None:
    quarantine_lines = set()  # spot-check only rows that are clean
    dirty = csv(dirty_world / "dirty_rows.csv")
    for f, line in zip(dirty.file, dirty.line.astype(int), strict=False):
        quarantine_lines.add((f, line))
    sims = csv(dirty_world / "sims.csv").assign(line=lambda d: d.index + 2)
    sims = sims[[("sims.csv", n) not in quarantine_lines for n in sims.line]].sample(25, random_state=1)
    transfers = csv(dirty_world / "transfers.csv").assign(line=lambda d: d.index + 2)
    transfers = transfers[[("transfers.csv", n) not in quarantine_lines for n in transfers.line]].sample(
        25, random_state=1
    )
    from duanka.identifiers import normalise_msisdn

    with db.session(settings) as sess:
        for row in sims.itertuples():
            msisdn = normalise_msisdn(pd.Series([row.msisdn], dtype="string"))[0]
            got = sess.run(
                "MATCH (p:Person)-[:HOLDS_SIM]->(s:Sim {msisdn: $m})-[a:ACTIVATED_AT]->(o:Outlet) "
                "RETURN p.person_id AS holder, s.status AS status, s.imsi AS imsi, o.outlet_id AS outlet, "
                "toString(s.activated_at) AS at, s.carrier AS carrier, s.is_virtual AS virtual",
                m=msisdn,
            ).single()
            assert got is not None, row.msisdn
            assert (got["holder"], got["status"], got["imsi"], got["outlet"]) == (
                row.holder_person_id,
                row.status,
                row.imsi,
                row.outlet_id,
            )
            assert got["at"].startswith(row.activated_at) and got["at"].endswith("+08:00")
            assert got["carrier"]  # derived from the segment when the file left it empty
            assert got["virtual"] == (msisdn[:3] in ("170", "171", "162", "165", "167"))
        for row in transfers.itertuples():
            got = sess.run(
                "MATCH (a:Account)-[t:TRANSFER {transfer_id: $id}]->(b:Account) "
                "RETURN a.account_id AS src, b.account_id AS dst, t.amount AS amount",
                id=row.transfer_id,
            ).single()
            assert (got["src"], got["dst"]) == (row.from_account, row.to_account)
            assert got["amount"] == pytest.approx(float(row.amount))


def test_loading_twice_changes_nothing(settings: Settings, dirty_loaded: IngestResult, dirty_world: Path) -> None:
    first = graph_snapshot(settings)
    second_result = ingest_source(dirty_world, settings)
    assert second_result.ok
    assert graph_snapshot(settings) == first


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False)


def test_incremental_extract_updates_in_place(empty_db: Settings, tmp_path: Path) -> None:
    base = tmp_path / "base"
    generate(base, "demo", persons=400, seed=21)
    ingest_source(base, empty_db)
    before = graph_snapshot(empty_db)

    later = tmp_path / "later"
    later.mkdir()
    sims, accounts = csv(base / "sims.csv"), csv(base / "bank_accounts.csv")
    links = csv(base / "sim_device_links.csv")
    persons = pd.DataFrame(
        [
            {
                "person_id": "PNEW0001",
                "id_number": "11010519491231002X",
                "name": "新人",
                "birth_date": "1949-12-31",
                "region_code": "110105",
            }
        ]
    )
    sim = sims[sims.msisdn.str.fullmatch(r"\d{11}")].iloc[[0]].assign(status="cancelled")
    new_sim = sim.assign(msisdn="13900000001", holder_person_id="PNEW0001", status="active")
    acct = accounts[accounts.account_kind == "debit_card"].iloc[[0]].assign(status="frozen")
    link = links[links.msisdn == sim.msisdn.iloc[0]].iloc[[0]].copy()
    link = link.assign(first_seen="2011-01-01T00:00:00", last_seen="2026-11-30T00:00:00")
    _write(persons, later / "persons.csv")
    _write(pd.concat([sim, new_sim]), later / "sims.csv")
    _write(acct, later / "bank_accounts.csv")
    _write(link, later / "sim_device_links.csv")
    assert ingest_source(later, empty_db).ok

    after = graph_snapshot(empty_db)
    assert after["nodes"] == before["nodes"] + 2  # one person, one SIM: nothing else doubled
    with db.session(empty_db) as sess:
        got = sess.run(
            "MATCH (s:Sim {msisdn: $m})-[r:SEEN_IN]->(d:Device {device_id: $d}) "
            "RETURN s.status AS status, toString(r.first_seen) AS first, toString(r.last_seen) AS last",
            m=sim.msisdn.iloc[0],
            d=link.device_id.iloc[0],
        ).single()
        assert got["status"] == "cancelled"
        assert got["first"].startswith("2011-01-01") and got["last"].startswith("2026-11-30")
        status = sess.run(
            "MATCH (a:Account {account_id: $a}) RETURN a.status AS s", a=acct.account_id.iloc[0]
        ).single()["s"]
        assert status == "frozen"
        holder = sess.run(
            "MATCH (p:Person)-[:HOLDS_SIM]->(:Sim {msisdn: '13900000001'}) RETURN p.person_id AS p"
        ).single()["p"]
        assert holder == "PNEW0001"


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (spawn's resource tracker aside)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"resource_tracker" not in cmdline:
            found.append(int(stat.parent.name))
    return found


def test_killed_load_converges_on_rerun_in_the_graph_and_the_store(empty_db: Settings, tmp_path: Path) -> None:
    source = tmp_path / "src"
    generate(source, "demo", persons=4000, seed=31)
    ingest_source(source, empty_db)
    reference = graph_snapshot(empty_db)
    empty(empty_db)

    # parallel: preparing and writing in processes of their own, which must go with the killed loader
    code = (
        "from pathlib import Path; from duanka.ingest import run; from duanka.settings import Settings; "
        "s = Settings.from_env(); "
        f"o = run.IngestOptions(Path({str(source)!r}), parallel=True); "
        "run.load(s, run.IngestRun(o), run.check(s, o))"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    deadline = time.monotonic() + 120
    with db.session(empty_db) as sess:
        while time.monotonic() < deadline:
            if sess.run("MATCH ()-[r:SEEN_IN]->() RETURN count(r) AS c").single()["c"] > 0:
                break
            time.sleep(0.2)
    helpers = children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(helpers) == 2
    gone = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in helpers) and time.monotonic() < gone:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in helpers), "a helper process outlived the killed loader"
    partial = graph_snapshot(empty_db)
    assert 0 < partial["relationships"] < reference["relationships"]
    with db.session(empty_db) as sess:
        [cut] = db.read(sess, "MATCH (r:Run {kind: 'ingest'}) RETURN r.run_id AS id, r.status AS status")
    assert cut["status"] == "writing"
    assert cut["id"] not in layout.finished(empty_db)  # the store never took the load as whole
    source_now = choose(empty_db, None)  # the store holds no other load: detection reads the graph, says why
    assert not source_now.store and "1 of them cut off while writing" in source_now.why, source_now.why

    rerun = ingest_source(source, empty_db)
    assert rerun.ok and rerun.run_id == cut["id"]  # resumed: one load of the extract, not a torn one beside it
    assert graph_snapshot(empty_db) == reference
    assert choose(empty_db, None).loads == (cut["id"],)
    assert_one_truth(empty_db, "a load cut off, then run again")


def test_missing_required_column_rejects_the_file(empty_db: Settings, tmp_path: Path) -> None:
    generate(tmp_path, "demo", persons=200, seed=2)
    sims = csv(tmp_path / "sims.csv").drop(columns=["msisdn"])
    _write(sims, tmp_path / "sims.csv")
    with pytest.raises(
        DuankaError, match=r"sims\.csv is rejected: its header \(line 1\) has no required column 'msisdn'"
    ):
        ingest_source(tmp_path, empty_db)
    assert graph_snapshot(empty_db)["nodes"] == 0


def test_gb18030_and_bom_and_parquet_sources(empty_db: Settings, tmp_path: Path) -> None:
    generate(tmp_path / "gbk", "demo", persons=150, seed=4)
    persons = csv(tmp_path / "gbk" / "persons.csv")
    (tmp_path / "gbk" / "persons.csv").write_bytes(persons.to_csv(index=False).encode("gb18030"))
    sims = csv(tmp_path / "gbk" / "sims.csv")
    (tmp_path / "gbk" / "sims.csv").write_bytes(b"\xef\xbb\xbf" + sims.to_csv(index=False).encode())
    assert ingest_source(tmp_path / "gbk", empty_db).ok
    with db.session(empty_db) as sess:
        names = {r["id"]: r["name"] for r in sess.run("MATCH (p:Person) RETURN p.person_id AS id, p.name AS name")}
    assert all(names[r.person_id] == r.name for r in persons.itertuples())

    generate(tmp_path / "pq", "demo", persons=150, seed=4, fmt="parquet")
    result = ingest_source(tmp_path / "pq", empty_db)
    assert result.ok and sum(f.rows_loaded for f in result.files) > 1000


def test_unreachable_neo4j_names_the_uri(tmp_path: Path) -> None:
    settings = Settings.from_env({"NEO4J_URI": "bolt://127.0.0.1:1", "NEO4J_PASSWORD": "x"})
    with pytest.raises(DuankaError, match=r"bolt://127\.0\.0\.1:1 is unreachable"):
        with db.session(settings, retries=1, backoff=0.1):
            pass


def test_later_transfers_are_new_updated_or_conflicting_by_id(empty_db: Settings, tmp_path: Path) -> None:
    """Into a graph that holds transfers: a new id is created once, a known id updated, a reused one quarantined."""
    generate(tmp_path / "a", "demo", persons=200, seed=41)
    assert ingest_source(tmp_path / "a", empty_db).ok
    with db.session(empty_db) as sess:
        before = db.read(sess, "MATCH ()-[t:TRANSFER]->() RETURN count(t) AS n")[0]["n"]
    later = tmp_path / "b"
    later.mkdir()
    for name in ("persons", "sims", "bank_accounts"):
        (later / f"{name}.csv").write_bytes((tmp_path / "a" / f"{name}.csv").read_bytes())
    old = csv(tmp_path / "a" / "transfers.csv")
    transfers = old.head(3).copy()
    transfers.loc[0, "to_account"] = (
        transfers.loc[1, "to_account"]
        if transfers.loc[1, "to_account"] != transfers.loc[0, "to_account"]
        else transfers.loc[2, "to_account"]
    )
    transfers.loc[1, "amount"] = "12345.00"  # the same transfer, corrected
    fresh = old.iloc[3:6].assign(transfer_id=["T-new-1", "T-new-2", "T-new-3"])
    _write(pd.concat([transfers, fresh], ignore_index=True), later / "transfers.csv")
    result = ingest_source(later, empty_db)
    report = next(f for f in result.files if f.file == "transfers")
    assert (report.rows_loaded, report.rows_quarantined) == (5, 1)
    reason = csv(Path(result.quarantine)).query("file == 'transfers.csv'").reason.iloc[0]
    assert "transfer_id already in the graph" in reason
    with db.session(empty_db) as sess:
        after = db.read(sess, "MATCH ()-[t:TRANSFER]->() RETURN count(t) AS n")[0]["n"]
        copies = db.read(
            sess,
            "UNWIND $ids AS id MATCH ()-[t:TRANSFER {transfer_id: id}]->() RETURN id, count(t) AS n, "
            "collect(t.amount)[0] AS amount",
            ids=[*fresh.transfer_id, transfers.transfer_id[1]],
        )
    assert after == before + 3
    assert {r["id"]: r["n"] for r in copies} == {"T-new-1": 1, "T-new-2": 1, "T-new-3": 1, transfers.transfer_id[1]: 1}
    assert next(r["amount"] for r in copies if r["id"] == transfers.transfer_id[1]) == 12345.0


def test_bulk_import_builds_the_same_graph_as_bolt(empty_db: Settings, tmp_path: Path) -> None:
    generate(tmp_path, "demo", persons=600, seed=13, dirty_rows=0.01)
    result = bulk_import_matches_bolt(tmp_path, empty_db)
    assert not (Path(result.quarantine).parent / "import").exists()  # no copy of raw data left behind
    with pytest.raises(DuankaError, match="--bulk is for an empty database"):
        ingest_source(tmp_path, empty_db, bulk=True)


def test_the_bulk_import_runs_within_its_memory_caps(
    empty_db: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """neo4j-admin's heap is capped (uncapped, Java takes a quarter of the machine): a cap too small to start
    the import makes it fail, cleanly, where the default cap loads the same extract."""
    generate(tmp_path, "demo", persons=200, seed=5)
    monkeypatch.setenv("DUANKA_NEO4J_ADMIN_HEAP", "8m")
    with pytest.raises(DuankaError, match="neo4j-admin import failed; the database is empty again"):
        ingest_source(tmp_path, empty_db, bulk=True)
    assert _nodes(empty_db) == 0
    monkeypatch.delenv("DUANKA_NEO4J_ADMIN_HEAP")
    ingest_source(tmp_path, empty_db, bulk=True)
    assert _nodes(empty_db) > 0


def _nodes(settings: Settings) -> int:
    with db.session(settings) as sess:
        return int(db.read(sess, "MATCH (n) RETURN count(n) AS n")[0]["n"])


def test_the_loading_path_is_chosen_and_said(
    empty_db: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bulk import only for a large extract into an empty local database; Bolt for a small one or onto data."""
    from duanka.ingest import run as steps

    generate(tmp_path, "demo", persons=300, seed=2)
    extract = steps.check(empty_db, steps.IngestOptions(tmp_path))
    assert steps.loading_path(empty_db, extract, None)[0] is False  # small: not worth stopping the server
    assert steps.loading_path(empty_db, extract, True) == (True, "asked for")
    monkeypatch.setattr(steps, "BULK_FROM_BYTES", 0)  # as if it were large
    assert steps.loading_path(empty_db, extract, None)[0] is True
    result = ingest_source(tmp_path, empty_db)
    assert result.ok and result.loading == "bulk import"
    assert steps.loading_path(empty_db, extract, None) == (False, "the database holds data: the extract is added to it")
    with db.session(empty_db) as sess:
        assert (
            db.read(sess, "MATCH (r:Run {run_id: $id}) RETURN r.loading AS l", id=result.run_id)[0]["l"]
            == "bulk import"
        )


def test_repeats_within_a_first_load_merge_into_one_relationship(
    empty_db: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first load CREATEs a pairing's first sighting; its repeats in the same load widen it, over Bolt and bulk,
    in chunks far apart (bulk keeps each chunk on disk until the end shows which pairings came again)."""
    monkeypatch.setattr(read, "CHUNK_ROWS", 150)
    generate(tmp_path, "demo", persons=300, seed=17)
    links = csv(tmp_path / "sim_device_links.csv")
    pair = links.iloc[0]
    repeats = pd.DataFrame(
        [
            pair.to_dict() | {"first_seen": "2010-05-01T08:00:00", "days_seen": "1"},
            pair.to_dict() | {"last_seen": "2026-12-31T23:00:00", "days_seen": "999999"},
        ]
    )
    _write(pd.concat([links, repeats], ignore_index=True), tmp_path / "sim_device_links.csv")
    query = (
        "MATCH (:Sim {msisdn: $m})-[r:SEEN_IN]->(:Device {device_id: $d}) "
        "RETURN count(r) AS n, toString(min(r.first_seen)) AS first, toString(max(r.last_seen)) AS last, max(r.days_seen) AS days"
    )
    for bulk in (False, True):
        empty(empty_db)
        assert ingest_source(tmp_path, empty_db, bulk=bulk, parallel=False).ok
        with db.session(empty_db) as sess:
            got = sess.run(query, m=pair.msisdn, d=pair.device_id).single()
        assert got["n"] == 1, bulk
        assert got["first"] == "2010-05-01T08:00:00+08:00" and got["last"] == "2026-12-31T23:00:00+08:00", bulk
        assert got["days"] == 999999, bulk


def test_a_key_repeated_in_a_file_is_quarantined_after_its_first_row(
    empty_db: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A repeated key, single or composite, in a later chunk: the first row loads, the repeat goes to quarantine."""
    monkeypatch.setattr(read, "CHUNK_ROWS", 100)
    generate(tmp_path, "demo", persons=300, seed=19)
    transfers, calls = csv(tmp_path / "transfers.csv"), csv(tmp_path / "calls.csv")
    first_transfer, first_call = transfers.iloc[0], calls.iloc[0]
    _write(pd.concat([transfers, transfers.iloc[[0]].assign(amount="1.00")]), tmp_path / "transfers.csv")
    _write(pd.concat([calls, calls.iloc[[0]].assign(count="77")]), tmp_path / "calls.csv")
    result = ingest_source(tmp_path, empty_db, parallel=False)
    assert result.ok
    quarantine = csv(Path(result.quarantine))
    assert quarantine[["file", "line", "value", "reason"]].values.tolist() == [
        ["transfers.csv", str(len(transfers) + 2), first_transfer.transfer_id,
         "duplicate key transfer_id: an earlier row of this file has it"],
        ["calls.csv", str(len(calls) + 2), f"{first_call.caller_msisdn}/{first_call.callee_msisdn}/{first_call.kind}",
         "duplicate key caller_msisdn/callee_msisdn/kind: an earlier row of this file has it"],
    ]  # fmt: skip
    with db.session(empty_db) as sess:
        amount = sess.run(
            "MATCH ()-[t:TRANSFER {transfer_id: $id}]->() RETURN t.amount AS a", id=first_transfer.transfer_id
        )
        assert amount.single()["a"] == float(first_transfer.amount)


class _CommitsThenRetries:
    """A session whose first attempt commits and whose answer is 'lost': the driver's retry runs the work again."""

    def __init__(self, session: object) -> None:
        self.session = session

    def execute_write(self, work):  # type: ignore[no-untyped-def]
        self.session.execute_write(work)  # type: ignore[attr-defined]
        return self.session.execute_write(work)  # type: ignore[attr-defined]

    def execute_read(self, work):  # type: ignore[no-untyped-def]
        return self.session.execute_read(work)  # type: ignore[attr-defined]


def test_a_retried_create_batch_merges_instead_of_writing_twice(empty_db: Settings) -> None:
    from duanka.ingest.load import create_statement, rel_rows, statement
    from duanka.ingest.send import Batch, BatchSender
    from duanka.ingest.writes import WRITES

    write = WRITES["sim_device_links"][0]
    frame = pd.DataFrame(
        {
            "msisdn": ["13800000001", "13800000002"],
            "device_id": ["D1", "D1"],
            "first_seen": ["2026-01-01T00:00:00+08:00"] * 2,
            "last_seen": [None, None],
            "days_seen": [3, 4],
        }
    ).astype(object)
    params = {"rows": rel_rows(write, frame), "load_id": "t"}

    def seen_in() -> int:
        return db.read(sess, "MATCH ()-[r:SEEN_IN]->() RETURN count(r) AS n")[0]["n"]

    with db.session(empty_db) as sess:
        sess.run(
            "UNWIND ['13800000001', '13800000002'] AS m MERGE (:Sim {msisdn: m}) MERGE (:Device {device_id: 'D1'})"
        ).consume()
        sender = BatchSender(_CommitsThenRetries(sess))  # type: ignore[arg-type]
        sender.send(Batch(create_statement(write), params, retry_with=statement(write), ends=("Sim", "Device")))
        assert seen_in() == 2
        sender.send(Batch(create_statement(write), params, ends=("Sim", "Device")))  # without the fallback: twice
        assert seen_in() == 6


def test_relationship_rows_find_their_ends_by_element_id(empty_db: Settings) -> None:
    """Ends written by this sender are remembered; ends an earlier load wrote are looked up; absent ends join nothing."""
    from duanka.ingest.load import node_rows, rel_rows, statement
    from duanka.ingest.send import Batch, BatchSender
    from duanka.ingest.writes import WRITES

    sims, seen_in = WRITES["sims"][0], WRITES["sim_device_links"][0]
    with db.session(empty_db) as sess:
        sess.run("MERGE (:Device {device_id: 'D-earlier'})").consume()  # an earlier load's node
        sender = BatchSender(sess)
        sim_frame = pd.DataFrame({"msisdn": ["13800000001"]}).astype(object)
        sender.send(Batch(statement(sims), {"rows": node_rows(sims, sim_frame), "load_id": "t"}, of="Sim"))
        assert set(sender.element_ids["Sim"]) == {"13800000001"}
        links = pd.DataFrame(
            {
                "msisdn": ["13800000001", "13800000001"],
                "device_id": ["D-earlier", "D-nowhere"],
                "first_seen": [None, None],
                "last_seen": [None, None],
                "days_seen": [1, 1],
            }
        ).astype(object)
        sender.send(
            Batch(statement(seen_in), {"rows": rel_rows(seen_in, links), "load_id": "t"}, ends=("Sim", "Device"))
        )
        got = db.read(sess, "MATCH (s:Sim)-[:SEEN_IN]->(d:Device) RETURN s.msisdn AS m, d.device_id AS d")
    assert got == [{"m": "13800000001", "d": "D-earlier"}]
    assert "D-nowhere" not in sender.element_ids["Device"]


def test_preparing_in_a_second_process_gives_the_same_run(empty_db: Settings, dirty_world: Path) -> None:
    inline = ingest_source(dirty_world, empty_db, parallel=False)
    graph = graph_snapshot(empty_db)
    empty(empty_db)
    background = ingest_source(dirty_world, empty_db, parallel=True)
    assert background.ok and background.table() == inline.table()
    assert csv(Path(background.quarantine)).equals(csv(Path(inline.quarantine)))
    assert graph_snapshot(empty_db) == graph


def test_a_failure_while_preparing_names_its_cause(tmp_path: Path) -> None:
    """The second process fails (here: its file is gone); the loader raises its cause instead of waiting."""
    from duanka.ingest.prepare import Preparation

    generate(tmp_path, "demo", persons=200, seed=19)
    jobs = [("persons", tmp_path / "persons.csv"), ("calls", tmp_path / "calls.csv")]
    (tmp_path / "calls.csv").unlink()
    with Preparation(jobs, None, background=True) as prepared:
        assert sum(chunk.rows_read for chunk in prepared.chunks("persons")) == len(csv(tmp_path / "persons.csv"))
        with pytest.raises(DuankaError, match=r"Preparing the extract failed.*calls\.csv"):
            list(prepared.chunks("calls"))


@pytest.mark.parametrize("outbox", ["ThreadOutbox", "ProcessOutbox"])
def test_a_refused_batch_stops_the_load_with_neo4j_s_reason(empty_db: Settings, outbox: str) -> None:
    from duanka.ingest import send

    box = getattr(send, outbox)(empty_db)
    box.put(send.Batch("UNWIND $rows AS k CREATE (:Person {person_id: k})", {"rows": ["P1"]}))
    box.put(send.Batch("UNWIND $rows AS k CREATE (:Person {person_id: k})", {"rows": ["P1"]}))  # the key again
    with pytest.raises(DuankaError, match=r"Neo4j refused a batch.*already exists"):
        box.wait(0)
    box.close(abort=True)
    with db.session(empty_db) as sess:
        assert db.read(sess, "MATCH (p:Person) RETURN count(p) AS n")[0]["n"] == 1


def test_a_dead_writing_process_is_reported_not_waited_on(empty_db: Settings) -> None:
    from duanka.ingest.send import Batch, ProcessOutbox

    box = ProcessOutbox(empty_db)
    box._process.kill()
    box.put(Batch("RETURN 1", {}))
    with pytest.raises(DuankaError, match="process writing to Neo4j stopped"):
        box.wait(0)
    box.close(abort=True)


def test_what_a_load_has_seen_answers_as_a_set_would() -> None:
    """`Seen` (hashes in sorted runs) against a Python set: first sightings, within a batch and across batches."""
    rng = np.random.default_rng(3)
    seen, reference = Seen(), set()
    for _ in range(200):
        batch = [f"k{i}" for i in rng.integers(0, 5_000, rng.integers(0, 300))]
        first = []
        for key in batch:
            first.append(key not in reference)
            reference.add(key)
        assert seen.add(hashed(pd.Series(batch, dtype="str"))).tolist() == first
    assert len(seen) == len(reference)
    assert seen.contains(hashed(["k1", "nowhere"])).tolist() == ["k1" in reference, False]
    assert (hashed(pd.Series(["a", "b"])) == hashed(np.array(["a", "b"], dtype=object))).all()
