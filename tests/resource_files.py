"""What an extract's own files say of its enterprises, ports and middle numbers, read without duanka's ingest:
the reference the frames detection reads from the graph are checked against (the same routing as the input
contract's: a port code calling is the port's text, a middle number calling is its call)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from duanka.detect.resources import Resources


def _seconds(values: pd.Series) -> pd.Series:
    """Epoch seconds of the contract's timestamps: without an offset, Beijing time."""
    stamps = pd.to_datetime(values.replace("", None), format="ISO8601", errors="coerce")
    return (stamps - pd.Timestamp("1970-01-01 08:00")).dt.total_seconds()


def _read(folder: Path, name: str, rejected: pd.DataFrame) -> pd.DataFrame:
    """A file's rows as text, without those `rejected` (a quarantine's: file and line, the header line 1)."""
    path = folder / f"{name}.csv"
    if not path.exists():
        return pd.DataFrame()
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    lines = rejected.loc[rejected["file"] == path.name, "line"].astype(int)
    return rows.drop(index=[n - 2 for n in set(lines)], errors="ignore").reset_index(drop=True)


def from_extract(folder: Path, quarantine: Path | None = None) -> Resources:
    """The extract's resources at the grain the graph keeps them: a binding per middle and real number (its
    earliest and longest), a holding per middle number and enterprise, texts and calls per pair summed over
    kinds; every enterprise named, registered or only named by a port or a binding. Rows the `quarantine` file
    lists are left out, as ingest leaves them."""
    rejected = pd.read_csv(quarantine, dtype=str) if quarantine else pd.DataFrame(columns=["file", "line"])
    names = ("enterprises", "sms_ports", "number_bindings", "calls", "reports")
    e, p, b, calls, reports = (_read(folder, n, rejected) for n in names)
    ports = pd.DataFrame(
        {
            "port_code": p["port_code"],
            "enterprise_id": p["enterprise_id"].replace("", None),
            "agent_id": p["agent_id"].replace("", None),
            "opened_at": _seconds(p["opened_at"]),
        }
    ).drop_duplicates("port_code", keep="last")
    bound, unbound = _seconds(b["bound_at"]), _seconds(b["unbound_at"])
    rows = pd.DataFrame(
        {
            "middle_number": b["middle_number"],
            "real_msisdn": b["real_msisdn"],
            "enterprise_id": b["enterprise_id"].replace("", None),
            "first_bound": bound,
            "longest_minutes": (unbound - bound) / 60,
        }
    )
    bindings = rows.groupby(["middle_number", "real_msisdn"], as_index=False).agg(
        first_bound=("first_bound", "min"), longest_minutes=("longest_minutes", "max")
    )
    holdings = rows.dropna(subset=["enterprise_id"]).groupby(["middle_number", "enterprise_id"], as_index=False)
    holdings = holdings.agg(first_bound=("first_bound", "min"))
    registered = pd.DataFrame(
        {
            "enterprise_id": e["enterprise_id"],
            "registered_at": _seconds(e["registered_at"]),
            "legal_person_id": e["legal_person_id"].replace("", None),
        }
    )
    named_only = sorted(
        set(ports["enterprise_id"].dropna()) | set(ports["agent_id"].dropna()) | set(holdings["enterprise_id"])
    )
    named_only = [n for n in named_only if n not in set(registered["enterprise_id"])]
    enterprises = pd.concat(
        [
            registered,
            pd.DataFrame({"enterprise_id": named_only, "registered_at": float("nan"), "legal_person_id": None}),
        ],
        ignore_index=True,
    )
    calls = calls.assign(
        count=pd.to_numeric(calls["count"]).fillna(1),
        total_duration_s=pd.to_numeric(calls["total_duration_s"], errors="coerce"),
        first_ts=_seconds(calls["first_ts"]),
        last_ts=_seconds(calls["last_ts"]),
    )
    by_port = calls[calls["caller_msisdn"].isin(set(ports["port_code"]))].rename(
        columns={"caller_msisdn": "port_code", "callee_msisdn": "callee"}
    )
    texts = by_port.groupby(["port_code", "callee"], as_index=False).agg(
        count=("count", "sum"), first_ts=("first_ts", "min"), last_ts=("last_ts", "max")
    )
    by_middle = calls[calls["caller_msisdn"].isin(set(bindings["middle_number"]))].rename(
        columns={"caller_msisdn": "middle_number", "callee_msisdn": "callee"}
    )
    grouped = by_middle.groupby(["middle_number", "callee"])
    middle_calls = grouped.agg(count=("count", "sum")).reset_index()
    middle_calls["total_duration_s"] = grouped["total_duration_s"].sum(min_count=1).to_numpy()
    numbers = set(ports["port_code"]) | set(bindings["middle_number"])
    reported = frozenset(reports["msisdn"]) & numbers if len(reports) else frozenset()
    return Resources(enterprises, ports, texts, bindings, holdings, middle_calls, frozenset(reported))
