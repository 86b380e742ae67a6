"""One call that builds a world and writes it: `duanka generate`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from duanka.choices import Difficulty
from duanka.generate import dirty, negatives, population, resources, rings
from duanka.generate.profiles import PROFILES
from duanka.generate.world import COLUMNS, RESOURCES, World
from duanka.generate.write import as_text, write_table


def _one_row_per_pair(calls: pd.DataFrame) -> pd.DataFrame:
    """The contract's calls are aggregated per (caller, callee, kind): merge pairs drawn twice."""
    keys = ["caller_msisdn", "callee_msisdn", "kind"]
    return calls.groupby(keys, sort=False, as_index=False).agg(
        count=("count", "sum"),
        total_duration_s=("total_duration_s", "sum"),
        first_ts=("first_ts", "min"),
        last_ts=("last_ts", "max"),
    )


def generate(
    out: Path,
    profile: str = "demo",
    persons: int | None = None,
    seed: int = 1,
    difficulty: Difficulty | str = Difficulty.EASY,
    dirty_rows: float = 0.0,
    fmt: str = "csv",
    ports: bool = False,
) -> dict[str, Any]:
    """Write the source files, truth.csv, hard_negatives.csv, dirty_rows.csv and scenario.json.

    `ports`: rings also lease SMS ports through shell enterprises and rent middle numbers, and hard worlds
    hold their look-alikes (duanka/generate/resources.py)."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    if difficulty not in tuple(Difficulty):
        raise ValueError(f"difficulty is {' or '.join(Difficulty)}")
    if not 0 <= dirty_rows < 0.5:
        raise ValueError("dirty rows is a fraction in [0, 0.5)")
    base = PROFILES[profile]
    n = persons or base.persons
    n_rings = max(4, n // 2500)
    world = World(rng=np.random.default_rng(seed), difficulty=Difficulty(difficulty))
    pop = population.build(world, n)
    negatives.build(world, pop)
    rings.build(world, pop, n_rings)
    if ports:
        resources.build(world, pop)
    world.parts["calls"] = [_one_row_per_pair(pd.concat(world.parts["calls"], ignore_index=True))]

    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.*"):
        if stale.suffix in (".csv", ".parquet") or stale.name == "scenario.json":
            stale.unlink()
    counts: dict[str, int] = {}
    listed: list[pd.DataFrame] = []
    for table in COLUMNS:
        if table in RESOURCES and not world.parts[table]:
            continue
        frame = as_text(table, world)
        frame, broken = dirty.inject(world, table, frame, dirty_rows)
        target = write_table(frame, out / table, fmt)
        broken["file"] = target.name
        listed.append(broken)
        counts[table] = len(frame)
    truth = pd.concat(world.truth, ignore_index=True)
    truth.to_csv(out / "truth.csv", index=False)
    pd.concat(world.negatives, ignore_index=True).to_csv(out / "hard_negatives.csv", index=False)
    pd.concat(listed, ignore_index=True).to_csv(out / "dirty_rows.csv", index=False)
    summary = {
        "profile": profile,
        "persons": n,
        "seed": seed,
        "difficulty": difficulty,
        "dirty_rows": dirty_rows,
        "format": fmt,
        "ports": ports,
        "rings": n_rings,
        "rows": counts,
        "truth_rows": len(truth),
        "generator": generator_digest(),
    }
    (out / "scenario.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary


# Modules that read a written world and never write one: editing them leaves every world as it was.
READERS = ("picture.py", "views.py")


def generator_digest() -> str:
    """A digest of the generator's code: a world written by other code is not the world these options give."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.name not in READERS:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def is_current(out: Path, **options: object) -> bool:
    """Whether `out` holds the world these options give with this generator (benchmarks reuse it then)."""
    marker = out / "scenario.json"
    if not marker.exists():
        return False
    written = json.loads(marker.read_text())
    return written.get("generator") == generator_digest() and all(written.get(k) == v for k, v in options.items())
