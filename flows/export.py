"""The `export` flow: a detection run's leads → lead lists, workbook, report, manifest."""

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

import flows  # noqa: F401  (Prefect environment)
from duanka.choices import Lang
from duanka.errors import retry_if_transient
from duanka.export.run import ExportResult, as_dict
from duanka.export.run import export as export_leads
from duanka.params import ExportParams
from duanka.private import owner_only
from duanka.settings import Settings


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[5, 20], retry_condition_fn=retry_if_transient)
def write_export(params: ExportParams) -> ExportResult:
    """Staged and published whole, so a retry after a dropped connection writes one complete export."""
    return export_leads(Settings.from_env(), params)


@flow(name="export", log_prints=True)
def export(
    out: str,
    masked: bool = ExportParams.masked,
    lang: Lang = ExportParams.lang,
    run_id: str | None = None,
    top_clusters: int = ExportParams.top_clusters,
    by: str | None = None,
    reason: str | None = None,
    budget: int | None = ExportParams.budget,
) -> dict[str, Any]:
    """Write clusters.csv, leads.csv, leads.xlsx, report.html and manifest.json for case teams (masked by default)."""
    owner_only()  # all it writes, and what its tasks and helpers write: 0600 / 0700
    result = write_export(ExportParams(Path(out), masked, Lang(lang), run_id, top_clusters, by, reason, budget))
    create_table_artifact(
        key="export-top-leads",
        table=result.top.to_dict("records"),
        description=f"Export {result.export_id} of run {result.detect_run}: top leads, masked (the export itself "
        f"is {'masked' if masked else 'UNMASKED'}); suspicions, not determinations.",
    )
    report = (Path(out) / "report.html").resolve()
    create_markdown_artifact(
        key="export-report",
        markdown=f"## Export {result.export_id}\n\n{result.leads:,} leads in {result.clusters:,} clusters "
        f"from detection run `{result.detect_run}`.\n\n* Report: [{report}](file://{report})\n"
        f"* Lead list: `{Path(out).resolve() / 'leads.xlsx'}`\n* Manifest: `{Path(out).resolve() / 'manifest.json'}`\n",
        description="Where the run report and the lead lists are.",
    )
    return as_dict(result)
