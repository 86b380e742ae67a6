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
    settings: Settings, name: str, profile: str, seed: int, difficulty: str, extract: str = "full"
) -> Path:
    """data/generated/<name>-<profile>-<difficulty>-<seed>, (re)generated if stale, bulk-loaded into an emptied database.

    `extract` "operator" loads what an operator holds of it (no bank data), "numbers" that without holders.
    The first call also starts Prefect's temporary server, before anything is timed.
    """
    source = project_root() / "data" / "generated" / f"{name}-{profile}-{difficulty}-{seed}"
    if not is_current(source, profile=profile, seed=seed, difficulty=difficulty):
        generate(source, profile, seed=seed, difficulty=difficulty)
    if extract != "full":
        source = operator_view(source, source.with_name(f"{source.name}-{extract}"), holders=extract == "operator")
    db.empty_database(settings)
    assert ingest(str(source), bulk=True, force=True).ok
    return source
