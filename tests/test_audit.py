"""The audit log: keyed entries, the anchor in the database, torn writes and logs of the old format."""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import socket
import time
from dataclasses import replace
from pathlib import Path

import pytest

from duanka import audit
from duanka.settings import Connection, Settings

# -- without a database: a work dir of its own, a local server that is not running ---------------


@pytest.fixture()
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DUANKA_SECRETS_DIR", str(tmp_path / "secrets"))
    return Settings.from_env(
        {"DUANKA_WORK_DIR": str(tmp_path / "work"), "DUANKA_NEO4J_HOME": str(tmp_path / "no-server")}
    )


def three(settings: Settings) -> list[bytes]:
    for i in range(3):
        audit.append(settings, "export", by=f"user{i}", out=f"/x/{i}")
    return audit.log_path(settings).read_bytes().splitlines(keepends=True)


def rewrite(settings: Settings, lines: list[bytes]) -> None:
    audit.log_path(settings).parent.mkdir(parents=True, exist_ok=True)
    audit.log_path(settings).write_bytes(b"".join(lines))


def old_format(settings: Settings, count: int) -> list[bytes]:
    """A log as the code before keyed entries wrote it: each line carries the SHA-256 of the one before."""
    prev, lines = audit.GENESIS, []
    for i in range(count):
        line = json.dumps({"at": f"2026-01-0{i + 1}T00:00:00+00:00", "action": "ingest", "by": "ops", "prev": prev})
        lines.append(line.encode() + b"\n")
        prev = hashlib.sha256(line.encode()).hexdigest()
    rewrite(settings, lines)
    return lines


def test_entries_are_keyed_and_name_the_account_that_really_ran_them(
    offline: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "somebody-else")
    monkeypatch.setenv("LOGNAME", "somebody-else")
    entry = audit.append(offline, "decide", by="王警官", note="checked")
    assert entry["by"] == "王警官" and entry["seq"] == 1 and len(entry["mac"]) == 64
    assert entry["login"] == pwd.getpwuid(os.getuid()).pw_name and entry["uid"] == os.getuid()
    assert entry["host"] == socket.gethostname()
    assert audit.entries(offline) == [entry]
    checked = audit.verify(offline)
    assert checked.entries == 1 and checked.anchor is None
    assert any("did not answer" in w for w in checked.warnings)
    assert oct(audit.log_path(offline).stat().st_mode & 0o777) == "0o600"


def test_details_cannot_overwrite_who_ran_it(offline: Settings) -> None:
    with pytest.raises(ValueError, match="login, seq"):
        audit.append(offline, "export", by="李警官", login="root", seq=99)
    assert not audit.log_path(offline).exists() or audit.entries(offline) == []


def test_an_edited_entry_is_caught(offline: Settings) -> None:
    lines = three(offline)
    edited = json.loads(lines[1]) | {"by": "someone else"}
    rewrite(offline, [lines[0], (json.dumps(edited, ensure_ascii=False, sort_keys=True) + "\n").encode(), lines[2]])
    with pytest.raises(audit.Tampered, match="line 2 \\(entry 2\\) does not match its MAC"):
        audit.verify(offline)


def test_a_deleted_entry_is_caught_even_with_the_numbers_rebuilt(offline: Settings) -> None:
    lines = three(offline)
    rewrite(offline, [lines[0], lines[2]])
    with pytest.raises(audit.Tampered, match="line 2 is entry 3: entries were removed or moved"):
        audit.verify(offline)
    renumbered = json.loads(lines[2]) | {"seq": 2}
    rewrite(offline, [lines[0], (json.dumps(renumbered, ensure_ascii=False, sort_keys=True) + "\n").encode()])
    with pytest.raises(audit.Tampered, match="line 2 \\(entry 2\\) does not match its MAC"):
        audit.verify(offline)


def test_reordered_entries_are_caught(offline: Settings) -> None:
    lines = three(offline)
    rewrite(offline, [lines[0], lines[2], lines[1]])
    with pytest.raises(audit.Tampered, match="line 2 is entry 3"):
        audit.verify(offline)


