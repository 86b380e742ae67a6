"""When each early sign of a ring first shows in the raw rows, against its first call and first victim payment.

    python bench/early_signs.py --profile medium --seeds 1 --difficulty hard adversarial

The replay (bench/replay.py) says when the whole pipeline first put a ring member in the top 100; this
says how early the signs it reads were there to be seen, from the world's own files (no database): the
first farmer burst (a holder of the ring opening `sim_burst.quoted_from` SIM cards within the burst
window), the collector's handset reaching the count of other people's new cards tried and accounts set
up at which its score crosses the lead line, and the same handset having tried two or more new cards or
accounts of three different holders (returning suppliers: the corroboration an adversarial ring, with no
bursts, still shows). Prints per world the share of rings each sign precedes the first victim payment,
and the median days it does so.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from duanka.detect import warning
from duanka.detect.evaluate import markdown
from duanka.detect.model import BRIEF, BURST_WINDOW, EARLY, MODEL
from duanka.generate.views import Timeline
from duanka.params import DetectParams
from duanka.settings import project_root

RETURNING = 3  # holders who handed one handset two new cards or more (the 2024 measure's "3 counterparties")


def lead_line_count() -> int:
    """The fewest cards tried and accounts set up at which a collector's handset scores at the lead line."""
    return next(n for n in range(1, 100) if float(MODEL.handled(np.array([n]))[0]) >= DetectParams.min_score)


def signs(timeline: Timeline) -> pd.DataFrame:
    """Per ring: when its first farmer burst, its handset's lead-line count and its third returning
    supplier first showed (NaT: never), beside the replay's milestones."""
    truth = pd.read_csv(timeline.world / "truth.csv", dtype=str, keep_default_na=False)
    truth = truth[truth["ring_id"] != ""]
    farmers = truth[(truth["entity_type"] == "person") & (truth["role"] == "card_farmer")]
    handsets = truth[(truth["entity_type"] == "device") & (truth["role"] == "card_collector")]
    frames, when = timeline.frames, timeline.begins
    sims = frames["sims"].assign(at=when["sims"])

    mine = sims[sims["holder_person_id"].isin(farmers["entity_id"])].sort_values("at")
    n = MODEL.sim_burst.quoted_from
    span = mine.groupby("holder_person_id")["at"].diff(n - 1)  # the n-th card's time since the first of n
    completed = mine[span <= pd.Timedelta(BURST_WINDOW, "s")]
    ring_of_farmer = farmers.set_index("entity_id")["ring_id"]
    burst = completed.groupby(completed["holder_person_id"].map(ring_of_farmer))["at"].min()

    tried = _tried(timeline, set(handsets["entity_id"]))
    tried["ring"] = tried["device_id"].map(handsets.set_index("entity_id")["ring_id"])
    tried = tried.sort_values("at")
    tried["nth"] = tried.groupby("device_id").cumcount() + 1
    line = tried[tried["nth"] == lead_line_count()].groupby("ring")["at"].min()
    tried["by_holder"] = tried.groupby(["device_id", "holder"]).cumcount() + 1
    second = tried[tried["by_holder"] == 2].copy()  # a holder's second card: a returning supplier
    second["returning"] = second.groupby("device_id").cumcount() + 1
    returning = second[second["returning"] == RETURNING].groupby("ring")["at"].min()

    out = warning.milestones(timeline)[["first_opening", "first_call", "first_payment"]]
    return out.assign(burst=burst, handset_at_line=line, returning_suppliers=returning)


def _tried(timeline: Timeline, devices: set[str]) -> pd.DataFrame:
    """Other people's new cards briefly in `devices` and new accounts set up from them: device, holder, time."""
    frames, when = timeline.frames, timeline.begins
    parts = []
    for links, items, key in (
        ("sim_device_links", "sims", "msisdn"),
        ("account_device_links", "bank_accounts", "account_id"),
    ):
        seen = frames[links].assign(at=when[links], until=timeline.ends[links])
        seen = seen[seen["device_id"].isin(devices)]
        born = frames[items].assign(born=when[items]).set_index(key)
        seen = seen.join(born[["holder_person_id", "born"]], on=key)
        early = ((seen["at"] - seen["born"]) < pd.Timedelta(EARLY, "s")) & (
            (seen["until"] - seen["at"]) < pd.Timedelta(BRIEF, "s")
        )
        parts.append(
            seen.loc[early, ["device_id", "holder_person_id", "at"]].rename(columns={"holder_person_id": "holder"})
        )
    return pd.concat(parts, ignore_index=True)


def summary(table: pd.DataFrame, world: str) -> list[dict[str, object]]:
    """Per sign: how many rings show it, the share that show it before the first payment, median days."""
    rows = []
    for sign in ("first_opening", "burst", "handset_at_line", "returning_suppliers", "first_call"):
        days = (table["first_payment"] - table[sign]).dt.total_seconds() / 86400
        rows.append(
            {
                "world": world,
                "sign": sign,
                "rings showing it": f"{int(table[sign].notna().sum())} of {len(table)}",
                "before the first payment": round(float((days > 0).mean()), 2),
                "median days before payment": round(float(np.nanmedian(days)), 1) if days.notna().any() else None,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="medium")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--difficulty", nargs="+", default=["hard", "adversarial"])
    args = parser.parse_args()
    rows = []
    for difficulty in args.difficulty:
        for seed in args.seeds:
            name = f"eval-{args.profile}-{difficulty}-{seed}"
            rows += summary(
                signs(Timeline(project_root() / "data" / "generated" / name)), f"{args.profile} {difficulty} {seed}"
            )
    print(markdown(pd.DataFrame(rows)))


if __name__ == "__main__":
    main()
