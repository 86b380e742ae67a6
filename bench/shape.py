"""Numbers ranked from the call graph's shape alone, on generated worlds' numbers-only views, without Neo4j.

    python bench/shape.py --profile small --seeds 1 2 3 --difficulty hard adversarial --views calls projection

For each world and view (duanka/generate/views.py: the directed pairs alone, the symmetric projection,
either pseudonymised): the view's files are read as detection would read them from the graph (per number:
distinct callees, callers; the call pairs), the numbers' signals and rule scores computed
(signals.sim_signals, score.sims: a number's own evidence, without clusters or corroboration), and ranked.
Prints, among numbers: the fraud share of the first 100, R-precision (R = planted fraud numbers), the share
of the first 500 that are hard negatives, and the same for the distinct-numbers-called baseline.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from worlds import loaded_world, view

from duanka.detect import score as score_of
from duanka.detect import signals
from duanka.settings import Settings


def number_facts(source: Path) -> signals.Facts:
    """What the graph would hold of a numbers-only extract, as the detect queries return it."""
    sims = pd.read_csv(source / "sims.csv", dtype=str, keep_default_na=False, usecols=["msisdn"])
    calls = pd.read_csv(source / "calls.csv", dtype=str, keep_default_na=False)
    pairs = calls.rename(columns={"caller_msisdn": "caller", "callee_msisdn": "callee"})[["caller", "callee"]]
    pairs = pairs[pairs["caller"] != pairs["callee"]].drop_duplicates()
    facts = sims.assign(
        callees=sims["msisdn"].map(pairs.groupby("caller").size()).fillna(0),
        callers_in=sims["msisdn"].map(pairs.groupby("callee").size()).fillna(0),
    )
    facts["calls"] = facts["callees"]  # a pair without a count is one call (the loader's default)
    return signals.Facts(sims=facts, targets=pairs)


def ranking(source: Path) -> pd.DataFrame:
    """Every number with evidence, by rule score (ties by id), beside the baseline's order."""
    f = number_facts(source)
    devices = signals.device_signals(f)
    s = signals.sim_signals(f, devices)
    scored = score_of.sims(s)
    scored["callees"] = s["callees"]
    return scored.reset_index(names="msisdn")


def measure(scored: pd.DataFrame, fraud: set[str], negatives: set[str], order: list[str]) -> dict[str, float]:
    ranked = scored.sort_values(order, ascending=[False] * (len(order) - 1) + [True])["msisdn"].tolist()
    r = len(fraud)
    return {
        "p@100": np.mean([m in fraud for m in ranked[:100]]),
        "p@R": np.mean([m in fraud for m in ranked[:r]]),
        "hn@500": np.mean([m in negatives for m in ranked[:500]]),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="small")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--difficulty", nargs="+", default=["hard", "adversarial"])
    parser.add_argument("--views", nargs="+", default=["calls", "projection", "calls-hex64", "projection-hex64"])
    args = parser.parse_args()
    settings = Settings.from_env()
    rows = []
    for difficulty in args.difficulty:
        for seed in args.seeds:
            world = loaded_world(settings, "eval", args.profile, seed, difficulty, load=False)
            for name in args.views:
                started = time.monotonic()
                source = view(world, name)
                truth = pd.read_csv(source / "truth.csv", dtype=str)
                negatives = pd.read_csv(source / "hard_negatives.csv", dtype=str)
                fraud = set(truth.loc[truth["entity_type"] == "sim", "entity_id"])
                hn = set(negatives.loc[negatives["entity_type"] == "sim", "entity_id"])
                scored = ranking(source)
                took = time.monotonic() - started
                for method, order in (
                    ("shape", ["score", "kinds", "msisdn"]),
                    ("baseline: distinct numbers called", ["callees", "msisdn"]),
                ):
                    m = measure(scored, fraud, hn, order)
                    rows.append(
                        {
                            "world": f"{args.profile} {difficulty} {seed}",
                            "view": name,
                            "method": method,
                            "fraud numbers": len(fraud),
                            **{k: round(v, 3) for k, v in m.items()},
                            "s": round(took),
                        }
                    )
                print(pd.DataFrame(rows[-2:]).to_string(index=False, header=len(rows) == 2), flush=True)
    table = pd.DataFrame(rows)
    print("| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns))
    for row in table.itertuples(index=False):
        print("| " + " | ".join(str(v) for v in row) + " |")


if __name__ == "__main__":
    main()
