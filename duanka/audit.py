"""The audit log: who loaded, detected, exported or decided what, and when — tamper-evident.

One JSON object per line in `<work dir>/audit.jsonl`, opened for appending only and readable by its owner
only. Every entry carries its sequence number (its line number), the account and host that really ran it
beside the self-declared `by`, and `mac`: the HMAC-SHA256, under the installation's audit key
(duanka/keys.py, kept apart from the work directory), of the previous entry's MAC and this entry's
canonical JSON. Without the key no entry can be edited, removed, reordered or inserted unnoticed.

What the key cannot show — the log cut short, deleted, or rebuilt whole — the anchor shows: after each
append the log's length and last MAC go to Neo4j (an `AuditHead` node), and `verify` compares the two.
The anchor is best effort: an append never waits for a dead server, and the next append catches up.

Logs written before entries were keyed (an unkeyed SHA-256 chain, `prev`) are sealed by the first
append: a keyed entry records how many such lines there were and the SHA-256 of their bytes.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import hmac
import json
import os
import pwd
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import neo4j

from duanka import keys
from duanka.errors import DuankaError, Unavailable
from duanka.settings import Settings

GENESIS = "0" * 64  # the "previous MAC" of the first keyed entry
SEAL = "audit-seal"  # the keyed entry that closes a log written before entries were keyed
TORN = "audit-torn"  # the entry that records a torn last line moved aside
OWN = (
    "seq",
    "at",
    "action",
    "by",
    "login",
    "uid",
    "host",
    "mac",
)  # the fields every entry has; details cannot set them


class Tampered(DuankaError):
    """The audit log does not match its MACs, its seal or its anchor in the database."""


@dataclass(frozen=True)
class Anchor:
    """Where the database last saw the log: its length, the MAC of that last entry, and when."""

    entries: int
    head: str
    at: str


@dataclass(frozen=True)
class Verified:
    """A log that passed: its complete entries, its anchor when the database answered, what to look at."""

    entries: int
    anchor: Anchor | None
    warnings: tuple[str, ...]


def log_path(settings: Settings) -> Path:
    """The append-only audit log of this installation's work directory."""
    return settings.work_dir / "audit.jsonl"


def current_user(by: str | None = None) -> str:
    """The named user when given, else DUANKA_USER, else the login name."""
    return by or os.environ.get("DUANKA_USER") or getpass.getuser()


def who_ran() -> dict[str, Any]:
    """The account and host this process really runs as: from the uid, not from USER or LOGNAME."""
    uid = os.getuid()
    try:
        login = pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid without an account (containers)
        login = str(uid)
    return {"login": login, "uid": uid, "host": socket.gethostname()}


def append(settings: Settings, action: str, by: str | None = None, **details: Any) -> dict[str, Any]:
    """Append one keyed entry under an exclusive lock (concurrent writers never interleave or fork the
    chain), then move the database's anchor to it, best effort."""
    if clash := sorted(set(details) & set(OWN)):
        raise ValueError(f"An audit entry's details cannot set {', '.join(clash)}: every entry has its own.")
    key = keys.key(keys.AUDIT)  # first: a refused key leaves the log as it was
    path = log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        data = handle.read()
        lines, torn = _split(data)
        pending: list[tuple[str, str | None, dict[str, Any]]] = []
        if lines and not any(_keyed(_parse(line)) for line in lines):
            pending.append((SEAL, None, _seal(lines)))
        if torn:
            pending.append((TORN, None, _move_aside(path, handle, len(data) - len(torn), torn)))
        pending.append((action, by, details))
        seq, prev = len(lines), _last_mac(lines)
        written = []
        for name, who, extra in pending:
            seq += 1
            entry = _entry(key, seq, prev, name, who, extra)
            written.append(entry)
            prev = entry["mac"]
        handle.write(b"".join(_line(e) for e in written))
        handle.flush()
        os.fsync(handle.fileno())
    _anchor(settings, seq, prev)
    return written[-1]


def before_unmasked(
    settings: Settings, action: str, masked: bool, by: str | None, reason: str | None, out: Path, **details: Any
) -> dict[str, Any] | None:
    """Record who publishes identifiers in clear, why and where to, before the first file is written: output
    that leaves without its completion entry (a crash, a killed process) is on record all the same."""
    if masked:
        return None
    return append(settings, f"{action}-intent", by=by, reason=reason, out=str(out.resolve()), **details)


def entries(settings: Settings, since: str | None = None) -> list[dict[str, Any]]:
    """The log's entries, oldest first; only those at or after `since` (ISO 8601) when given.

    A torn last line or a line that is not an entry is left out (`verify` names them)."""
    path = log_path(settings)
    if not path.exists():
        return []
    rows = [row for line in _split(path.read_bytes())[0] if (row := _parse(line)) is not None]
    return [r for r in rows if since is None or str(r.get("at", "")) >= since]


