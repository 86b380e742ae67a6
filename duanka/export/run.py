"""One export: a detection run's clusters and leads, as the leads contract defines them.

Files are staged in a hidden folder inside the export directory and moved in
when all are written, manifest.json last: an export directory whose manifest
lists a file is complete; a failed export leaves no manifest behind.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from duanka import __version__, audit, db, queries
from duanka.choices import Lang
from duanka.detect.evidence import lead_note
from duanka.errors import DuankaError
from duanka.export import report, sheets
from duanka.export.mask import Known, mask_id, mask_text
from duanka.export.shown import quoted
from duanka.ids import new_run_id, sha256_of
from duanka.params import ExportParams
from duanka.run_record import run_record
from duanka.settings import Settings
from graphmodel.roles import STATUS, role

EVIDENCE = ["run_id", "model", "scored_at"]  # which run, which software and settings, when: on every row
LEAD_COLUMNS = [
    "rank",
    "entity_type",
    "entity_id",
    "role",
    "role_label",
    "cluster_id",
    "score",
    "reasons",
    "status",
    "tier",  # beyond the leads contract: 'lead' at the lead line, 'ranked' below it (listed by a budget)
    "lead_ref",
    *EVIDENCE,
]
CLUSTER_COLUMNS = [
    "rank",
    "cluster_id",
    "score",
    "persons",
    "sims",
    "accounts",
    "devices",
    "reports",
    "top_reasons",
    *EVIDENCE,
]
LABELS = {
    "rank": "排名 rank",
    "entity_type": "类型 entity_type",
    "entity_id": "标识 entity_id",
    "role": "角色 role",
    "role_label": "角色（中文）role_label",
    "cluster_id": "团伙编号 cluster_id",
    "score": "可疑度 score",
    "reasons": "依据 reasons",
    "status": "状态 status",
    "tier": "层级 tier（lead 线索 / ranked 线下排名）",
    "lead_ref": "线索编号 lead_ref",
    "persons": "人员 persons",
    "sims": "号码 sims",
    "accounts": "账户 accounts",
    "devices": "设备 devices",
    "reports": "报案 reports",
    "top_reasons": "主要依据 top_reasons",
    "run_id": "运行编号 run_id",
    "model": "模型与参数 model",
    "scored_at": "评分时间 scored_at",
}


@dataclass
class ExportResult:
    export_id: str
    out: Path
    detect_run: str
    files: list[str]
    leads: int
    clusters: int
    masked: bool
    seconds: float
    top: pd.DataFrame = field(
        repr=False
    )  # the first leads, masked (even in an unmasked export), for the flow's artifact


def read_run(settings: Settings, run_id: str | None) -> dict[str, Any]:
    """The detection run to export: the given one, else the latest completed."""
    with db.session(settings) as sess:
        rows = db.read(sess, queries.load("export/detect_run"), run_id=run_id)
    if not rows:
        which = f"run {run_id!r}" if run_id else "completed detection run"
        raise DuankaError(f"No {which} in the database {settings.connection.uri}: run `duanka detect` first.")
    return {k: v for k, v in rows[0]["run"].items() if v is not None}  # a stored property is never null


def evidence(run: dict[str, Any]) -> dict[str, str]:
    """Each evidence kind: held (with its count) or absent, as the manifest states it."""
    model = (
        f"duanka {run.get('version')} {run.get('engine')} resolution={run.get('resolution')} "
        f"seed={run.get('seed')} min_score={run.get('min_score')}"
    )
    if run.get("learned", "none") != "none":  # leads a learned ranking reordered say which one did
        model += f" learned={run['learned']}"
    return {"run_id": run["run_id"], "model": model, "scored_at": str(run.get("finished_at", ""))[:19]}


def lead_table(
    leads: pd.DataFrame, params: ExportParams, run: dict[str, Any], known: Known | None = None
) -> pd.DataFrame:
    """The leads contract's columns, then status (suspected/confirmed) and a reference to resolve a masked lead.

    Masked, the ids the reasons quote are masked too: `known` (duanka.export.shown.quoted) holds those
    no shape gives away."""
    out = pd.DataFrame(
        {
            "rank": leads["rank"].astype(int),
            "entity_type": leads["entity_type"],
            "entity_id": [
                mask_id(v, t) if params.masked else v
                for v, t in zip(leads["entity_id"], leads["entity_type"], strict=False)
            ],
            "role": leads["role"],
            "role_label": [role(r).zh for r in leads["role"]],
            "cluster_id": leads["cluster_id"].fillna(""),
            "score": leads["score"].round(4),
            "reasons": leads["reasons_zh" if params.lang == Lang.ZH else "reasons"].fillna(""),
            "status": [STATUS[s].shown if s in STATUS else s for s in leads["status"]],
            "tier": leads.get("tier", "lead"),
            "lead_ref": run["run_id"] + "#" + leads["rank"].astype(int).astype(str),
            **evidence(run),
        }
    )
    if params.masked:  # reasons cite devices by id: mask those too
        out["reasons"] = [mask_text(r, known) for r in out["reasons"]]
    return out[LEAD_COLUMNS]


def cluster_table(
    clusters: pd.DataFrame, params: ExportParams, run: dict[str, Any], known: Known | None = None
) -> pd.DataFrame:
    """clusters.csv: one row per cluster in rank order, with its run and status."""
    out = clusters.assign(**evidence(run))[CLUSTER_COLUMNS].copy()
    out["score"] = out["score"].round(4)
    if params.masked:
        out["top_reasons"] = [mask_text(r, known) for r in out["top_reasons"].fillna("")]
    return out


def evidence_held(run: dict[str, Any]) -> dict[str, int]:
    """Relationships of each evidence kind the graph held when the run scored it (detect/evidence.py)."""
    return json.loads(run.get("evidence_json") or "{}")


def source_summary(ingests: pd.DataFrame) -> list[dict[str, Any]]:
    """The ingest runs behind the graph: source, files with checksums and read/loaded/quarantined counts."""
    return [
        {
            "run_id": r.run_id,
            "source": r.source,
            "status": r.status,
            "finished_at": str(r.finished_at),
            "files": json.loads(r.files_json or "[]"),
            "tokens": json.loads(r.tokens_json or "{}") if isinstance(r.tokens_json, str) else {},
        }
        for r in ingests.itertuples()
    ]


def within_budget(
    leads: pd.DataFrame, clusters: pd.DataFrame, budget: int | None
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """The first `budget` leads in lead order and the clusters they sit in; how many of each lie below the cut."""
    if budget is None or len(leads) <= budget:
        return leads, clusters, {}
    kept = leads.head(budget)
    held = clusters[clusters["cluster_id"].isin(kept["cluster_id"].dropna())]
    cut = {"budget": budget, "leads_below": len(leads) - len(kept), "clusters_below": len(clusters) - len(held)}
    return kept, held, cut


def export(settings: Settings, params: ExportParams) -> ExportResult:
    """Write the lead lists, workbook, report and manifest of one detection run; staged, then published whole."""
    params.check()
    began = time.perf_counter()
    export_id = new_run_id("export")
    started = datetime.now(UTC).isoformat()
    run = read_run(settings, params.run_id)
    with db.session(settings) as sess:
        leads = queries.frame(sess, "export/leads", run_id=run["run_id"]).assign(tier="lead")
        clusters = queries.frame(sess, "export/clusters", run_id=run["run_id"])
        ingests = queries.frame(sess, "export/ingest_runs")
        leads, clusters, cut = within_budget(leads, clusters, params.budget)
        if params.budget is not None and len(leads) < params.budget:  # a ranking, not only a cut: fill the budget
            below = queries.frame(sess, "export/ranked", run_id=run["run_id"], limit=params.budget - len(leads))
            leads = pd.concat([leads, below.assign(tier="ranked")], ignore_index=True) if len(below) else leads
            cut |= {
                "budget": params.budget,
                "ranked_listed": len(below),
                "ranked_below": max(int(run.get("ranked", 0)) - len(below), 0),
            }
        drawn = clusters.head(params.top_clusters)
        graph = report.ClusterGraphs.read(sess, list(drawn["cluster_id"]))
        known = quoted(
            sess,
            [*leads["reasons"], *leads["reasons_zh"], *clusters["top_reasons"], *graph.nodes["reasons"]],
            [*leads["entity_id"], *graph.nodes["id"], *graph.links["a"], *graph.links["b"]],
        )

    audit.before_unmasked(settings, "export", params.masked, params.by, params.reason, params.out, export_id=export_id)
    stage = params.out / f".partial-{export_id}"
    try:
        stage.mkdir(parents=True)
        lead_rows = lead_table(leads, params, run, known)
        cluster_rows = cluster_table(clusters, params, run, known)
        written = [
            sheets.write_csv(cluster_rows, stage / "clusters.csv"),
            sheets.write_csv(lead_rows, stage / "leads.csv"),
            sheets.write_xlsx(
                {"线索 leads": (lead_rows, LABELS), "团伙 clusters": (cluster_rows, LABELS)}, stage / "leads.xlsx"
            ),
        ]
        sources = source_summary(ingests)
        written += report.write(
            stage,
            run,
            cluster_rows.head(params.top_clusters),
            graph,
            params.masked,
            figures={"leads": int((lead_rows["tier"] == "lead").sum()), "clusters": len(cluster_rows), **cut},
            sources=sources,
            evidence=evidence_held(run),
            known=known,
            note=(lead_note(evidence_held(run), run), lead_note(evidence_held(run), run, "zh")),
        )
        files = [p.relative_to(stage).as_posix() for p in written]
        manifest = {
            "export_id": export_id,
            "kind": "export",
            "version": __version__,
            "started_at": started,
            "finished_at": datetime.now(UTC).isoformat(),
            "database": settings.connection.uri,
            "detect_run": run,
            "algorithm": {
                k: run.get(k)
                for k in ("engine", "resolution", "seed", "min_score", "model_version", "calibration", "learned")
            },
            "sources": sources,
            "evidence": evidence_held(run),
            "masked": params.masked,
            "exported_by": audit.current_user(params.by),
            "unmasked_reason": None if params.masked else params.reason,
            "language": params.lang,
            "budget": cut or None,  # the review budget and what lay below it, when the list was cut
            "rows": {"leads": len(lead_rows), "clusters": len(cluster_rows)},
            # beyond the leads contract: rows per tier, and why the run has the leads it has
            "tiers": {
                "lead": int((lead_rows["tier"] == "lead").sum()),
                "ranked": int((lead_rows["tier"] == "ranked").sum()),
            },
            "leads_note": {"en": lead_note(evidence_held(run), run), "zh": lead_note(evidence_held(run), run, "zh")},
            "files": {name: sha256_of(stage / name) for name in files},
            "note": "Scores are suspicions produced by a model, never determinations; 'confirmed' only comes "
            "from an investigator's recorded decision.",
        }
        (stage / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
        publish(stage, params.out, [*files, "manifest.json"])
    except OSError as exc:
        raise DuankaError(
            f"Export to {params.out} failed ({exc.strerror or exc}); nothing was published, "
            "the previous export there is unchanged."
        ) from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)

    audit.append(
        settings,
        "export",
        by=params.by,
        export_id=export_id,
        detect_run=run["run_id"],
        out=str(params.out.resolve()),
        masked=params.masked,
        reason=params.reason,
        leads=len(lead_rows),
        clusters=len(cluster_rows),
    )
    with db.session(settings) as sess:
        db.run(
            sess,
            queries.load("pipeline/write_run"),
            run=run_record(
                run_id=export_id,
                kind="export",
                status="completed",
                version=__version__,
                started_at=started,
                finished_at=manifest["finished_at"],
                detect_run=run["run_id"],
                masked=params.masked,
                out=str(params.out.resolve()),
                by=manifest["exported_by"],
            ),
        )
    return ExportResult(
        export_id,
        params.out,
        run["run_id"],
        [*files, "manifest.json"],
        len(lead_rows),
        len(cluster_rows),
        params.masked,
        round(time.perf_counter() - began, 2),
        lead_table(leads.head(20), replace(params, masked=True), run, known),
    )


def publish(stage: Path, out: Path, names: list[str]) -> None:
    """Move the staged files in; the old manifest goes first, the new one last."""
    (out / "manifest.json").unlink(missing_ok=True)
    for name in names:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (stage / name).replace(target)


def as_dict(result: ExportResult) -> dict[str, Any]:
    """What the flow and the CLI report of an export."""
    data = asdict(result)
    data.pop("top")
    data["out"] = str(result.out)
    return data
