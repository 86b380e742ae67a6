"""What duanka writes is its owner's alone, and cluster ids give nothing away without the installation's key."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from helpers import load_into_empty

from duanka.detect.writeback import keyed_cluster_ids
from duanka.generate import generate
from duanka.params import DetectParams
from duanka.settings import Settings

LOGIN_UMASK = 0o022  # what a login shell leaves: files 0644, folders 0755


@pytest.fixture()
def login_umask() -> Iterator[None]:
    """The test process as a user's shell starts it; its umask as it was afterwards."""
    was = os.umask(LOGIN_UMASK)
    yield
    os.umask(was)


def open_to_others(*roots: Path) -> list[str]:
    """Every folder and file under `roots` that its group or others may read, write or enter."""
    found = []
    for root in roots:
        assert root.exists(), root
        for folder, _, files in os.walk(root):
            for path in [Path(folder), *(Path(folder, name) for name in files)]:
                mode = path.lstat().st_mode
                if mode & 0o077 and not stat.S_ISLNK(mode):
                    found.append(f"{path} {stat.S_IMODE(mode):o}")
    return found


@pytest.mark.slow
def test_everything_a_run_writes_is_private_to_its_owner(
    empty_db: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, login_umask: None
) -> None:
    """The pipeline flow, `duanka case`, `duanka train` and the inbox flow each started from a login umask:
    their exports, case file, learned labels, run files, FAILED.txt and the Neo4j home are 0600 / 0700."""
    from typer.testing import CliRunner

    from duanka import db, queries
    from duanka.cli import app
    from flows.inbox import process_inbox
    from flows.pipeline import pipeline

    monkeypatch.setenv("DUANKA_WORK_DIR", str(tmp_path / "work"))  # holds only what this test's runs write
    generate(tmp_path / "world", "demo", persons=800, seed=4)
    out, case, inbox = tmp_path / "out", tmp_path / "case", tmp_path / "inbox"

    pipeline(str(tmp_path / "world"), str(out))
    with db.session(empty_db) as sess:
        cluster = db.read(sess, queries.load("latest_clusters"), limit=1)[0]["cluster_id"]
    for command in (["case", cluster, "--out", str(case)], ["train"]):
        os.umask(LOGIN_UMASK)
        result = CliRunner().invoke(app, command, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    os.umask(LOGIN_UMASK)
    assert process_inbox(str(inbox), str(tmp_path / "exports")) == []  # the inbox's folders made
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "persons.csv").write_text("name\nx\n", encoding="utf-8")  # no person_id: the pipeline refuses it
    bad.rename(inbox / "incoming" / "bad")
    os.umask(LOGIN_UMASK)
    [outcome] = process_inbox(str(inbox), str(tmp_path / "exports"))

    failed = Path(outcome["moved_to"]) / "FAILED.txt"
    assert outcome["status"] == "failed" and failed.exists()
    work = tmp_path / "work"
    assert list(work.glob("runs/*")) and list(work.glob("models/*.labels.csv"))
    written = [out, case, work, empty_db.local.home]
    assert open_to_others(*written) == []
    inbox_own = [inbox, *(inbox / name for name in ("incoming", "done", "failed", "ledger.jsonl")), failed]
    assert [f"{p} {stat.S_IMODE(p.stat().st_mode):o}" for p in inbox_own if p.stat().st_mode & 0o077] == []


def test_the_neo4j_home_an_older_version_left_open_is_made_private(tmp_path: Path) -> None:
    from duanka.private import private_tree

    home = tmp_path / "neo4j"
    (home / "data" / "databases").mkdir(parents=True)
    (home / "data" / "databases" / "store").write_text("persons\n")
    shared = tmp_path / "shared"
    shared.mkdir()
    for opened, mode in ((home, 0o755), (home / "data", 0o755), (home / "data" / "databases", 0o755), (shared, 0o755)):
        opened.chmod(mode)  # explicit: an earlier test's umask 077 would otherwise make them private already
    (home / "data" / "databases" / "store").chmod(0o644)
    (home / "link").symlink_to(shared)
    private_tree(home)
    assert open_to_others(home) == []
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755  # a link's target is not the home's: left as it is
    assert stat.S_IMODE((home / "data" / "databases" / "store").stat().st_mode) == 0o600


def _found(secrets: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two clusters and a loner as a run's steps leave them, named under the installation keyed in `secrets`."""
    monkeypatch.setenv("DUANKA_SECRETS_DIR", str(secrets))
    entities = pd.DataFrame(
        {"cluster_id": ["person:P1", "person:P1", "sim:13800000000", None]},
        index=["person:P1", "account:6222", "sim:13800000000", "person:P9"],
    )
    clusters = pd.DataFrame({"cluster_id": ["person:P1", "sim:13800000000"], "score": [0.9, 0.8]})
    return keyed_cluster_ids(entities, clusters, DetectParams())


def test_cluster_ids_are_keyed_per_installation_and_stable_on_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entities, clusters = _found(tmp_path / "one", monkeypatch)
    again, _ = _found(tmp_path / "one", monkeypatch)
    other, other_clusters = _found(tmp_path / "two", monkeypatch)
    ids = list(clusters["cluster_id"])
    assert all(re.fullmatch(r"C[0-9a-f]{12}", i) for i in ids) and len(set(ids)) == 2
    assert list(entities["cluster_id"].fillna("none")) == [ids[0], ids[0], ids[1], "none"]  # members carry its id
    pd.testing.assert_frame_equal(again, entities)  # one installation: the same ids for the same data
    assert not set(other_clusters["cluster_id"]) & set(ids)  # another key: other ids for the same clusters
    assert list(other["cluster_id"].isna()) == [False, False, False, True]


@pytest.mark.slow
def test_two_installations_write_different_ids_for_the_same_clusters(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same world detected on two installations (two secrets folders): the same clusters, no id in common;
    detected again on the first, the same ids as its first run wrote."""
    from flows.detect import detect

    generate(tmp_path / "world", "demo", persons=800, seed=4)
    written = {}
    for installation in ("one", "two"):
        # An installation is its keys and its work directory (its audit log is keyed with its own key).
        monkeypatch.setenv("DUANKA_SECRETS_DIR", str(tmp_path / installation))
        monkeypatch.setenv("DUANKA_WORK_DIR", str(tmp_path / installation / "work"))
        load_into_empty(replace(settings, work_dir=tmp_path / installation / "work"), tmp_path / "world")
        first = detect(seed=2)
        written[installation] = first.clusters.set_index("cluster_id")["members"]
        if installation == "one":
            again = detect(seed=2, incremental=False)
            assert list(again.clusters["cluster_id"]) == list(first.clusters["cluster_id"])
    one, two = written["one"], written["two"]
    assert len(one) >= 4 and sorted(one) == sorted(two)  # the same clusters
    assert not set(one.index) & set(two.index)
