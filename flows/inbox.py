"""The `process-inbox` flow: what a schedule runs — every new extract in the inbox through the pipeline."""

from dataclasses import asdict
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

import flows  # noqa: F401  (Prefect environment)
from duanka.choices import Engine, Lang
from duanka.inbox import Inbox
from duanka.params import DetectParams, ExportParams
from duanka.private import owner_only
from flows.pipeline import pipeline


@flow(name="process-inbox", log_prints=True)
def process_inbox(
    inbox: str,
    out: str,
    engine: Engine = DetectParams.engine,
    resolution: float = DetectParams.resolution,
    seed: int = DetectParams.seed,
    min_score: float = DetectParams.min_score,
    lang: Lang = ExportParams.lang,
) -> list[dict[str, Any]]:
    """Each new extract in `inbox`/incoming once: pipeline → exports (masked) under `out`/<extract>; then done/
    or failed/. Served and deployed, so it takes no masking parameter: one passed is refused, unbound."""
    owner_only()  # all it writes, and what its tasks and helpers write: 0600 / 0700
    box = Inbox(Path(inbox))

    def run(extract: Path) -> dict[str, Any]:
        return pipeline(
            str(extract),
            str(Path(out) / extract.name),
            engine,
            resolution,
            seed,
            min_score,
            lang,
        )

    outcomes = [asdict(o) for o in box.process(run)]
    logger = get_run_logger()
    for o in outcomes:
        logger.info("%s: %s (%s)", o["extract"], o["status"], o["detail"])
    if outcomes:
        create_table_artifact(key="inbox-outcomes", table=outcomes, description=f"Extracts processed from {inbox}")
    else:
        logger.info("Nothing new in %s", Path(inbox) / "incoming")
    return outcomes
