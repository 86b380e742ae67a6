"""The trained-run path: some of a world's fraud numbers confirmed, `duanka train`, and the runs after it.

    python bench/trained.py --profile small --seeds 1 2 3 --difficulty hard adversarial --known 0.2 --empty-the-database

Per world: bulk-load it alone, detect, record `--known` of the fraud numbers it scored as confirmed (an
outcomes file, as a case team returns it), detect with the rules alone, train (the rules' signals and the
graph's features, as `duanka train` does), detect with the trained ranking. Measured on the unconfirmed
rest only (a confirmed number is never counted): among numbers, p@100 and p@R (R: the unconfirmed fraud
numbers scored); among every entity, p@R of the unconfirmed planted members. The model is kept in a work
directory of the bench's own, and switched off at the end.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from worlds import loaded_world

from duanka.detect import learn
from duanka.detect.evaluate import Truth, markdown
from duanka.detect.job import DetectResult
from duanka.detect.train import train
from duanka.outcomes.record import record_file
from duanka.settings import Settings
from flows.detect import detect


def figures(result: DetectResult, confirmed: set[str], truth: Truth) -> dict[str, float]:
    """p@100 and p@R among unconfirmed numbers, p@R among every unconfirmed entity, in the run's lead order."""
    e = result.entities
    rest = e.index[~e.index.isin(list(confirmed))]
    numbers = rest[e.loc[rest, "entity_type"] == "sim"]
    members = set(truth.roles) - confirmed
    hits = np.asarray(numbers[:100].isin(list(members)))
    return {
        "numbers p@100": round(float(hits.mean()), 3) if len(hits) else float("nan"),
        "numbers p@R": learn.precision_at_r(numbers, members),
        "entities p@R": learn.precision_at_r(rest, members),
    }


def one_world(profile: str, seed: int, difficulty: str, known: float) -> list[dict[str, object]]:
    """The three runs on one world and what each ranked."""
    settings = Settings.from_env()
    world = loaded_world(settings, "eval", profile, seed, difficulty)
    truth = Truth.read(world / "truth.csv")
    first = detect(incremental=False)
    numbers = first.entities.index[first.entities["entity_type"] == "sim"]
    fraud = sorted(set(numbers) & set(truth.roles))
    rng = np.random.default_rng(seed)
    confirmed = sorted(rng.choice(fraud, round(known * len(fraud)), replace=False))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "outcomes.csv"
        pd.DataFrame({"entity": confirmed, "outcome": "confirmed", "by": "bench", "note": "planted"}).to_csv(
            path, index=False
        )
        assert record_file(settings, path).recorded == len(confirmed)
    rules = detect(incremental=False)
    began = time.perf_counter()
    ranker, labels = train(settings)
    fit_s = time.perf_counter() - began
    trained = detect(incremental=False)
    learn.switch_off(learn.folder(settings))
    head = {"world": f"{profile} {difficulty} {seed}", "fraud numbers": len(fraud), "confirmed": len(confirmed)}
    out = [
        {**head, "run": "rules", **figures(rules, set(confirmed), truth)},
        {
            **head,
            "run": f"trained (graph) {ranker.version}",
            **figures(trained, set(confirmed), truth),
            "labels": len(labels),
            "train s": round(fit_s),
        },
    ]
    print(markdown(pd.DataFrame(out)), flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="small")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--difficulty", nargs="+", default=["hard", "adversarial"])
    parser.add_argument("--known", type=float, default=0.2, help="share of the fraud numbers confirmed")
    parser.add_argument("--empty-the-database", action="store_true")
    args = parser.parse_args()
    if not args.empty_the_database:
        parser.error("--empty-the-database is required: each world is loaded into an emptied database")
    os.environ["DUANKA_WORK_DIR"] = tempfile.mkdtemp(prefix="duanka-trained-")  # the models stay the bench's own
    rows = [
        row
        for difficulty in args.difficulty
        for seed in args.seeds
        for row in one_world(args.profile, seed, difficulty, args.known)
    ]
    print(markdown(pd.DataFrame(rows)))


if __name__ == "__main__":
    main()
