"""SMS ports, middle numbers and shell enterprises on generated worlds, measured through a detection run: recall
per role among the leads, the look-alikes they rank, and how many rings leasing a port are flagged before the
port's first report.

    python bench/ports.py --persons 2000 --seeds 1 2 3 --difficulty hard adversarial --empty-the-database

Each world is generated with `--ports`, loaded alone into the configured (local) database and detected by the
`detect` flow (seed = the world's seed); the lead list is scored against truth.csv and hard_negatives.csv. The
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


def world_figures(settings: Settings, folder: Path, seed: int) -> dict[str, object]:
    """A loaded world's detection run, scored against its truth."""
    began = time.perf_counter()
    e = detect(seed=seed).entities
    seconds = time.perf_counter() - began
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
    kinds = ("enterprise", "port", "middle_number")
    resources = e[e["entity_type"].isin(kinds)]
    out["resource look-alikes among leads"] = int(resources.index[resources["lead"]].isin(looks).sum())
    out["resource leads"] = int(resources["lead"].sum())
    out["look-alikes in top 500"] = int(pd.Index(ranked[:500]).isin(looks).sum())
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
    rows = []
    for difficulty in args.difficulty:
        for seed in args.seeds:
            folder = args.out / f"{difficulty}-{seed}"
            generate(folder, "demo", persons=args.persons, seed=seed, difficulty=difficulty, ports=True)
            db.empty_database(settings)
            assert ingest(str(folder), bulk=None, force=True).ok
            rows.append({"world": f"{difficulty} seed {seed}", **world_figures(settings, folder, seed)})
            print(rows[-1], flush=True)
    columns = list(dict.fromkeys(c for row in rows for c in row))
    print("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")


if __name__ == "__main__":
    main()
