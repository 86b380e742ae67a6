"""What one party holds of a generated world: an operator sees numbers, handsets and calls, never bank data."""

from __future__ import annotations

import base64
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

OPERATOR = ("persons", "sims", "devices", "sim_device_links", "calls", "outlets")
BESIDE = ("truth.csv", "hard_negatives.csv", "scenario.json")  # the answers, for evaluation, never loaded


def copy_answers(world: Path, out: Path) -> None:
    """The answers beside `world` copied beside `out`: those there are (an extract that was not generated
    holds a truth or outcomes file at most)."""
    for name in BESIDE:
        if (world / name).exists():
            shutil.copy2(world / name, out / name)


def operator_view(world: Path, out: Path, holders: bool = True) -> Path:
    """An operator's extract of `world` in `out`; without `holders`, the numbers alone (no real-name records).

    Real operator extracts shared for anti-fraud work often carry no holder: persons is then a header
    with no rows and every card's holder is empty.
    """
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.*"):
        stale.unlink()
    copy_answers(world, out)
    for table in OPERATOR:
        source = next(world.glob(f"{table}.*"))
        if holders or table not in ("persons", "sims"):
            shutil.copy2(source, out / source.name)
            continue
        parquet = source.suffix == ".parquet"
        frame = pd.read_parquet(source) if parquet else pd.read_csv(source, dtype=str, keep_default_na=False)
        if table == "persons":
            frame = frame.iloc[:0]
        else:
            frame["holder_person_id"] = None if parquet else ""
        if parquet:
            frame.to_parquet(out / source.name, index=False)
        else:
            frame.to_csv(out / source.name, index=False)
    return out


CROWD = 200  # a number this many numbers contacted (a hotline) links them all in a projection: left out, as sources do


def calls_view(world: Path, out: Path, projection: bool = False, crowd: int = CROWD) -> Path:
    """The call graph of `world` alone, in the shapes operators share it: `sims.csv` with the number only,
    `persons.csv` a header, and `calls.csv` with `caller_msisdn,callee_msisdn` only (who called whom, no
    times, durations, counts or kinds) — or, with `projection`, the symmetric projection: two of the
    operator's numbers linked when both contacted a common number (one contacted by fewer than `crowd`),
    every pair in both directions with count 1."""
    _fresh(out, world)
    sims = pd.read_csv(world / "sims.csv", dtype=str, keep_default_na=False, usecols=["msisdn"])
    calls = pd.read_csv(
        world / "calls.csv", dtype=str, keep_default_na=False, usecols=["caller_msisdn", "callee_msisdn"]
    )
    calls = calls[calls["caller_msisdn"] != calls["callee_msisdn"]].drop_duplicates()
    if projection:
        own = calls[calls["caller_msisdn"].isin(set(sims["msisdn"]))]
        common = own.groupby("callee_msisdn")["caller_msisdn"].transform("size")
        own = own[common < crowd]
        both = own.merge(own, on="callee_msisdn")
        both = both[both["caller_msisdn_x"] != both["caller_msisdn_y"]]
        calls = pd.DataFrame({"caller_msisdn": both["caller_msisdn_x"], "callee_msisdn": both["caller_msisdn_y"]})
        calls = calls.drop_duplicates()  # both orders of every pair are there: (a, b) and (b, a) share a callee
        calls = calls.assign(count=1)
    pd.DataFrame(columns=_columns("persons")).to_csv(out / "persons.csv", index=False)
    sims.to_csv(out / "sims.csv", index=False)
    calls.to_csv(out / "calls.csv", index=False)
    return out


def _columns(table: str) -> list[str]:
    from duanka.ingest.contract import SPECS

    return [c.name for c in SPECS[table].columns]


# The time each dated row happened; rows of the other tables (persons, devices, outlets) are reference data.
WHEN: dict[str, str] = {
    "sims": "activated_at",
    "bank_accounts": "opened_at",
    "sim_device_links": "first_seen",
    "account_device_links": "first_seen",
    "calls": "first_ts",
    "transfers": "ts",
    "reports": "reported_at",
    "enterprises": "registered_at",  # an enterprise is known from its registration
    "sms_ports": "opened_at",
    "number_bindings": "bound_at",
}


