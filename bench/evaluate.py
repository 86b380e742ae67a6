"""Detection quality on generated scenarios: duanka's engines against the single-rule baselines.

    python bench/evaluate.py --profile medium --seeds 1 2 3 --difficulty easy hard --engines igraph louvain --empty-the-database

For each scenario: generate, bulk-load into the configured (local) database,
detect with each engine, and score the ranking and the baselines against
truth.csv. Prints a markdown table (docs/evaluation.md holds the last one).
"""

from __future__ import annotations

import argparse
import time

from duanka import db
from duanka.detect import evaluate as ev
from duanka.generate import generate
from duanka.settings import Settings, project_root
from flows.detect import detect
from flows.ingest import ingest

COLUMNS = ["p@10", "p@50", "p@100", "p@500", "recall", "rings_found", "role_accuracy", "hn_fp@500"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="medium")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--difficulty", nargs="+", default=["easy", "hard"])
    parser.add_argument("--engines", nargs="+", default=["igraph", "louvain"])
    parser.add_argument("--empty-the-database", action="store_true", required=True)
    args = parser.parse_args()
    settings = Settings.from_env()
    print("| scenario | method | " + " | ".join(COLUMNS) + " | detect s |")
    print("|---|---|" + "---:|" * (len(COLUMNS) + 1))
    for difficulty in args.difficulty:
        for seed in args.seeds:
            source = project_root() / "data" / "generated" / f"eval-{args.profile}-{difficulty}-{seed}"
            if not (source / "scenario.json").exists():
                generate(source, args.profile, seed=seed, difficulty=difficulty)
            db.empty_database(settings)
            assert ingest(str(source), bulk=True, force=True).ok  # also starts Prefect, before any timing
            truth = ev.Truth.read(source / "truth.csv")
            name = f"{args.profile} {difficulty} seed {seed}"
            for engine in args.engines:
                began = time.perf_counter()
                result = detect(engine=engine, seed=seed)
                seconds = time.perf_counter() - began
                ranked = [
                    f"{t}:{i}"
                    for t, i in zip(result.entities["entity_type"], result.entities["entity_id"], strict=False)
                ]
                flagged = int((result.entities["score"] >= result.params.min_score).sum())
                roles = dict(zip(ranked, result.entities["role"], strict=False))
                _row(name, ev.score_ranking(f"duanka {engine}", ranked, truth, flagged=flagged, roles=roles), seconds)
            for metrics in ev.baselines(settings, truth):
                _row(name, metrics, None)


def _row(name: str, metrics: dict[str, object], seconds: float | None) -> None:
    cells = ["—" if metrics[c] is None else str(metrics[c]) for c in COLUMNS]
    print(
        f"| {name} | {metrics['method']} | "
        + " | ".join(cells)
        + f" | {'' if seconds is None else f'{seconds:.0f}'} |",
        flush=True,
    )


if __name__ == "__main__":
    main()
