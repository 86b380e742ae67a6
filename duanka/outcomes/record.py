"""`duanka decide --file`: a case team's outcomes recorded as investigators' decisions, in batches.

Each matched row becomes a Decision exactly as `duanka decide` writes one (casework/decide_many.cypher
mirrors casework/decide.cypher), so a confirmed entity is a known positive and a dismissed one stays out
of the leads in the next run, and `duanka train` learns from them. One audit entry covers the file: who
ran it, its path and SHA-256, the rows read, recorded, already on record and unmatched, per outcome.

Rows that match nothing are never dropped: they go to `<work dir>/runs/<run id>/unmatched.csv` with
their line and the reason, and rows read = recorded + already on record + unmatched.

Idempotent by decision, not by file: a decision is on record once per entity, outcome and the time the
team decided (`outcome_key`), so the same file sent twice, or a corrected file that repeats yesterday's
rows, records only what is new. A row without a date is one undated decision of that outcome.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd

from duanka import audit, db, queries
from duanka.casework import ENTITY_TYPES
from duanka.entity_keys import entity_key, entity_keys
from duanka.export import sheets
from duanka.identifiers import normalise_msisdn
from duanka.ids import new_run_id, sha256_of
from duanka.outcomes.read import ALLOWED, OutcomeRows, read
from duanka.private import private_folder
from duanka.settings import Settings

BATCH = 2_000  # rows per transaction
OTHER_TYPES = ("outlet", "enterprise", "port", "middle_number")  # named in leads, not decided on here


@dataclass
class Recorded:
    """What one outcomes file did: the counts that reconcile, per outcome, and where the unmatched rows are."""

    run_id: str
    path: Path
    sha256: str
    read: int = 0
    recorded: int = 0
    already: int = 0  # matched, and the same decision was on record (an earlier run of the file, or a repeat)
    unmatched: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # recorded, per outcome
    unmatched_file: Path | None = None
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Rows read = recorded + already on record + unmatched."""
        return self.read == self.recorded + self.already + self.unmatched


def record_file(settings: Settings, path: Path, by: str | None = None, sheet: str | None = None) -> Recorded:
    """Record every row of an outcomes file as an investigator's decision; `by` names rows that name no one
    (and who ran the command, in the audit log)."""
    found = read(path, sheet)
    done = Recorded(new_run_id("decide"), path.resolve(), sha256_of(path), read=len(found.rows), columns=found.columns)
    rows = found.rows.copy()
    rows["by"] = rows["by"].where(rows["by"] != "", (by or "").strip())
    reasons = _unreadable(rows, found)
    with db.session(settings) as sess:
        readable = rows[reasons.isna()]
        entities, why = resolve_all(sess, readable["entity"])
        reasons = reasons.fillna(why.reindex(rows.index))
        matched = rows[reasons.isna()].assign(
            entity_type=entities.reindex(rows.index)["entity_type"],
            entity_id=entities.reindex(rows.index)["entity_id"],
        )
        _write(sess, matched, done)
    done.unmatched = int(reasons.notna().sum())
    done.unmatched_file = _unmatched_file(settings, done.run_id, rows, reasons)
    audit.append(
        settings,
        "decide-file",
        by=audit.current_user(by),
        run_id=done.run_id,
        file=str(done.path),
        sha256=done.sha256,
        rows_read=done.read,
        recorded=done.recorded,
        already_on_record=done.already,
        unmatched=done.unmatched,
        outcomes=dict(sorted(done.outcomes.items())),
        unmatched_file=str(done.unmatched_file),
    )
    return done


def _unreadable(rows: pd.DataFrame, found: OutcomeRows) -> pd.Series:
    """Per row, why it cannot be recorded whatever the graph holds (None: readable)."""
    why = pd.Series(None, index=rows.index, dtype=object)
    no_date = rows["decided_at"].isna() & rows["decided_at_text"].map(lambda v: v is not None and str(v).strip() != "")
    why[no_date] = (
        "unreadable date "
        + rows.loc[no_date, "decided_at_text"].astype(str).map(repr)
        + (": write it as 2026-11-28 or 2026-11-28 10:00")
    )
    why[rows["by"] == ""] = "no investigator: fill the by column (认定人) or give --by"
    why[rows["outcome"].isna()] = (
        "bad outcome " + rows.loc[rows["outcome"].isna(), "outcome_text"].map(repr) + f": use {ALLOWED}"
    )
    why[rows["entity"] == ""] = "no entity named"
    return why


