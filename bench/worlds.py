"""A generated world, current with the generator's code, loaded alone into the configured database."""

from __future__ import annotations

from pathlib import Path

from duanka import db
from duanka.generate import generate
from duanka.generate.scenario import is_current
from duanka.generate.views import calls_view, operator_view, pseudonymise
from duanka.settings import Settings, project_root
from flows.ingest import ingest


def loaded_world(
    settings: Settings,
    name: str,
    profile: str,
    seed: int,
    difficulty: str,
    extract: str = "full",
    load: bool = True,
    source: Path | None = None,
    bulk: bool | None = True,
) -> Path:
    """data/generated/<name>-<profile>-<difficulty>-<seed>, (re)generated if stale, bulk-loaded into an emptied database.

    `extract` "operator" loads what an operator holds of it (no bank data), "numbers" that without holders,
    "calls" its directed call graph alone (no times, durations or counts), "projection" the graph's symmetric
    projection, and either with "-hex64" (or another scheme) pseudonymised at the source;
    `source` loads another view of it instead (made from the world, after it is current); `load` False
    only makes it current; `bulk` None lets the loader choose (Bolt for a small extract). The first call also starts Prefect's temporary server, before anything is timed.
    """
    world = project_root() / "data" / "generated" / f"{name}-{profile}-{difficulty}-{seed}"
    if not is_current(world, profile=profile, seed=seed, difficulty=difficulty):
        generate(world, profile, seed=seed, difficulty=difficulty)
    if not load:
        return world
    if extract != "full":
        source = view(world, extract)
    source = source or world
    db.empty_database(settings)
    assert ingest(str(source), bulk=bulk, force=True).ok
    return source


def view(world: Path, extract: str) -> Path:
    """The named view of a current world, written beside it (see `loaded_world`)."""
    out = world.with_name(f"{world.name}-{extract}")
    shape, _, scheme = extract.partition("-")
    if shape in ("calls", "projection"):
        calls_view(world, out, projection=shape == "projection")
    else:
        operator_view(world, out, holders=shape == "operator")
    return pseudonymise(out, out, scheme) if scheme else out
