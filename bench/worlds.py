"""A generated world, current with the generator's code, loaded alone into the configured database."""

from __future__ import annotations

from pathlib import Path

from duanka import db
from duanka.generate import generate
from duanka.generate.scenario import is_current
from duanka.generate.views import operator_view
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
) -> Path:
    """data/generated/<name>-<profile>-<difficulty>-<seed>, (re)generated if stale, bulk-loaded into an emptied database.

    `extract` "operator" loads what an operator holds of it (no bank data), "numbers" that without holders;
    `source` loads another view of it instead (made from the world, after it is current); `load` False
    only makes it current. The first call also starts Prefect's temporary server, before anything is timed.
    """
    world = project_root() / "data" / "generated" / f"{name}-{profile}-{difficulty}-{seed}"
    if not is_current(world, profile=profile, seed=seed, difficulty=difficulty):
        generate(world, profile, seed=seed, difficulty=difficulty)
    if not load:
        return world
    if extract != "full":
        source = operator_view(world, world.with_name(f"{world.name}-{extract}"), holders=extract == "operator")
    source = source or world
    db.empty_database(settings)
    assert ingest(str(source), bulk=True, force=True).ok
    return source
