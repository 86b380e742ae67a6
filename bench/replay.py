"""Early warning: generated worlds replayed through the pipeline step by step (flows/replay.py).

    python bench/replay.py --profile medium --seeds 1 2 3 --difficulty hard --step 7 --empty-the-database

For each world: the replay's figures (rings flagged before their first victim payment and report, the
median days of warning; for worlds whose rings lease SMS ports, the share of those rings whose port, or
whose port or another member, was flagged before the port's first report) as a markdown row, its per-ring table, steps and timeline picture under
data/generated/replay-<world>/ (the first world's picture is copied to docs/warning-timeline.png).
"""

from __future__ import annotations

import argparse
import shutil

from worlds import loaded_world

from duanka.settings import Settings, project_root
from flows.replay import replay

COLUMNS = [
    "rings", "flagged", "before_payment", "before_report", "unreported_flagged",
    "median_days_before_payment", "median_days_before_report", "flagged_as", "steps", "seconds",
    "port_rings", "port_flagged_before_report", "port_or_ring_flagged_before_report",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="medium")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--difficulty", nargs="+", default=["hard"])
    parser.add_argument("--step", type=float, default=7.0, help="days per step")
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--budget", type=int, default=500)
    parser.add_argument("--picture", default="docs/warning-timeline.png")
    parser.add_argument("--empty-the-database", action="store_true", required=True)
    args = parser.parse_args()
    settings = Settings.from_env()
    print(f"| world | step (days) | top | {' | '.join(COLUMNS)} |")
    print("|---|---:|---:|" + "---:|" * len(COLUMNS))
    for i, (difficulty, seed) in enumerate((d, s) for d in args.difficulty for s in args.seeds):
        world = loaded_world(settings, "eval", args.profile, seed, difficulty, load=False)
        out = world.with_name(f"replay-{world.name}-{args.step:g}d")
        found = replay(str(world), str(out), args.step, args.top, args.budget)
        print(
            f"| {world.name} | {args.step:g} | {args.top} | "
            + " | ".join(str(found.get(c, "—")) for c in COLUMNS)
            + " |"
        )
        if i == 0 and args.picture:
            shutil.copy2(out / "timeline.png", project_root() / args.picture)


if __name__ == "__main__":
    main()