def test_an_entry_inserted_in_a_fresh_unkeyed_chain_is_caught(offline: Settings) -> None:
    lines = three(offline)
    forged = {"at": "2026-01-01T00:00:00+00:00", "action": "export", "by": "x", "prev": audit.GENESIS}
    rewrite(offline, [*lines[:2], (json.dumps(forged) + "\n").encode(), lines[2]])
    with pytest.raises(audit.Tampered, match="line 3 carries no MAC"):
        audit.verify(offline)


def test_an_entry_inserted_under_another_key_is_caught(
    offline: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoever copies the log to an installation of their own can extend its chain, but not under our key."""
    lines = three(offline)
    monkeypatch.setenv("DUANKA_SECRETS_DIR", str(tmp_path / "their-secrets"))
    theirs = replace(offline, work_dir=tmp_path / "theirs")
    rewrite(theirs, lines[:2])
    audit.append(theirs, "export", by="user9", out="/elsewhere")
    audit.append(theirs, "export", by="user2", out="/x/2")
    monkeypatch.setenv("DUANKA_SECRETS_DIR", str(tmp_path / "secrets"))
    rewrite(offline, audit.log_path(theirs).read_bytes().splitlines(keepends=True))
    with pytest.raises(audit.Tampered, match="line 3 \\(entry 3\\) does not match its MAC"):
        audit.verify(offline)


def test_a_torn_last_line_is_reported_then_moved_aside_and_recorded(offline: Settings) -> None:
    lines = three(offline)
    torn = lines[2][: len(lines[2]) // 2]
    rewrite(offline, [*lines[:2], torn])
    checked = audit.verify(offline)  # no JSON error: the intact entries pass, the torn tail is named
    assert checked.entries == 2 and any("torn last line" in w and f"{len(torn)} bytes" in w for w in checked.warnings)
    assert len(audit.entries(offline)) == 2
    audit.append(offline, "decide", by="王警官")
    aside = list(audit.log_path(offline).parent.glob("audit.jsonl.torn-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == torn
    assert oct(aside[0].stat().st_mode & 0o777) == "0o600"
    log = audit.entries(offline)
    assert [e["action"] for e in log] == ["export", "export", "audit-torn", "decide"]
    assert log[2]["moved_to"] == str(aside[0]) and log[2]["sha256"] == hashlib.sha256(torn).hexdigest()
    assert audit.verify(offline).entries == 4


def test_an_old_log_is_sealed_by_the_next_append_and_stays_covered(offline: Settings) -> None:
    old = old_format(offline, 3)
    checked = audit.verify(offline)
    assert checked.entries == 3 and any("predate keyed entries" in w for w in checked.warnings)
    audit.append(offline, "detect", by="ops")
    log = audit.entries(offline)
    assert [e["action"] for e in log] == ["ingest", "ingest", "ingest", "audit-seal", "detect"]
    assert log[3]["legacy_entries"] == 3 and log[3]["legacy_intact"] is True and log[3]["seq"] == 4
    assert audit.verify(offline).entries == 5
    lines = audit.log_path(offline).read_bytes().splitlines(keepends=True)
    rewrite(offline, [old[0], old[1].replace(b'"ops"', b'"eve"'), *lines[2:]])
    with pytest.raises(audit.Tampered, match="changed after the seal"):
        audit.verify(offline)


def test_an_old_log_altered_before_the_upgrade_is_sealed_as_such(offline: Settings) -> None:
    old = old_format(offline, 3)
    rewrite(offline, [old[0], old[2]])
    with pytest.raises(audit.Tampered, match="altered before line 2"):
        audit.verify(offline)
    audit.append(offline, "detect", by="ops")  # later commands keep working
    seal = audit.entries(offline)[2]
    assert seal["action"] == "audit-seal" and seal["legacy_intact"] is False and seal["legacy_broken_at"] == 2
    checked = audit.verify(offline)
    assert checked.entries == 4 and any("already been altered before line 2" in w for w in checked.warnings)


# -- with the database: the anchor ------------------------------------------------------------------


@pytest.fixture()
def own_log(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A log of its own, anchored in the test server."""
    monkeypatch.setenv("DUANKA_SECRETS_DIR", str(tmp_path / "secrets"))
    return replace(settings, work_dir=tmp_path / "work")


def test_the_anchor_follows_every_append(own_log: Settings) -> None:
    lines = three(own_log)
    checked = audit.verify(own_log)
    assert checked.anchor is not None and checked.anchor.entries == 3
    assert checked.anchor.head == json.loads(lines[2])["mac"] and checked.warnings == ()


def test_a_log_cut_short_is_caught(own_log: Settings) -> None:
    lines = three(own_log)
    rewrite(own_log, lines[:2])
    with pytest.raises(audit.Tampered, match=r"has 2 entries, but the database anchored 3 .*: entry 3 was cut off"):
        audit.verify(own_log)
    rewrite(own_log, [])
    with pytest.raises(audit.Tampered, match=r"has 0 entries, .*: entries 1–3 were cut off"):
        audit.verify(own_log)


def test_a_missing_log_is_caught(own_log: Settings) -> None:
    three(own_log)
    audit.log_path(own_log).unlink()
    with pytest.raises(audit.Tampered, match="is missing, but the database anchored 3 entries"):
        audit.verify(own_log)


def test_a_log_rebuilt_with_the_key_is_caught(own_log: Settings) -> None:
    """Whoever holds the key can rebuild a valid chain without entry 2, but not the database's anchor."""
    lines = three(own_log)
    rewrite(own_log, lines[:1])
    audit.append(own_log, "export", by="user1", out="/x/1-bis")
    audit.append(own_log, "export", by="user2", out="/x/2")
    with pytest.raises(audit.Tampered, match="entry 3 is not the one the database anchored"):
        audit.verify(own_log)


def test_a_log_rebuilt_as_an_old_unkeyed_chain_is_caught(own_log: Settings) -> None:
    three(own_log)
    old_format(own_log, 3)
    with pytest.raises(audit.Tampered, match="entry 3 is not the one the database anchored"):
        audit.verify(own_log)


def test_an_unreachable_database_neither_stops_nor_delays_an_append_and_the_anchor_catches_up(
    own_log: Settings,
) -> None:
    three(own_log)
    dead = replace(own_log, connection=Connection("bolt://127.0.0.1:9", "neo4j", "x", "neo4j", is_local=False))
    began = time.monotonic()
    audit.append(dead, "decide", by="王警官")
    audit.append(dead, "decide", by="王警官")
    assert time.monotonic() - began < 5
    checked = audit.verify(own_log)
    assert checked.entries == 5 and checked.anchor is not None and checked.anchor.entries == 3
    assert any("anchor lags by 2 entries" in w for w in checked.warnings)
    audit.append(own_log, "decide", by="王警官")
    assert audit.verify(own_log).warnings == () and audit.verify(own_log).anchor.entries == 6  # type: ignore[union-attr]


def test_the_audit_command_names_a_torn_tail_and_fails_on_tampering(
    offline: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from duanka.cli import app

    monkeypatch.setenv("DUANKA_WORK_DIR", str(offline.work_dir))
    monkeypatch.setenv("DUANKA_NEO4J_HOME", str(offline.local.home))
    lines = three(offline)
    rewrite(offline, [*lines, lines[2][:40]])
    shown = CliRunner().invoke(app, ["audit"])
    assert shown.exit_code == 0, shown.output
    assert "3 entries, every MAC intact" in shown.output and "torn last line" in shown.output
    assert "user2" in shown.output and who_ran_here() in shown.output
    rewrite(offline, [lines[0], lines[2]])
    refused = CliRunner().invoke(app, ["audit"])
    assert refused.exit_code == 1 and "line 2 is entry 3" in refused.output


def who_ran_here() -> str:
    return f"{pwd.getpwuid(os.getuid()).pw_name}@{socket.gethostname()}"
