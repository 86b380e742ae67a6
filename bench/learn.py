"""The learning curve: what labels are worth to the ranking (duanka/detect/learn.py).

    python bench/learn.py --profile medium --seeds 1 2 3 --difficulty adversarial hard --empty-the-database

For each world: bulk-load, score once in process (the detect flow's steps, nothing written) keeping the
signals the learned ranking reads (cached beside the world), then for each share of labelled entities
and each repeat: label whole rings until that share of the planted members, and that share of everyone
else as non-members (learn.sample_labels); fit; re-rank; and measure precision at R and at 100 on the
unlabelled rest only (a labelled entity is never counted as a hit), against the rules' own order on the
same rest. Prints a markdown table per world and the mean over worlds.
"""

from __future__ import annotations

import argparse
import pickle
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from worlds import loaded_world

from duanka.detect import learn, warning
from duanka.detect.evaluate import Truth, markdown
from duanka.detect.ranking import ranked_entities
from duanka.detect.train import scored_with_features
from duanka.generate.views import Timeline
from duanka.params import DetectParams
from duanka.settings import Settings, project_root

NO_DECISIONS = pd.DataFrame(columns=["entity", "status", "score_then", "reported_then", "by", "at"])


def lightgbm(seed: int) -> learn.Classifier:
    """The candidate the issue names, set up as `learn.trees` is (200 trees of 15 leaves, balanced)."""
    from lightgbm import LGBMClassifier

    return LGBMClassifier(
        n_estimators=200, learning_rate=0.1, num_leaves=15, reg_lambda=1.0,
        class_weight="balanced", random_state=seed, n_jobs=1, verbose=-1,
    )  # fmt: skip


Learners = dict[str, Callable[[int], learn.Classifier]]
LEARNERS: Learners = {"trees": learn.trees, "lightgbm": lightgbm}


def world_of(profile: str, seed: int, difficulty: str) -> Path:
    """Where bench/worlds.py keeps this world."""
    return project_root() / "data" / "generated" / f"eval-{profile}-{difficulty}-{seed}"


def scored_world(
    settings: Settings, profile: str, seed: int, difficulty: str
) -> tuple[pd.DataFrame, pd.DataFrame, Truth]:
    """The rules' scored entities in lead order and the learned ranking's features, cached per world."""
    world = loaded_world(settings, "eval", profile, seed, difficulty, load=False)
    cache = world.with_name(f"learn-{world.name}.pkl")
    if not cache.exists() or cache.stat().st_mtime < (world / "scenario.json").stat().st_mtime:
        loaded_world(settings, "eval", profile, seed, difficulty)
        # the rules' signals alone: the curve measures what labels add to them
        cache.write_bytes(pickle.dumps(scored_with_features(settings, graph=False)))
    entities, wide = pickle.loads(cache.read_bytes())
    return entities, wide, Truth.read(world / "truth.csv")


def curve(
    entities: pd.DataFrame,
    wide: pd.DataFrame,
    truth: Truth,
    shares: list[float],
    repeats: int,
    blends: list[float],
    learners: Learners,
) -> pd.DataFrame:
    """Per share, repeat and blend: precision at R and at 100 on the unlabelled rest, rules against learned."""
    rows = []
    for share in shares:
        for repeat in range(1, repeats + 1 if share > 0 else 2):
            labels = learn.sample_labels(entities.index, truth.rings, share, seed=repeat)
            compared = _compare(entities, wide, truth, labels, blends, repeat, learners)
            rows.append({"labelled": f"{share:.0%}", "repeat": repeat, **compared})
    return pd.DataFrame(rows)


def drift(
    entities: pd.DataFrame,
    wide: pd.DataFrame,
    truth: Truth,
    starts: pd.Series,
    blends: list[float],
    learners: Learners,
) -> dict[str, object]:
    """Trained on the rings that began in the first half of the rings' time (and 5 % of everyone else),
    scored on the rings that began later: does what was learned last month find next month's rings?"""
    early = set(starts.index[starts < starts.median()])
    members = pd.Index([k for k, ring in truth.rings.items() if ring in early and k in entities.index])
    others = learn.sample_labels(entities.index, truth.rings, 0.05, seed=1)
    labels = pd.concat([pd.Series(1, index=members), others[others == 0]])
    return {"labelled": "early rings", "repeat": 1, **_compare(entities, wide, truth, labels, blends, 1, learners)}


def _compare(
    entities: pd.DataFrame,
    wide: pd.DataFrame,
    truth: Truth,
    labels: pd.Series,
    blends: list[float],
    seed: int,
    learners: Learners,
) -> dict[str, object]:
    planted = set(truth.roles)
    rest = entities.index[~entities.index.isin(labels.index)]
    row: dict[str, object] = {"labels": len(labels), "members": int(labels.sum())}
    row["rules p@R"], row["rules p@100"] = learn.precision_at_r(rest, planted), _at(rest, planted, 100)
    for name, learner in learners.items():
        prefix = "" if name == "trees" else f"{name} "
        for blend in blends:
            column = f"{prefix}blend {blend}"
            if labels.empty:  # nothing to learn from: the rules' order, unchanged
                row[f"{column} p@R"], row[f"{column} p@100"] = row["rules p@R"], row["rules p@100"]
                continue
            started = time.perf_counter()
            ranker = learn.fit(wide, labels, "evaluation", blend, seed=seed, learner=learner)
            row[f"{prefix}fit s"] = round(time.perf_counter() - started, 2)
            order = ranked_entities(entities, NO_DECISIONS, DetectParams(), ranker, wide).index
            order = order[~order.isin(labels.index)]
            row[f"{column} p@R"] = learn.precision_at_r(order, planted)
            row[f"{column} p@100"] = _at(order, planted, 100)
    return row


def _at(order: pd.Index, planted: set[str], k: int) -> float:
    return round(sum(key in planted for key in order[:k]) / k, 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="medium")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--difficulty", nargs="+", default=["adversarial", "hard"])
    parser.add_argument("--shares", type=float, nargs="+", default=[0.0, 0.01, 0.05, 0.2])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--blends", type=float, nargs="+", default=[0.5, 1.0])
    parser.add_argument("--learners", nargs="+", choices=sorted(LEARNERS), default=["trees"])
    parser.add_argument("--empty-the-database", action="store_true", required=True)
    args = parser.parse_args()
    settings = Settings.from_env()
    tables = []
    for difficulty in args.difficulty:
        for seed in args.seeds:
            entities, wide, truth = scored_world(settings, args.profile, seed, difficulty)
            learners = {name: LEARNERS[name] for name in args.learners}
            table = curve(entities, wide, truth, args.shares, args.repeats, args.blends, learners)
            starts = warning.milestones(Timeline(world_of(args.profile, seed, difficulty)))["first_opening"]
            table = pd.concat(
                [table, pd.DataFrame([drift(entities, wide, truth, starts, args.blends, learners)])], ignore_index=True
            )
            table.insert(0, "world", f"{args.profile} {difficulty} {seed}")
            print(markdown(table), flush=True)
            tables.append(table)
    every = pd.concat(tables)
    every["difficulty"] = every["world"].str.split().str[1]
    means = every.drop(columns=["world", "repeat"]).groupby(["difficulty", "labelled"], sort=False).mean().round(3)
    means = means.reset_index()
    print("\nMean over worlds and repeats:\n" + markdown(means))


if __name__ == "__main__":
    main()