def verify(settings: Settings) -> Verified:
    """Check every entry's MAC, the seal of an old log, and the log against its anchor in the database;
    raise Tampered naming what is wrong, or return what passed with warnings worth a look."""
    path = log_path(settings)
    anchor, reached = anchored(settings)
    warnings = [] if reached else ["the database did not answer: the log was not compared with its anchor."]
    if not path.exists():
        if anchor is not None:
            raise Tampered(
                f"Audit log {path} is missing, but the database anchored {anchor.entries} entries of it at "
                f"{anchor.at}: the log was deleted or moved."
            )
        return Verified(0, None, tuple(warnings))
    lines, torn = _split(path.read_bytes())
    macs = _check_chain(path, lines, keys.key(keys.AUDIT), warnings)
    if torn:
        warnings.append(
            f"a torn last line: {len(torn)} bytes after entry {len(lines)} that never became an entry (a write cut "
            f"short by a crash or a full disk); the next append moves them aside to {path.name}.torn-<time>."
        )
    if anchor is not None:
        _check_anchor(path, macs, anchor, warnings)
    elif reached:
        warnings.append("the database holds no anchor for this log yet: the next append sets it.")
    return Verified(len(lines), anchor, tuple(warnings))


def anchored(settings: Settings) -> tuple[Anchor | None, bool]:
    """The log's anchor in the database, and whether the database answered at all."""
    try:
        with _database(settings) as sess:
            rows = _read(sess, "audit/head", log=str(log_path(settings)))
    except _UNREACHABLE:
        return None, False
    return (Anchor(int(rows[0]["entries"]), str(rows[0]["head"]), str(rows[0]["at"])) if rows else None), True


# -- the log's lines --------------------------------------------------------------------------------


def _split(data: bytes) -> tuple[list[bytes], bytes]:
    """Complete lines (without their newline), and the bytes after the last newline: a torn write."""
    end = data.rfind(b"\n") + 1
    return data[:end].split(b"\n")[:-1], data[end:]


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        row = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return row if isinstance(row, dict) else None


def _keyed(row: dict[str, Any] | None) -> bool:
    return row is not None and isinstance(row.get("mac"), str)


def _last_mac(lines: list[bytes]) -> str:
    row = _parse(lines[-1]) if lines else None
    return str(row["mac"]) if row is not None and _keyed(row) else GENESIS


def _canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _mac(key: bytes, prev: str, body: dict[str, Any]) -> str:
    return hmac.new(key, (prev + _canonical(body)).encode("utf-8"), hashlib.sha256).hexdigest()


def _entry(key: bytes, seq: int, prev: str, action: str, by: str | None, details: dict[str, Any]) -> dict[str, Any]:
    own = {"seq": seq, "at": datetime.now(UTC).isoformat(timespec="seconds"), "action": action}
    body = {**details, **own, "by": current_user(by), **who_ran()}
    body = json.loads(json.dumps(body, ensure_ascii=False, default=str))  # as it reads back: what the MAC covers
    return body | {"mac": _mac(key, prev, body)}


