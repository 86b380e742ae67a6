"""Fit the score calibration of the current model version on evaluation worlds, and store it.

    python bench/calibrate.py --profile medium --seeds 11 --difficulty hard adversarial --empty-the-database
    python bench/calibrate.py --profile demo --seeds 11 12 --extracts full calls projection calls-hex64 --empty-the-database
    python bench/calibrate.py --refit   # the same pairs, fitted again (after a change to calibrate.fit)

For each world: generate (seeds apart from those bench/evaluate.py reports on), bulk-load, run the
detection steps, and pair every scored entity's rule score with whether it was planted (the pairs are saved). An
isotonic fit of the pairs becomes duanka/detect/calibration/<model version>.json, which every
later detection run applies. Prints the fitted map and the calibration error before and after.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from worlds import loaded_world

from duanka.detect import calibrate
from duanka.detect import evaluate as ev
from duanka.detect.job import DetectRun
from duanka.detect.model import MODEL
from duanka.detect.partitions import community_of_nodes
from duanka.detect.ranking import rank_entities
from duanka.detect.reading import read_graph
from duanka.entity_keys import entity_keys
from duanka.params import DetectParams
from duanka.settings import Settings, project_root

PAIRS = project_root() / "data" / "generated" / f"calibration-pairs-{MODEL.version}.parquet"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="small")
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13])
    parser.add_argument("--difficulty", nargs="+", default=["hard", "adversarial"])
    parser.add_argument(
        "--extracts",
        nargs="+",
        default=["full"],
        help="views of each world (bench/worlds.py), e.g. full calls projection",
    )
    parser.add_argument(
        "--held-out", type=int, nargs="*", default=[], help="seeds loaded too but not fitted on: the ECE reported"
    )
    parser.add_argument("--refit", action="store_true", help="fit again from the pairs the last run saved")
    parser.add_argument("--empty-the-database", action="store_true")
    args = parser.parse_args()
    if args.refit:
        data = pd.read_parquet(PAIRS)
    else:
        if not args.empty_the_database:
            parser.error("--empty-the-database is required: each world is loaded into an emptied database")
        data = _pairs(args, [*args.seeds, *args.held_out])
        PAIRS.parent.mkdir(parents=True, exist_ok=True)
        data.to_parquet(PAIRS)
    held = data["seed"].isin(args.held_out) if "seed" in data else pd.Series(False, index=data.index)
    fit_on = data[~held]
    fitted = calibrate.fit(fit_on["raw"].to_numpy(), fit_on["right"].to_numpy(), str(data["worlds"].iloc[0]))
    path = fitted.save()
    for world, part in data[held].groupby("world"):
        leads = part[part["raw"] >= MODEL.min_score]
        print(
            f"held out {world}: {len(leads)} at the lead line, ECE "
            f"{ev.calibration_error(list(fitted(leads['raw'].to_numpy())), leads['right'].tolist())}"
        )
    data = fit_on
    leads = data[data["raw"] >= MODEL.min_score]
    before = ev.calibration_error(leads["raw"].tolist(), leads["right"].tolist())
    after = ev.calibration_error(list(fitted(leads["raw"].to_numpy())), leads["right"].tolist())
    print(
        f"wrote {path}: {len(fitted.scores)} points; calibration error of entities at rule score ≥ {MODEL.min_score}:"
    )
    print(f"  rule scores {before}, calibrated {after} (in-sample; bench/evaluate.py measures it on other seeds)")
    for x, y in zip(fitted.scores, fitted.precision, strict=True):
        print(f"  {x:.3f} → {y:.3f}")
    print(f"share planted among all scored: {np.mean(data['right']):.4f}")


def _pairs(args: argparse.Namespace, seeds: list[int]) -> pd.DataFrame:
    """(rule score, planted?) of every scored entity of each world, loaded and detected in turn."""
    settings = Settings.from_env()
    pairs = []
    for difficulty, seed, extract in [(d, s, e) for d in args.difficulty for s in seeds for e in args.extracts]:
        source = loaded_world(settings, "calib", args.profile, seed, difficulty, extract, bulk=None)
        truth = ev.Truth.read(source / "truth.csv")
        run = DetectRun(DetectParams(seed=seed))
        proj, facts = read_graph(settings)
        entities, _ = rank_entities(facts, community_of_nodes(settings, run, proj), run.params)
        keys = entity_keys(entities["entity_type"], entities["entity_id"])
        scored = entities["rule_score"] > 0  # uncorroborated ones too: below the line a score means what they were
        pairs.append(
            pd.DataFrame({"raw": entities["rule_score"][scored], "right": keys[scored].isin(truth.roles)}).assign(
                world=f"{difficulty} {seed} {extract}", seed=seed
            )
        )
        print(
            f"{difficulty} seed {seed} {extract}: {int(scored.sum()):,} scored, "
            f"{int(keys.isin(truth.roles).sum())} planted"
        )
    worlds = (
        f"{args.profile} {'/'.join(args.difficulty)} seeds {' '.join(map(str, args.seeds))}, "
        f"views {' '.join(args.extracts)}"
    )
    return pd.concat(pairs, ignore_index=True).assign(worlds=worlds)


if __name__ == "__main__":
    main()