REFERENCE = ("persons", "devices", "outlets")


def _read(world: Path) -> tuple[dict[str, pd.DataFrame], dict[str, pd.Series]]:
    """A world's tables as text, and when each dated row happened (offset-less times read as they are).
    A table the extract lacks is a table with no rows: real extracts are partial."""
    frames = {t: _table(world, t) for t in (*WHEN, *REFERENCE)}
    times = {t: _time(frames[t][c]) for t, c in WHEN.items()}
    return frames, times


def _table(world: Path, table: str) -> pd.DataFrame:
    from duanka.ingest.contract import SPECS

    path = world / f"{table}.csv"
    if path.exists():
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.DataFrame(columns=[c.name for c in SPECS[table].columns], dtype=str)


def _time(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")


def _fresh(out: Path, world: Path) -> None:
    """`out` emptied of any earlier extract, with the answers copied beside."""
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.*"):
        stale.unlink()
    copy_answers(world, out)


def split_by_time(world: Path, before: Path, after: Path, share: float) -> pd.Timestamp:
    """`world` as two extracts: what happened before a cut, and the last `share` of its dated rows after it
    (new cards, accounts, sightings, calls, transfers, reports, enterprises, ports and bindings: a day's
    increment). Returns the cut.

    Reference tables (persons, devices, outlets) go whole into `before`; both get the answers beside."""
    frames, times = _read(world)
    cut = pd.concat(times.values()).dropna().quantile(1 - share)
    for out in (before, after):
        _fresh(out, world)
    for table, frame in frames.items():
        late = (times[table] >= cut).to_numpy() if table in times else np.zeros(len(frame), dtype=bool)
        frame[~late].to_csv(before / f"{table}.csv", index=False)
        frame[late].to_csv(after / f"{table}.csv", index=False)
    return cut


# Rows that last (a sighting, a pair's calls): the column where each ends, and what it counts up meanwhile.
SPANS: dict[str, tuple[str, tuple[str, ...]]] = {
    "sim_device_links": ("last_seen", ("days_seen",)),
    "account_device_links": ("last_seen", ()),
    "calls": ("last_ts", ("count", "total_duration_s")),
    "number_bindings": ("unbound_at", ()),  # a binding still held ends at the day (the loader keeps the longest)
}


class Timeline:
    """A world as its extracts would have stood on each day: the source of a replay (flows/replay.py).

    Nothing from after the day leaks in: a row appears once it began; a sighting or a pair's calls still
    going on ends at the day, its counts cut in proportion to the time passed. A day's extract holds what
    began since the last one and every row still going on, at its new extent (the loader widens a
    sighting and replaces a pair's counts: a real daily extract reports them the same way).
    """

    def __init__(self, world: Path) -> None:
        self.world = world
        self.frames, self.begins = _read(world)
        self.ends = {t: _time(self.frames[t][SPANS[t][0]]) for t in SPANS}

    def extract(self, out: Path, until: pd.Timestamp, since: pd.Timestamp | None = None) -> dict[str, int]:
        """Write to `out` what is known on `until` and not already on `since` (None: everything, with the
        reference tables); return the rows per table."""
        _fresh(out, self.world)
        rows: dict[str, int] = {}
        for table, frame in self.frames.items():
            if table in REFERENCE:
                part = frame if since is None else frame.iloc[:0]
            else:
                part = self._known(table, until, since)
            part.to_csv(out / f"{table}.csv", index=False)
            rows[table] = len(part)
        return rows

    def _known(self, table: str, until: pd.Timestamp, since: pd.Timestamp | None) -> pd.DataFrame:
        undated = self.begins[table].isna().to_numpy()  # known from the first extract on
        begun = (self.begins[table] <= until).to_numpy() | undated
        new = begun if since is None else begun & (self.begins[table] > since).to_numpy()
        if table not in SPANS:
            return self.frames[table][new]
        ending = self.ends[table]
        changed = new | (begun & (ending > since).to_numpy()) if since is not None else new
        part = self.frames[table][changed].copy()
        first, last = self.begins[table][changed], ending[changed]
        going_on = (last > until).to_numpy()
        if going_on.any():
            end_column, counts = SPANS[table]
            passed = ((until - first) / (last - first).where(last > first)).fillna(1.0).clip(0, 1)[going_on]
            part.loc[going_on, end_column] = until.strftime("%Y-%m-%dT%H:%M:%S")
            for column in counts:
                counted = pd.to_numeric(part.loc[going_on, column], errors="coerce")
                part.loc[going_on, column] = (counted * passed).round().clip(lower=1).astype("Int64").astype(str)
        return part


# What a source pseudonymises before sharing: every number, card, device, identity and holder id.
ID_COLUMNS: dict[str, dict[str, str]] = {  # table -> column -> the truth.csv entity type its ids are
    "persons": {"person_id": "person", "id_number": "id_number"},
    "sims": {"msisdn": "sim", "holder_person_id": "person", "iccid": "iccid", "imsi": "imsi"},
    "bank_accounts": {"account_id": "account", "holder_person_id": "person", "bound_msisdn": "sim"},
    "devices": {"device_id": "device"},
    "sim_device_links": {"msisdn": "sim", "device_id": "device"},
    "account_device_links": {"account_id": "account", "device_id": "device"},
    "transfers": {"from_account": "account", "to_account": "account"},
    "calls": {"caller_msisdn": "sim", "callee_msisdn": "sim"},
    "reports": {"msisdn": "sim", "account_id": "account"},
}
SCHEMES = ("hex64", "hex32", "base64")
ANSWERS = ("truth.csv", "hard_negatives.csv")  # entity_type, entity_id: the ids as the extract writes them


def token(value: str, scheme: str = "hex64", salt: str = "duanka") -> str:
    """The salted-hash token a source would share instead of `value`: SHA-256 as 64 or 32 hex characters,
    or as base64 (44 characters, with `+`, `/` and `=`)."""
    digest = hashlib.sha256(f"{salt}\x00{value}".encode()).digest()
    if scheme == "hex64":
        return digest.hex()
    if scheme == "hex32":
        return digest.hex()[:32]
    if scheme == "base64":
        return base64.b64encode(digest).decode("ascii")
    raise ValueError(f"unknown pseudonymisation {scheme!r}: use {', '.join(SCHEMES)}")


def pseudonymise(world: Path, out: Path, scheme: str = "hex64", salt: str = "duanka") -> Path:
    """`world` as a source would share it under the personal-information law: every id replaced by its
    token (`token`), the same token for the same value in every file and in the answers beside.

    Carrier and MVNO columns stay as the source wrote them: a source knows its own carriers, and a
    token hides the number segment they would otherwise be derived from."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown pseudonymisation {scheme!r}: use {', '.join(SCHEMES)}")
    tables = {t: next(world.glob(f"{t}.*"), None) for t in ID_COLUMNS}
    frames = {t: _read_table(p) for t, p in tables.items() if p is not None}
    answers = {a: pd.read_csv(world / a, dtype=str, keep_default_na=False) for a in ANSWERS if (world / a).exists()}
    beside = [world / n for n in (*BESIDE, "dirty_rows.csv") if (world / n).exists() and n not in ANSWERS]
    carried = {n.name: n.read_bytes() for n in beside}
    if out != world:
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.glob("*.*"):
            stale.unlink()
    memo: dict[str, str] = {}

    def hide(values: pd.Series) -> pd.Series:
        def one(v: str) -> str:
            if v not in memo:
                memo[v] = token(v, scheme, salt)
            return memo[v]

        return values.map(lambda v: one(str(v)) if isinstance(v, str) and v != "" else v)

    for table, frame in frames.items():
        for column in ID_COLUMNS[table]:
            if column in frame.columns:
                frame[column] = hide(frame[column])
        path = tables[table]
        assert path is not None
        if path.suffix == ".parquet":
            frame.to_parquet(out / path.name, index=False)
        else:
            frame.to_csv(out / path.name, index=False)
    hidden = {kind for columns in ID_COLUMNS.values() for kind in columns.values()}
    for name, frame in answers.items():
        ids = frame["entity_type"].isin(hidden)
        frame.loc[ids, "entity_id"] = hide(frame.loc[ids, "entity_id"])
        frame.to_csv(out / name, index=False)
    for name, data in carried.items():
        (out / name).write_bytes(data)
    return out


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix == ".parquet":
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)
