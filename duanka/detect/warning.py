"""Early warning, measured: how long before its victims pay and report a ring is among the leads.

A replay (flows/replay.py) feeds a generated world to the pipeline day by day and keeps each step's
lead list; these functions read the rings' own milestones from the world, find the first step at
which a member of each ring stood in the first k leads, and turn the two into days of warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from duanka.entity_keys import split_entity_key
from duanka.generate.views import Timeline

MILESTONES = ("first_opening", "first_call", "first_payment", "first_report")


def milestones(timeline: Timeline, rings: dict[str, str] | None = None) -> pd.DataFrame:
    """Per planted ring, when it opened its first card or account, its cards first called, a victim first
    paid one of its accounts, and a victim first reported it (NaT: never, as for a third of the rings).

    Read from the world's tables as the replay's `Timeline` holds them: the world is read once. `rings`:
    "type:id" → ring (duanka/detect/evaluate.py: Truth.rings), else the world's truth.csv."""
    if rings is None:
        truth = pd.read_csv(timeline.world / "truth.csv", dtype=str, keep_default_na=False)
        truth = truth[truth["ring_id"] != ""]
    else:
        kind_id = [split_entity_key(key) for key in rings]
        truth = pd.DataFrame(
            {
                "entity_type": [k for k, _ in kind_id],
                "entity_id": [i for _, i in kind_id],
                "ring_id": list(rings.values()),
            },
            dtype=str,
        )
    ring_of = {t: truth[truth["entity_type"] == t].set_index("entity_id")["ring_id"] for t in ("sim", "account")}
    frames, when = timeline.frames, timeline.begins

    def first(table: str, column: str, rings: pd.Series) -> pd.Series:
        return when[table].groupby(frames[table][column].map(rings)).min()

    transfers = frames["transfers"]
    from_victims = ~transfers["from_account"].isin(ring_of["account"].index)  # the ring's own hops are not victims
    reports = frames["reports"]
    named = reports["msisdn"].map(ring_of["sim"]).fillna(reports["account_id"].map(ring_of["account"]))
    out = pd.DataFrame(
        {
            "first_opening": pd.concat(  # the farmers' burst: the cards sold on and the accounts the mules became
                [first("sims", "msisdn", ring_of["sim"]), first("bank_accounts", "account_id", ring_of["account"])],
                axis=1,
            ).min(axis=1),
            "first_call": first("calls", "caller_msisdn", ring_of["sim"]),
            "first_payment": when["transfers"][from_victims]
            .groupby(transfers.loc[from_victims, "to_account"].map(ring_of["account"]))
            .min(),
            "first_report": when["reports"].groupby(named).min(),
        },
        index=pd.Index(sorted(truth["ring_id"].unique()), name="ring"),
    )
    return out[list(MILESTONES)]


def first_flagged(steps: Iterable[tuple[pd.Timestamp, pd.DataFrame]], ring_of: dict[str, str], k: int) -> pd.DataFrame:
    """Per ring, the end of the first step after which one of its members stood in the first `k` leads,
    with that member's key, role and reasons: the signals that gave the warning.

    `steps`: each step's end and its lead list, best first (index "type:id", columns role, reasons_en);
    `ring_of`: key → ring."""
    flagged: dict[str, dict[str, object]] = {}
    for until, leads in steps:
        top = leads.head(k)
        for key, role, reasons in zip(top.index, top["role"], top["reasons_en"], strict=True):
            ring = ring_of.get(key)
            if ring is not None and ring not in flagged:
                flagged[ring] = {"flagged": until, "member": key, "role": role, "reasons": reasons}
    out = pd.DataFrame.from_dict(flagged, orient="index", columns=["flagged", "member", "role", "reasons"])
    out["flagged"] = pd.to_datetime(out["flagged"], utc=True)
    return out


def warning(events: pd.DataFrame, flagged: pd.DataFrame) -> pd.DataFrame:
    """Per ring, its milestones, when it was flagged and by whom, and the days of warning before its first
    victim payment and first report (negative: flagged only after it; NaN: never flagged, or never happened)."""
    out = events.join(flagged, how="left")
    for milestone in ("first_payment", "first_report"):
        out[f"days_before_{milestone.removeprefix('first_')}"] = (out[milestone] - out["flagged"]) / pd.Timedelta(
            days=1
        )
    return out


def summary(table: pd.DataFrame) -> dict[str, float | int | str]:
    """The replay's figures: rings, share flagged at all, before their first victim payment and before
    their first report (of the rings that were reported), the median days of warning (of the flagged
    rings whose milestone came), and the roles of the members that gave the warning."""
    flagged = table["flagged"].notna()
    paid, reported = table["first_payment"].notna(), table["first_report"].notna()
    before_payment = flagged & (~paid | (table["flagged"] < table["first_payment"]))
    before_report = flagged & reported & (table["flagged"] < table["first_report"])
    return {
        "rings": len(table),
        "flagged": round(float(flagged.mean()), 3),
        "before_payment": round(float(before_payment.mean()), 3),
        "before_report": round(float(before_report.sum() / max(int(reported.sum()), 1)), 3),
        "unreported_flagged": int((flagged & ~reported).sum()),
        "median_days_before_payment": _median(table["days_before_payment"]),
        "median_days_before_report": _median(table["days_before_report"]),
        "flagged_as": ", ".join(f"{role} {n}" for role, n in table["role"].value_counts().items()),
    }


