"""An investigator's side of a lead: decide on it, explain it, hand a cluster over as a case file.

A score is a suspicion; 'confirmed' exists only as a Decision node an
investigator recorded, with their name, time and written grounds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from duanka import __version__, audit, db, queries
from duanka.draw import draw_subgraph
from duanka.entity_keys import entity_key, split_entity_key
from duanka.errors import DuankaError
from duanka.export import sheets
from duanka.export.mask import mask_id, mask_text
from duanka.export.report import ClusterGraphs
from duanka.export.shown import quoted
from duanka.ids import sha256_of
from duanka.params import refuse_unmasking_in_a_prefect_run
from duanka.settings import Settings
from graphmodel.roles import DECISIONS, role
from graphmodel.schema import SCORED

ENTITY_TYPES = tuple(str(n.entity_type) for n in SCORED)  # what a decision or an explanation may name


@dataclass(frozen=True)
class Entity:
    entity_type: str
    entity_id: str

    def __str__(self) -> str:
        return entity_key(self.entity_type, self.entity_id)


def resolve(sess: Any, ref: str) -> Entity:
    """`type:id`, a lead reference `RUN#RANK` from a lead list, or a bare id that names one entity.

    An id is matched exactly as the graph holds it: a pseudonymised extract's token (hex, or base64
    with `+`, `/` and `=`) is named as it is, case kept."""
    ref = ref.strip()
    kind, ident = split_entity_key(ref)
    if kind in ENTITY_TYPES:
        return Entity(kind, ident)
    found = db.read(sess, queries.load("casework/resolve"), ref=ref)
    if not found:
        raise DuankaError(
            f"No person, number, account, device, enterprise, port or middle number {ref!r} in the database."
        )
    if len(found) > 1:
        options = ", ".join(entity_key(r["entity_type"], r["entity_id"]) for r in found)
        raise DuankaError(f"{ref!r} names several entities ({options}): say which, as type:id.")
    return Entity(found[0]["entity_type"], found[0]["entity_id"])


def decide(settings: Settings, ref: str, status: str, by: str, note: str) -> dict[str, Any]:
    """Record an investigator's decision on an entity; the only way anything becomes 'confirmed'."""
    if status not in DECISIONS:
        raise DuankaError(f"Unknown status {status!r}: use {', '.join(DECISIONS)}.")
    if not by.strip():
        raise DuankaError("A decision needs the investigator's name (--by).")
    if not note.strip():
        raise DuankaError("A decision needs its written grounds (--note).")
    with db.session(settings) as sess:
        entity = resolve(sess, ref)
        rows = db.run(
            sess,
            queries.load("casework/decide"),
            entity_type=entity.entity_type,
            entity_id=entity.entity_id,
            status=status,
            by=by,
            note=note,
        )
    if not rows:
        raise DuankaError(f"No {entity.entity_type} {entity.entity_id!r} in the database.")
    decision = rows[0] | {"entity": str(entity)}
    audit.append(
        settings,
        "decide",
        by=by,
        decision_id=decision["decision_id"],
        entity=str(entity),
        status=status,
        note=note,
        run_id=decision["run_id"],
        score=decision["score"],
    )
    return decision


def explain(settings: Settings, ref: str) -> dict[str, Any]:
    """Why an entity was flagged, across runs: its scores, clusters, reports and decisions."""
    with db.session(settings) as sess:
        entity = resolve(sess, ref)
        rows = db.read(
            sess, queries.load("casework/explain"), entity_type=entity.entity_type, entity_id=entity.entity_id
        )
    if not rows:
        raise DuankaError(f"No {entity.entity_type} {entity.entity_id!r} in the database.")
    return rows[0] | {"ref": str(entity)}


@dataclass(frozen=True)
class CaseParams:
    cluster_id: str
    out: Path
    masked: bool = True
    by: str | None = None
    reason: str | None = None


def case_file(settings: Settings, params: CaseParams) -> list[Path]:
    """One cluster's evidence pack: members with roles, links with dates, reports, decisions, drawing."""
    if not params.masked:
        refuse_unmasking_in_a_prefect_run("case file")
    if not params.masked and not (params.by and params.reason):
        raise DuankaError("Unmasked case file refused: name the user (--by) and state the reason (--reason).")
    with db.session(settings) as sess:
        graphs = ClusterGraphs.read(sess, [params.cluster_id])
        if graphs.nodes.empty:
            raise DuankaError(f"No cluster {params.cluster_id!r} in the database (see `duanka query latest_clusters`).")
        decisions = queries.frame(sess, "casework/cluster_decisions", cluster_id=params.cluster_id)
        known = quoted(  # the ids that reasons and investigators' notes quote
            sess,
            [*graphs.nodes["reasons"], *decisions["note"]],
            [*graphs.nodes["id"], *graphs.links["a"], *graphs.links["b"], *graphs.reports["names"]],
        )
    show = (lambda v, k: mask_id(v, k)) if params.masked else (lambda v, k: v)

    def text(value: object) -> str:
        return mask_text(value, known) if params.masked else str(value or "")

    members = graphs.nodes.assign(
        id=[show(v, k) for v, k in zip(graphs.nodes["id"], graphs.nodes["kind"], strict=False)],
        role_label=[role(r).zh for r in graphs.nodes["role"]],
        reasons=[text(r) for r in graphs.nodes["reasons"]],
    ).sort_values("score", ascending=False)
    links = graphs.links.assign(
        a=[show(v, k) for v, k in zip(graphs.links["a"], graphs.links["a_kind"], strict=False)],
        b=[show(v, k) for v, k in zip(graphs.links["b"], graphs.links["b_kind"], strict=False)],
    )
    reports = graphs.reports.assign(
        names=[show(v, k) for v, k in zip(graphs.reports["names"], graphs.reports["names_kind"], strict=False)]
    )
    decisions = decisions.assign(
        entity_id=[show(v, k) for v, k in zip(decisions["entity_id"], decisions["entity_type"], strict=False)],
        note=[text(n) for n in decisions["note"]],  # written freely: may quote any number or id
    )
    out = params.out
    audit.before_unmasked(settings, "case", params.masked, params.by, params.reason, out, cluster_id=params.cluster_id)
    out.mkdir(parents=True, exist_ok=True)
    written = [
        sheets.write_csv(members.drop(columns=["cluster_id"]), out / "members.csv"),
        sheets.write_csv(links.drop(columns=["cluster_id"]), out / "links.csv"),
        sheets.write_csv(reports.drop(columns=["cluster_id"]), out / "reports.csv"),
        sheets.write_csv(decisions, out / "decisions.csv"),
        draw_subgraph(
            graphs.graph(params.cluster_id, params.masked),
            out / "cluster.png",
            f"{params.cluster_id} (suspicion unless a decision says otherwise)",
        ),
    ]
    manifest = {
        "kind": "case",
        "cluster_id": params.cluster_id,
        "version": __version__,
        "written_at": datetime.now(UTC).isoformat(),
        "masked": params.masked,
        "exported_by": audit.current_user(params.by),
        "unmasked_reason": None if params.masked else params.reason,
        "files": {p.name: sha256_of(p) for p in written},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    audit.append(
        settings,
        "case",
        by=params.by,
        cluster_id=params.cluster_id,
        out=str(out.resolve()),
        masked=params.masked,
        reason=params.reason,
    )
    return [*written, out / "manifest.json"]


def decisions_frame(settings: Settings, since: str) -> pd.DataFrame:
    """Decisions recorded since `since` (ISO 8601), one row each, for review and export."""
    with db.session(settings) as sess:
        return queries.frame(sess, "casework/decisions_since", since=since)
