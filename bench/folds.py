"""Cross-validated figures on generated worlds and on the foreign extracts shaped as real data is shared
(duanka/detect/folds.py): the rules alone against the learned ranking, with and without graph features.

    python bench/folds.py --profile demo --seeds 1 2 3 --difficulty hard adversarial --known 0.2 --empty-the-database
    python bench/folds.py --foreign numbers-only-directed symmetric-projection pseudonymised-operator --known 0.2 \
        --empty-the-database

Per world: load it alone into the emptied database, score it with decisions left out (folds.read, cached
beside the world), then `--folds` draws of `--known` of the labelled entities as training and the rest
held out. Prints each world's means and, at the end, one table of every world's means.
"""

from __future__ import annotations

import argparse
import pickle
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from worlds import loaded_world

from duanka import db
from duanka.detect import folds
from duanka.detect.evaluate import Truth, markdown
from duanka.settings import Settings, project_root
from flows.ingest import ingest

FOREIGN = project_root() / "tests" / "fixtures" / "foreign"


def scored(settings: Settings, name: str, load: Callable[[], Path]) -> tuple[folds.Scored, Path]:
    """The world scored with decisions left out, cached under data/generated/folds-<name>.pkl."""
    cache = project_root() / "data" / "generated" / f"folds-{name}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    truth = load()
    got = folds.read(settings)[0], truth
    cache.write_bytes(pickle.dumps(got))
    return got


def loaded(settings: Settings, profile: str, seed: int, difficulty: str) -> Path:
    """A generated world (bench/worlds.py's, made current) loaded alone over Bolt; its truth."""
    world = loaded_world(settings, "eval", profile, seed, difficulty, load=False)
    return load_alone(settings, world)


def load_alone(settings: Settings, source: Path) -> Path:
    """An extract loaded alone into the emptied database (over Bolt: these are small); its truth."""
    db.empty_database(settings)
    assert ingest(str(source), force=True).ok
    return source / "truth.csv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="demo")
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3])
    parser.add_argument("--difficulty", nargs="*", default=["hard", "adversarial"])
    parser.add_argument("--foreign", nargs="*", default=[])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--known", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--empty-the-database", action="store_true", required=True)
    args = parser.parse_args()
    settings = Settings.from_env()
    worlds: dict[str, Callable[[], Path]] = {}
    for difficulty in args.difficulty:
        for seed in args.seeds:
            name = f"{args.profile}-{difficulty}-{seed}"
            worlds[name] = lambda d=difficulty, s=seed: loaded(settings, args.profile, s, d)
    for fixture in args.foreign:
        worlds[fixture] = lambda f=fixture: load_alone(settings, FOREIGN / f)
    tables = []
    for name, load in worlds.items():
        began = time.perf_counter()
        data, truth_csv = scored(settings, name, load)
        labels = folds.labels_from_truth(Truth.read(truth_csv), data.entities.index, complete=True)
        table = folds.cross_validate(data, labels, args.folds, args.known, args.seed)
        means = folds.means(table)
        means.insert(0, "world", name)
        means.insert(1, "labelled", f"{len(labels):,} ({int(labels.sum()):,} members)")
        print(f"\n{name} ({time.perf_counter() - began:.0f} s)\n" + markdown(means), flush=True)
        tables.append(means)
    print("\nEvery world:\n" + markdown(pd.concat(tables, ignore_index=True)))


if __name__ == "__main__":
    main()
