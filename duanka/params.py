"""What a user may ask of detection and export, with every default declared once.

The CLI, the flows and the plain functions all take their defaults from these
dataclasses, so `min_score`, the engine and the language never differ by entry point.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duanka.choices import LANG, Engine, Lang, ReadFrom
from duanka.detect.model import MODEL
from duanka.errors import DuankaError

# Prefect sets it in the process of every run it starts for a deployment (`duanka serve`, a worker)
PREFECT_RUN = "PREFECT__FLOW_RUN_ID"


def refuse_unmasking_in_a_prefect_run(what: str, env: dict[str, str] | None = None) -> None:
    """Unmasked output only from a user's own command: never from a run started through Prefect's API.

    Any local user who reaches the Prefect server can start a deployment with parameters of their own;
    the served flows take no masking parameter, and this refuses unmasking by any other way in."""
    if (os.environ if env is None else env).get(PREFECT_RUN):
        raise DuankaError(
            f"Unmasked {what} refused in a run Prefect started for a deployment: unmasked output comes only "
            "from `duanka export --unmasked --by … --reason …` (or `duanka case`), run by the user named."
        )


@dataclass(frozen=True)
class DetectParams:
    engine: Engine = Engine.IGRAPH
    resolution: float = 1.0  # community resolution: higher gives smaller clusters
    seed: int = 1  # same data, parameters and seed give the same clusters and ranks
    min_score: float = MODEL.min_score  # an entity at or above this is a lead
    read_from: ReadFrom | None = None  # None: the analysis store when it holds every load, else Neo4j (source.py)

    def as_dict(self) -> dict[str, Any]:
        """As recorded on the Run node and in the audit log."""
        return {
            "engine": str(self.engine),
            "resolution": self.resolution,
            "seed": self.seed,
            "min_score": self.min_score,
        }


@dataclass(frozen=True)
class ExportParams:
    out: Path
    masked: bool = True
    lang: Lang = LANG  # language of the reasons
    run_id: str | None = None  # the detection run; the latest completed when None
    top_clusters: int = 10  # clusters drawn in the report
    by: str | None = None  # who exports; required (with a reason) for unmasked output
    reason: str | None = None
    budget: int | None = None  # a team's review capacity: at most this many leads, the best first

    def check(self) -> None:
        """Refuse what must not be exported before anything is read."""
        if self.budget is not None and self.budget < 1:
            raise DuankaError(f"A budget of {self.budget} leads exports nothing: give at least 1, or no budget.")
        if self.lang not in tuple(Lang):
            raise DuankaError(f"Unknown language {self.lang!r}: use {' or '.join(Lang)}.")
        if not self.masked:
            refuse_unmasking_in_a_prefect_run("export")
        if not self.masked and not (self.by and self.by.strip() and self.reason and self.reason.strip()):
            raise DuankaError(
                "Unmasked export refused: name the user (--by) and state the reason (--reason); "
                "both are recorded in the manifest and the audit log."
            )