def port_rings(reports: pd.DataFrame, reported_at: pd.Series, rings: dict[str, str]) -> pd.DataFrame:
    """Per ring that leases an SMS port (a `port:` member in `rings`, key → ring): how many ports, the port
    a victim report named first and when (NaT: none of its ports was reported).

    `reports`: the world's reports (`msisdn` is the number the victim saw: a port code for a text);
    `reported_at`: their times, aligned with it."""
    ports = pd.Series({key.split(":", 1)[1]: ring for key, ring in rings.items() if key.startswith("port:")}, dtype=str)
    named = reports["msisdn"].isin(ports.index).to_numpy()
    first = pd.Series(reported_at.to_numpy()[named], index=reports["msisdn"].to_numpy()[named]).groupby(level=0).min()
    out = pd.DataFrame({"ports": ports.groupby(ports).size()})
    out.index.name = "ring"
    out["reported_port"] = pd.Series(dtype=str)
    out["first_port_report"] = pd.Series(dtype="datetime64[ns, UTC]")
    for port, when in first.sort_values().items():  # earliest first: each ring keeps its first-reported port
        ring = ports[port]
        if pd.isna(out.at[ring, "reported_port"]):
            out.at[ring, "reported_port"] = f"port:{port}"
            out.at[ring, "first_port_report"] = when
    out["first_port_report"] = pd.to_datetime(out["first_port_report"], utc=True)
    return out


def port_warning(
    events: pd.DataFrame, steps: Iterable[tuple[pd.Timestamp, pd.DataFrame]], rings: dict[str, str], k: int
) -> pd.DataFrame:
    """Per ring leasing a port (`port_rings`), when its first-reported port itself (for a ring never
    reported: any of its ports) first stood in the first `k` leads, when any member of the ring did, and
    whether either came before that port's first victim report (`warned`; NaN: no port reported)."""
    steps = list(steps)
    ports_of = {key: ring for key, ring in rings.items() if key.startswith("port:")}
    watched = {
        key: ring
        for key, ring in ports_of.items()
        if pd.isna(events.at[ring, "reported_port"]) or events.at[ring, "reported_port"] == key
    }
    out = events.copy()
    out["port_flagged"] = first_flagged(steps, watched, k)["flagged"].reindex(out.index)
    out["ring_flagged"] = first_flagged(steps, rings, k)["flagged"].reindex(out.index)
    out["port_flagged"] = pd.to_datetime(out["port_flagged"], utc=True)
    out["ring_flagged"] = pd.to_datetime(out["ring_flagged"], utc=True)
    reported = out["first_port_report"].notna()
    earliest = out[["port_flagged", "ring_flagged"]].min(axis=1)
    out["port_warned"] = (out["port_flagged"] < out["first_port_report"]).where(reported)
    out["warned"] = (earliest < out["first_port_report"]).where(reported)
    return out


def port_pending(table: pd.DataFrame, until: pd.Timestamp) -> bool:
    """Whether a later step may still flag a reported port before its first report (the replay goes on)."""
    later = table["first_port_report"] > until
    return bool((later & table["port_flagged"].isna()).any())


def port_summary(table: pd.DataFrame) -> dict[str, float | int]:
    """Rings leasing ports, how many had a port reported, and of those the share whose port itself, and
    whose port or any other member, stood in the top leads before that port's first report."""
    reported = table["first_port_report"].notna()
    n = int(reported.sum())
    return {
        "port_rings": len(table),
        "port_rings_reported": n,
        "port_flagged_before_report": round(float(table.loc[reported, "port_warned"].astype(bool).sum()) / n, 3)
        if n
        else float("nan"),
        "port_or_ring_flagged_before_report": round(float(table.loc[reported, "warned"].astype(bool).sum()) / n, 3)
        if n
        else float("nan"),
    }


def _median(days: pd.Series) -> float:
    days = days.dropna()
    return round(float(days.median()), 1) if len(days) else float("nan")


MARKS = {  # milestone → (marker, colour, label)
    "first_opening": ("o", "#9e9e9e", "first card or account opened"),
    "first_call": ("^", "#ff9800", "first call from its cards"),
    "first_payment": ("X", "#d32f2f", "first victim payment"),
    "first_report": ("s", "#212121", "first victim report"),
    "flagged": ("D", "#2e7d32", "flagged (a member in the top leads)"),
}


def draw_timeline(table: pd.DataFrame, path: Path, title: str) -> Path:
    """Rings as rows, their milestones and the day they were flagged as marks: where the green diamond
    stands left of the red cross, the warning came before a victim paid."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = table.sort_values("first_opening")
    y = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(11, 1.6 + 0.24 * len(rows)))
    start = rows["first_opening"].dt.tz_localize(None)
    end = rows[[*MILESTONES, "flagged"]].max(axis=1).dt.tz_localize(None)
    ax.hlines(y, start, end, color="#e0e0e0", linewidth=3, zorder=1)
    for column, (marker, colour, label) in MARKS.items():
        when = rows[column].dt.tz_localize(None)
        ax.scatter(when, y, marker=marker, color=colour, label=label, s=42 if column == "flagged" else 30, zorder=3)
    ax.set_yticks(y, rows.index, fontsize=7)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=10)
    fig.legend(*ax.get_legend_handles_labels(), loc="lower center", ncol=len(MARKS), fontsize=8, frameon=False)
    ax.grid(axis="x", color="#f0f0f0")
    fig.tight_layout(rect=(0, 0.5 / fig.get_figheight(), 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