def _line(entry: dict[str, Any]) -> bytes:
    return (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _move_aside(path: Path, handle: IO[bytes], keep: int, torn: bytes) -> dict[str, Any]:
    """Save a torn last line to a private file beside the log and cut it off the log."""
    aside = path.with_name(f"{path.name}.torn-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(torn)
        out.flush()
        os.fsync(out.fileno())
    handle.truncate(keep)
    return {"moved_to": str(aside), "bytes": len(torn), "sha256": hashlib.sha256(torn).hexdigest()}


def _legacy_break(lines: list[bytes]) -> int | None:
    """The first line that breaks the unkeyed chain of the old format (`prev`: SHA-256 of the line before)."""
    prev = GENESIS
    for number, line in enumerate(lines, start=1):
        row = _parse(line)
        if row is None or row.get("prev") != prev:
            return number
        prev = hashlib.sha256(line).hexdigest()
    return None


def _seal(lines: list[bytes]) -> dict[str, Any]:
    """What a keyed entry records of an old log's lines: how many, their bytes' digest, whether intact."""
    broken = _legacy_break(lines)
    return {
        "legacy_entries": len(lines),
        "legacy_sha256": hashlib.sha256(b"".join(line + b"\n" for line in lines)).hexdigest(),
        "legacy_intact": broken is None,
        "legacy_broken_at": broken,
    }


# -- verification -----------------------------------------------------------------------------------


def _check_chain(path: Path, lines: list[bytes], key: bytes, warnings: list[str]) -> list[str | None]:
    """Each line's MAC (None for the lines of an old log), after checking seal, sequence and MACs."""
    rows = [_parse(line) for line in lines]
    first = next((i for i, row in enumerate(rows) if _keyed(row)), len(rows))
    if first:
        _check_sealed(path, lines, rows, first, warnings)
    macs: list[str | None] = [None] * first
    prev = GENESIS
    for number, row in enumerate(rows[first:], start=first + 1):
        where = f"Audit log {path}, line {number}"
        if row is None:
            raise Tampered(f"{where} is not a JSON entry: it was edited or written over.")
        if not _keyed(row):
            raise Tampered(f"{where} carries no MAC: an entry was inserted without the installation's audit key.")
        seq = row.get("seq")
        if seq != number:
            happened = "removed or moved" if isinstance(seq, int) and seq > number else "inserted, repeated or moved"
            raise Tampered(f"{where} is entry {seq}: entries were {happened} before it.")
        body = {k: v for k, v in row.items() if k != "mac"}
        if not hmac.compare_digest(_mac(key, prev, body), str(row["mac"])):
            raise Tampered(
                f"{where} (entry {seq}) does not match its MAC: it was edited, or the chain was rebuilt "
                "with another key (or none) from there on."
            )
        prev = str(row["mac"])
        macs.append(prev)
    return macs


def _check_sealed(
    path: Path, lines: list[bytes], rows: list[dict[str, Any] | None], first: int, warnings: list[str]
) -> None:
    """The lines before the first keyed entry: an old log, unchanged since the seal recorded it."""
    if first == len(rows):  # nothing keyed yet: an old log as the old code left it
        broken = _legacy_break(lines)
        if broken is not None:
            raise Tampered(f"Audit log {path} was altered before line {broken}: its unkeyed chain does not match.")
        warnings.append(
            f"its {first} entries predate keyed entries (their unkeyed chain is intact): the next append seals them."
        )
        return
    seal = rows[first] or {}
    if seal.get("action") != SEAL or seal.get("legacy_entries") != first:
        raise Tampered(f"Audit log {path}: lines 1–{first} carry no MAC and no seal covers them: they were inserted.")
    if seal.get("legacy_sha256") != _seal(lines[:first])["legacy_sha256"]:
        raise Tampered(f"Audit log {path}: lines 1–{first}, written before entries were keyed, changed after the seal.")
    if not seal.get("legacy_intact"):
        warnings.append(
            f"its unkeyed lines 1–{first} had already been altered before line {seal.get('legacy_broken_at')} "
            f"when they were sealed at {seal.get('at')}."
        )


def _check_anchor(path: Path, macs: list[str | None], anchor: Anchor, warnings: list[str]) -> None:
    if anchor.entries > len(macs):
        lost = (
            f"entry {anchor.entries} was"
            if anchor.entries == len(macs) + 1
            else f"entries {len(macs) + 1}–{anchor.entries} were"
        )
        raise Tampered(
            f"Audit log {path} has {len(macs)} entries, but the database anchored {anchor.entries} at {anchor.at}: "
            f"{lost} cut off."
        )
    if anchor.entries and macs[anchor.entries - 1] != anchor.head:
        raise Tampered(
            f"Audit log {path}: entry {anchor.entries} is not the one the database anchored at {anchor.at}: "
            "the log was rewritten or rebuilt up to there."
        )
    if len(macs) > anchor.entries:
        warnings.append(
            f"the database's anchor lags by {len(macs) - anchor.entries} entries (it holds entry {anchor.entries}, "
            f"{anchor.at}): they were written while it was unreachable; the next append brings it up to date."
        )


# -- the anchor in the database ---------------------------------------------------------------------

_UNREACHABLE = (DuankaError, neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError)


@contextmanager
def _database(settings: Settings) -> Iterator[neo4j.Session]:
    """A session tried once: a stopped local server is skipped without trying to connect."""
    from duanka import db, neo4j_server

    if settings.connection.is_local and not neo4j_server.is_running(settings.local):
        raise Unavailable("the local Neo4j is not running")
    with db.session(settings, retries=0) as sess:
        yield sess


def _read(sess: neo4j.Session, name: str, **params: Any) -> list[dict[str, Any]]:
    from duanka import db, queries

    return db.read(sess, queries.load(name), **params)


def _anchor(settings: Settings, entries: int, head: str) -> bool:
    """Move the database's anchor to the log's last entry; False when the database could not be reached."""
    from duanka import db, queries

    try:
        with _database(settings) as sess:
            db.run(sess, queries.load("audit/anchor"), log=str(log_path(settings)), entries=entries, head=head)
    except _UNREACHABLE:
        return False
    return True
