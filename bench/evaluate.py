"""Detection quality on generated scenarios: duanka's engines against the single-rule baselines.

    python bench/evaluate.py --profile medium --seeds 1 2 3 --difficulty hard adversarial --engines igraph --empty-the-database
    python bench/evaluate.py --profile medium --seeds 1 --difficulty hard --extract operator numbers --empty-the-database

For each scenario: generate, bulk-load into the configured (local) database, detect with each
engine (the `detect` flow), and score the ranking and the baselines against truth.csv. Prints
markdown tables (docs/evaluation.md holds the last ones): the metrics per world, then per
difficulty the recall and accuracy of every planted role and what it was called instead, and the
reliability of the scores (precision per score band).
"""

from __future__ import annotations

import argparse
import time

import pandas as pd
from worlds import loaded_world

from duanka.detect import evaluate as ev
from duanka.settings import Settings
from flows.detect import detect

COLUMNS = [
    "p@10", "p@100", "p@500", "p@R", "recall", "list/R", "rings_found", "role_accuracy", "hn_fp@500", "ece",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="medium")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--difficulty", nargs="+", default=["hard", "adversarial"])
    parser.add_argument("--engines", nargs="+", default=["igraph"])
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument(
        "--extract",
        nargs="+",
        default=["full"],
        choices=["full", "operator", "numbers"],
        help="what is loaded: the whole world, an operator's part (no bank data), or its numbers without holders",
    )
    parser.add_argument("--empty-the-database", action="store_true", required=True)
    args = parser.parse_args()
    settings = Settings.from_env()
    print("| scenario | method | " + " | ".join(COLUMNS) + " | detect s |")
    print("|---|---|" + "---:|" * (len(COLUMNS) + 1))
    roles: dict[str, list[pd.DataFrame]] = {}
    bands: dict[str, list[pd.DataFrame]] = {}
    numbers: list[dict[str, object]] = []
    for difficulty in args.difficulty:
        for seed in args.seeds:
            for extract in args.extract:
                source = loaded_world(settings, "eval", args.profile, seed, difficulty, extract)
                truth = ev.Truth.read(source / "truth.csv")
                kind = difficulty if extract == "full" else f"{difficulty}, {extract} extract"
                name = f"{args.profile} {kind} seed {seed}"
                for engine in args.engines:
                    began = time.perf_counter()
                    result = detect(engine=engine, seed=seed, incremental=False)
                    seconds = time.perf_counter() - began
                    e = result.entities
                    ranked = [f"{t}:{i}" for t, i in zip(e["entity_type"], e["entity_id"], strict=True)]
                    flagged = int(e["lead"].sum())
                    given = dict(zip(ranked, e["role"], strict=True))
                    scores = dict(zip(ranked, e["score"], strict=True))
                    metrics = ev.score_ranking(f"duanka {engine}", ranked, truth, flagged, given, scores)
                    _row(name, metrics, seconds)
                    n_numbers = int((e["entity_type"] == "sim").sum())
                    numbers.append(
                        {"scenario": name, **ev.among_numbers(metrics["method"], ranked, flagged, truth, n_numbers)}
                    )
                    if engine == args.engines[0]:
                        roles.setdefault(kind, []).append(ev.by_role(ranked, flagged, given, truth))
                        listed = ranked[:flagged]
                        right = [k in truth.roles for k in listed]
                        bands.setdefault(kind, []).append(
                            pd.DataFrame({"score": [scores[k] for k in listed], "right": right})
                        )
                if not args.no_baselines:
                    rules, n_numbers = ev.baseline_rankings(settings)
                    for method, (ranking, flagged) in rules.items():
                        _row(name, ev.score_ranking(method, ranking, truth, flagged=flagged), None)
                    numbers.append(
                        {"scenario": name, **ev.among_numbers(ev.CONTACTS, *rules[ev.CONTACTS], truth, n_numbers)}
                    )
    print("\nFraud numbers among all numbers (an operator's question):\n")
    print(ev.markdown(pd.DataFrame(numbers)))
    for kind, tables in roles.items():
        print(f"\nRoles, {args.profile} {kind}, seeds {' '.join(map(str, args.seeds))} (summed):\n")
        print(ev.markdown(_summed_roles(tables)))
        both = pd.concat(bands[kind])
        print(f"\nReliability of the lead scores, {args.profile} {kind}:\n")
        print(ev.markdown(ev.reliability(both["score"].tolist(), both["right"].tolist())))


def _summed_roles(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Confusion counts summed over worlds; recall and accuracy recomputed from the sums."""
    counts = pd.concat(tables).drop(columns=["recall", "accuracy"]).groupby("planted").sum()
    found = counts["planted_n"] - counts.get("missed", 0)
    right = pd.Series({r: counts.at[r, r] if r in counts.columns else 0 for r in counts.index})
    counts.insert(1, "recall", (found / counts["planted_n"]).round(3))
    counts.insert(2, "accuracy", (right / found.where(found > 0)).round(3))
    return counts.fillna(0).reset_index()


def _row(name: str, metrics: dict[str, object], seconds: float | None) -> None:
    cells = ["—" if metrics.get(c) is None else str(metrics[c]) for c in COLUMNS]
    print(
        f"| {name} | {metrics['method']} | "
        + " | ".join(cells)
        + f" | {'' if seconds is None else f'{seconds:.0f}'} |",
        flush=True,
    )


if __name__ == "__main__":
    main()
