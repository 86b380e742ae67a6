"""Does feeding investigators' decisions back improve the next run? Measured on a generated scenario.

    python bench/feedback.py --profile small --difficulty hard --seed 1 --decide 300 --empty-the-database

Run 1 ranks; an "investigator" (the truth file) decides the top N leads — confirmed if planted,
dismissed if not; run 2 ranks again with those decisions fed back. Both rankings are then scored
on what is still to be triaged (every entity not yet decided): precision at k of the fresh leads.
"""

from __future__ import annotations

import argparse

from duanka import db
from duanka.casework import decide
from duanka.detect import evaluate as ev
from duanka.generate import generate
from duanka.settings import Settings, project_root
from flows.detect import detect
from flows.ingest import ingest

KS = (100, 500, 1000, 2000, 3000)


def fresh(result, decided: set[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """The whole ranking (leads first), minus what was decided."""
    every = result.entities
    return [k for k in (every["entity_type"] + ":" + every["entity_id"]) if k not in decided]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="small")
    parser.add_argument("--difficulty", default="hard")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--decide", type=int, default=300, help="how many top leads the investigator decides")
    parser.add_argument("--min-score", type=float, default=0.35, help="lead threshold of both runs")
    parser.add_argument("--empty-the-database", action="store_true", required=True)
    args = parser.parse_args()
    settings = Settings.from_env()
    source = project_root() / "data" / "generated" / f"eval-{args.profile}-{args.difficulty}-{args.seed}"
    if not (source / "scenario.json").exists():
        generate(source, args.profile, seed=args.seed, difficulty=args.difficulty)
    db.empty_database(settings)
    assert ingest(str(source), force=True).ok
    truth = ev.Truth.read(source / "truth.csv")

    before = detect(seed=args.seed, min_score=args.min_score, incremental=False)
    top = before.leads.head(args.decide)
    decided = set()
    for r in top.itertuples():
        key = f"{r.entity_type}:{r.entity_id}"
        status = "confirmed" if key in truth.roles else "dismissed"
        decide(settings, key, status, "bench investigator", "decided from the scenario's truth")
        decided.add(key)
    confirmed = sum(k in truth.roles for k in decided)
    after = detect(seed=args.seed, min_score=args.min_score, incremental=False)

    print(
        f"{args.profile} {args.difficulty} seed {args.seed}, lead threshold {args.min_score}: {len(decided)} top leads decided "
        f"({confirmed} confirmed, {len(decided) - confirmed} dismissed)"
    )
    undecided_members = {k for k in truth.roles if k not in decided}
    print(
        "| ranking of what is still to triage | "
        + " | ".join(f"p@{k}" for k in KS)
        + " | fresh leads | recall of the undecided planted members | dismissed re-proposed | precision of the whole lead list |"
    )
    print("|---|" + "---:|" * (len(KS) + 4))
    for name, result in (("run 1 (no feedback)", before), ("run 2 (decisions fed back)", after)):
        ranked = fresh(result, decided)
        precision = [sum(k in truth.roles for k in ranked[:k]) / k if len(ranked) >= k else float("nan") for k in KS]
        leads = set(result.leads["entity_type"] + ":" + result.leads["entity_id"])
        back = sum(1 for k in leads if k in decided and k not in truth.roles)
        recall = len(leads & undecided_members) / max(1, len(undecided_members))
        print(
            f"| {name} | " + " | ".join(f"{p:.3f}" for p in precision) + f" | {len(leads - decided)} | "
            f"{recall:.3f} | {back if result is after else '—'} | "
            f"{sum(k in truth.roles for k in leads) / max(1, len(leads)):.4f} ({len(leads)} leads) |"
        )


if __name__ == "__main__":
    main()
