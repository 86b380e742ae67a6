"""SMS ports, middle numbers and shell enterprises on generated worlds: the resource signals' recall per role,
the look-alikes they rank, and how many rings leasing a port are flagged before the port's first report.

    python bench/ports.py --persons 10000 --seeds 1 2 3 --difficulty hard adversarial

A second table counts each kind of look-alike (hard_negatives.csv) in the top 500 and at the line.

Reads each world's own files (duanka/detect/resources.py `from_extract`, no database): the signals as
detection would compute them from the graph. The early warning is an offline replay: each ring's
resources as of the first victim report naming one of its ports (texts, bindings and reports before
that moment only), scored again.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import pandas as pd

from duanka.detect.resources import Resources, from_extract, suspicions
from duanka.generate import generate

ROLES = ("shell_enterprise", "fraud_port", "fraud_middle_number")
LINE = 0.5


def as_of(r: Resources, t: float) -> Resources:
    """What the graph would have held at `t`: leases, texts, bindings and calls begun before it, no later report."""
    bound = r.bindings["first_bound"] < t
    return replace(
        r,
        ports=r.ports[r.ports["opened_at"] < t],
        texts=r.texts[r.texts["first_ts"] < t],
        bindings=r.bindings[bound],
        middle_calls=r.middle_calls[r.middle_calls["middle_number"].isin(r.bindings.loc[bound, "middle_number"])],
        reported=frozenset(),
    )


def look_alikes(folder: Path, scored: pd.DataFrame) -> dict[str, str]:
    """Per kind of look-alike: how many stand in the top 500 and at the line, of how many scored."""
    negatives = pd.read_csv(folder / "hard_negatives.csv", dtype=str)
    keys = negatives["entity_type"] + ":" + negatives["entity_id"]
    negatives = negatives[keys.isin(scored.index)].assign(key=keys)
    top = set(scored.sort_values(["score", "entity_id"], ascending=[False, True]).head(500).index)
    out = {}
    for typology, rows in negatives.groupby("typology"):
        score = scored.loc[rows["key"], "score"]
        out[str(typology)] = f"{int(rows['key'].isin(top).sum())} / {int((score >= LINE).sum())} ({len(rows)})"
    return out


def world_figures(folder: Path) -> dict[str, object]:
    r = from_extract(folder)
    scored = suspicions(r)
    truth = pd.read_csv(folder / "truth.csv", dtype=str)
    truth["key"] = truth["entity_type"] + ":" + truth["entity_id"]
    negatives = pd.read_csv(folder / "hard_negatives.csv", dtype=str)
    looks = set(negatives["entity_type"] + ":" + negatives["entity_id"])
    leads = scored.index[scored["score"] >= LINE]
    out: dict[str, object] = {}
    for role in ROLES:
        keys = truth.loc[truth.role == role, "key"]
        out[role] = f"{keys.isin(leads).mean():.2f} ({len(keys)})"
    ranking = scored.sort_values(["score", "entity_id"], ascending=[False, True])
    planted = truth["key"].isin(scored.index).sum()
    out["look-alikes in top 500"] = int(ranking.head(500).index.isin(looks).sum())
    out["look-alikes in top R"] = f"{int(ranking.head(planted).index.isin(looks).sum())} (R = {planted})"
    out["look-alikes at the line"] = int(leads.isin(looks).sum())
    out["scored"] = len(scored)
    reports = pd.read_csv(folder / "reports.csv", dtype=str, keep_default_na=False)
    reported_at = pd.to_datetime(reports["reported_at"]) - pd.Timestamp("1970-01-01")
    first_report = reported_at.dt.total_seconds().groupby(reports["msisdn"]).min()
    ports = truth[truth.role == "fraud_port"]
    early, rings = 0, 0
    for _ring, members in ports.groupby("ring_id"):
        named = first_report.reindex(members["entity_id"]).dropna()
        if named.empty:
            continue
        rings += 1
        then = suspicions(as_of(r, float(named.min())))
        early += bool((then.reindex("port:" + members["entity_id"])["score"] >= LINE).any())
    out["rings flagged before a port's first report"] = f"{early}/{rings}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--difficulty", nargs="+", default=["hard", "adversarial"])
    parser.add_argument("--out", type=Path, default=Path(".duanka/bench/ports"))
    args = parser.parse_args()
    rows, kinds = [], []
    for difficulty in args.difficulty:
        for seed in args.seeds:
            folder = args.out / f"{difficulty}-{seed}"
            generate(folder, "demo", persons=args.persons, seed=seed, difficulty=difficulty, ports=True)
            rows.append({"world": f"{difficulty} seed {seed}", **world_figures(folder)})
            kinds.append({"world": rows[-1]["world"], **look_alikes(folder, suspicions(from_extract(folder)))})
    for table in (rows, kinds):  # the second: each kind of look-alike, in the top 500 / at the line (scored)
        columns = list(dict.fromkeys(c for row in table for c in row))
        print("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
        for row in table:
            print("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")
        print()


if __name__ == "__main__":
    main()