def resolve_all(sess: neo4j.Session, refs: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """Each reference (`type:id`, a bare id, a lead_ref `RUN#RANK`) as one entity, or why not: the same
    naming as `duanka decide` (duanka/casework.py: resolve), a batch of references per query."""
    entity = pd.DataFrame(index=refs.index, columns=["entity_type", "entity_id"], dtype=object)
    why = pd.Series(None, index=refs.index, dtype=object)
    leads = refs[refs.str.contains("#", regex=False)]
    parts = leads.str.rsplit("#", n=1, expand=True) if len(leads) else pd.DataFrame(columns=[0, 1])
    ranks = pd.to_numeric(parts[1], errors="coerce") if len(leads) else pd.Series(dtype=float)
    why[ranks[ranks.isna()].index] = "not a lead_ref RUN#RANK: the rank is not a number"
    good = ranks.dropna()
    wanted = [
        {"run": run, "ranks": sorted({int(r) for r in ranks[parts.loc[good.index, 0] == run].dropna()})}
        for run in parts.loc[good.index, 0].unique()
    ]
    named: dict[tuple[str, int], tuple[str, str]] = {}
    known: set[str] = set()
    for r in db.read(sess, queries.load("casework/lead_refs"), runs=wanted):
        if r["known"]:
            known.add(r["run"])
        if r["rank"] is not None:
            named[(r["run"], int(r["rank"]))] = (r["entity_type"], r["entity_id"])
    for i in good.index:
        run, rank = parts.at[i, 0], int(good[i])
        if (run, rank) in named:
            entity.loc[i] = named[(run, rank)]
        elif run in known:
            why[i] = f"run {run} has no lead ranked {rank}"
        else:
            why[i] = f"lead_ref of an unknown run {run}"
    ids = refs.drop(leads.index)
    typed = ids.str.extract(r"^(?P<kind>[a-z_]+):(?P<id>.+)$")
    other = typed["kind"].isin(OTHER_TYPES)
    why[other[other].index] = "decisions are about persons, numbers (sim), accounts and devices only"
    typed.loc[~typed["kind"].isin(ENTITY_TYPES), ["kind", "id"]] = None
    plain = ids.where(typed["kind"].isna(), typed["id"]).str.strip()
    masked = plain.str.contains("*", regex=False) & why.reindex(ids.index).isna()
    why[masked[masked].index] = "a masked id: name the lead by its lead_ref (RUN#RANK) or the id in clear"
    lookups = _lookups(plain[~masked & why.reindex(ids.index).isna()], typed["kind"])
    found: dict[str, set[tuple[str, str]]] = {}
    for start in range(0, len(lookups), BATCH):
        for r in db.read(sess, queries.load("casework/resolve_many"), refs=lookups[start : start + BATCH]):
            found.setdefault(r["ref"], set()).add((r["entity_type"], r["entity_id"]))
    for i in plain.index:
        if pd.notna(why[i]):
            continue
        hits = sorted(found.get(str(i), set()))
        if len(hits) == 1:
            entity.loc[i] = hits[0]
        elif not hits:
            kind = typed.at[i, "kind"]
            why[i] = f"no {kind} {plain[i]!r} in the database" if isinstance(kind, str) else "no such entity"
        else:
            named_as = ", ".join(entity_key(t, k) for t, k in hits)
            why[i] = f"ambiguous bare id: it names {named_as}; write type:id"
    why[entity["entity_type"].isna() & why.isna()] = "no such entity"
    return entity, why


def _lookups(plain: pd.Series, kinds: pd.Series) -> list[dict[str, Any]]:
    """Per reference (keyed by its row), the ids it may stand for per type: as written, a number
    normalised (`+86 138-0013-8000`), a card or device number without spaces or dashes."""
    msisdn = normalise_msisdn(plain.astype("string"))
    out = []
    for i, text in plain.items():
        kind = kinds.get(i)
        compact = re.sub(r"[\s\-]", "", text) if re.fullmatch(r"[\d\s\-]+", text) else text
        number = msisdn.get(i)
        ids = {text, compact}
        lookup: dict[str, Any] = {"ref": str(i)}
        for t in ENTITY_TYPES:
            lookup[t] = sorted(ids | ({number} if t == "sim" and isinstance(number, str) else set()))
            if isinstance(kind, str) and kind != t:
                lookup[t] = []
        lookup["id_number"] = [text.upper()] if kind in (None, "person") or not isinstance(kind, str) else []
        out.append(lookup)
    return out


def _write(sess: neo4j.Session, matched: pd.DataFrame, done: Recorded) -> None:
    """The matched rows as decisions, a transaction per batch; a decision already on record (or repeated
    in the file) is counted, not written again."""
    rows = pd.DataFrame(
        {
            "line": matched.index.astype(int),
            "entity_type": matched["entity_type"],
            "entity_id": matched["entity_id"],
            "status": matched["outcome"],
            "by": matched["by"],
            "note": matched["note"].where(
                matched["note"] != "", f"(no note) {done.path.name}, line " + matched.index.astype(str)
            ),
            "at": matched["decided_at"].where(matched["decided_at"].notna(), None),
        }
    )
    rows["key"] = (
        entity_keys(rows["entity_type"], rows["entity_id"]) + "|" + rows["status"] + "|" + rows["at"].fillna("undated")
    )
    first = ~rows["key"].duplicated()
    done.already += int((~first).sum())
    records = rows[first].astype(object).where(rows[first].notna(), None).to_dict("records")

    def work(tx: neo4j.ManagedTransaction, part: list[dict[str, Any]]) -> list[dict[str, Any]]:
        made = tx.run(queries.load("casework/decide_many"), rows=part, batch=done.run_id).data()
        entities = [{"entity_type": r["entity_type"], "entity_id": r["entity_id"]} for r in part]
        tx.run(queries.load("casework/decided_status"), entities=entities).consume()
        return made

    for start in range(0, len(records), BATCH):
        part = records[start : start + BATCH]
        made = sess.execute_write(work, part)
        done.recorded += len(made)
        done.already += len(part) - len(made)
        done.outcomes.update(r["status"] for r in made)


def _unmatched_file(settings: Settings, run_id: str, rows: pd.DataFrame, reasons: pd.Series) -> Path:
    """The rows not recorded, with their line and why, beside the run (owner-only, as everything duanka writes)."""
    folder = private_folder(settings.work_dir / "runs" / run_id)
    out = rows[reasons.notna()].assign(reason=reasons[reasons.notna()])
    table = pd.DataFrame(
        {
            "line": out.index,
            "entity": out["entity"],
            "outcome": out["outcome_text"],
            "by": out["by"],
            "decided_at": out["decided_at_text"].map(lambda v: "" if v is None else str(v)),
            "note": out["note"],
            "reason": out["reason"],
        }
    )
    return sheets.write_csv(table, folder / "unmatched.csv")
