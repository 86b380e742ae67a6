"""SMS ports, middle numbers and shell enterprises on generated worlds, measured through a detection run: recall
per role among the leads, the look-alikes they rank, and how many rings leasing a port are flagged before the
port's first report.

    python bench/ports.py --persons 2000 --seeds 1 2 3 --difficulty hard adversarial --empty-the-database

Each world is generated with `--ports`, loaded alone into the configured (local) database and detected by the
`detect` flow (seed = the world's seed); the lead list is scored against truth.csv and hard_negatives.csv. A
second table counts each kind of look-alike (hard_negatives.csv) in the first 500 of the run's ranking (its
leads, then those ranked below the line) and among its leads. The
early warning is an offline replay on what the run read: each ring's resources as of the first victim report
naming one of its ports (leases, texts, bindings and calls begun before it, no report), scored again by the
resources' own rules (before clusters and corroboration).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

from duanka import db
from duanka.detect import evaluate as ev
from duanka.detect import signals
from duanka.detect.reading import fact_reads, read_frames
from duanka.detect.resources import Resources, suspicions
from duanka.generate import generate
from duanka.settings import Settings
from flows.detect import detect
from flows.ingest import ingest

ROLES = ("shell_enterprise", "fraud_port", "fraud_middle_number", "card_farmer")
LINE = 0.5  # the resources' own line in the offline replay


def as_of(r: Resources, t: float) -> Resources:
    """What the graph would have held at `t`: leases, texts, bindings and calls begun before it, no report."""
    bound = r.bindings["first_bound"] < t
    middles = set(r.bindings.loc[bound, "middle_number"])
    return replace(
        r,
        ports=r.ports[r.ports["opened_at"] < t],
        texts=r.texts[r.texts["first_ts"] < t],
        bindings=r.bindings[bound],
        holdings=r.holdings[r.holdings["first_bound"] < t],
        middle_calls=r.middle_calls[r.middle_calls["middle_number"].isin(middles)],
        reported=frozenset(),
    )


def ranking(e: pd.DataFrame) -> pd.Index:
    """The run's ranking: its leads, then the entities ranked below the line (a kind of evidence of their
    own); those with none have no rank, however their cluster lifted their score."""
    return e.index[e["lead"] | e["ranked"]]


def look_alikes(folder: Path, e: pd.DataFrame) -> dict[str, str]:
    """Per kind of look-alike: how many stand in the run's top 500 and among its leads, of how many it scored."""
    negatives = pd.read_csv(folder / "hard_negatives.csv", dtype=str)
    negatives["key"] = negatives["entity_type"] + ":" + negatives["entity_id"]
    negatives = negatives[negatives["key"].isin(e.index)]
    top = set(ranking(e)[:500])
    return {
        str(typology): f"{int(rows['key'].isin(top).sum())} / {int(e.loc[rows['key'], 'lead'].sum())} ({len(rows)})"
        for typology, rows in negatives.groupby("typology")
    }


def world_figures(settings: Settings, folder: Path, e: pd.DataFrame, seconds: float) -> dict[str, object]:
    """A loaded world's detection run (entities in rank order), scored against its truth."""
    truth = ev.Truth.read(folder / "truth.csv")
    ranked = list(e.index)
    flagged = int(e["lead"].sum())
    roles = ev.by_role(ranked, flagged, dict(zip(ranked, e["role"], strict=True)), truth).set_index("planted")
    out: dict[str, object] = {}
    for role in ROLES:
        if role in roles.index:
            out[role] = f"{roles.at[role, 'recall']:.2f} ({int(roles.at[role, 'planted_n'])})"
    negatives = pd.read_csv(folder / "hard_negatives.csv", dtype=str)
    looks = set(negatives["entity_type"] + ":" + negatives["entity_id"])
    resources = e[e["entity_type"].isin(("enterprise", "port", "middle_number"))]
    out["resource look-alikes among leads"] = int(resources.index[resources["lead"]].isin(looks).sum())
    out["resource leads"] = int(resources["lead"].sum())
    out["look-alikes in top 500"] = int(ranking(e)[:500].isin(looks).sum())
    out["ranking"] = len(ranking(e))
    out["leads"] = flagged
    out["detect s"] = round(seconds)
    out["rings flagged before a port's first report"] = _early(settings, folder)
    return out


def _early(settings: Settings, folder: Path) -> str:
    """Rings whose port the resources' own rules flag as of the first report naming one of the ring's ports."""
    frames = read_frames(settings, fact_reads(signals.RESOURCE_TABLES, None))
    r = Resources.of(signals.Facts(**frames))
    truth = pd.read_csv(folder / "truth.csv", dtype=str)
    reports = pd.read_csv(folder / "reports.csv", dtype=str, keep_default_na=False)
    stamps = pd.to_datetime(reports["reported_at"], format="ISO8601") - pd.Timestamp("1970-01-01 08:00")
    first_report = stamps.dt.total_seconds().groupby(reports["msisdn"]).min()
    early, rings = 0, 0
    for _ring, members in truth[truth["role"] == "fraud_port"].groupby("ring_id"):
        named = first_report.reindex(members["entity_id"]).dropna()
        if named.empty:
            continue
        rings += 1
        held, _ = suspicions(as_of(r, float(named.min())))
        early += bool((held.reindex(members["entity_id"])["score"] >= LINE).any())
    return f"{early}/{rings}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--difficulty", nargs="+", default=["hard", "adversarial"])
    parser.add_argument("--out", type=Path, default=Path(".duanka/bench/ports"))
    parser.add_argument("--empty-the-database", action="store_true", required=True)
    args = parser.parse_args()
    settings = Settings.from_env()
    rows, kinds = [], []
    for difficulty in args.difficulty:
        for seed in args.seeds:
            folder = args.out / f"{difficulty}-{seed}"
            generate(folder, "demo", persons=args.persons, seed=seed, difficulty=difficulty, ports=True)
            db.empty_database(settings)
            assert ingest(str(folder), bulk=None, force=True).ok
            began = time.perf_counter()
            e = detect(seed=seed, incremental=False).entities
            world = f"{difficulty} seed {seed}"
            rows.append({"world": world, **world_figures(settings, folder, e, time.perf_counter() - began)})
            kinds.append({"world": world, **look_alikes(folder, e)})
            print(rows[-1], flush=True)
    for table in (rows, kinds):  # the second: each kind of look-alike, in the top 500 / among the leads (scored)
        columns = list(dict.fromkeys(c for row in table for c in row))
        print("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
        for row in table:
            print("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")
        print()


if __name__ == "__main__":
    main()
