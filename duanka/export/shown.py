"""Identifiers as duanka shows them outside an export: the ids a text quotes, and leads masked for the
terminal and Prefect's artifacts (readable by any local user of the Prefect server)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import neo4j
import pandas as pd

from duanka import db, queries
from duanka.export.mask import Known, known_ids, mask_id, mask_text, words_of
from duanka.settings import Settings


def quoted(sess: neo4j.Session, texts: Iterable[object], ids: Iterable[object] = ()) -> Known:
    """The identifiers `ids`, and those of the graph that `texts` quote (looked up word by word: a
    device fingerprint has no shape to find it by)."""
    words = sorted(words_of(texts))
    found = db.read(sess, queries.load("export/quoted_ids"), words=words) if words else []
    return known_ids([*ids, *(r["word"] for r in found)])


REASONS = ("reasons", "reasons_en", "reasons_zh")


def masked_leads(sess: neo4j.Session, leads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Leads (dicts with `entity_type`, `entity_id` and reasons) with the id and every id the reasons quote masked."""
    texts = [r.get(k) for r in leads for k in REASONS]
    known = quoted(sess, texts, [r["entity_id"] for r in leads])
    return [
        r
        | {"entity_id": mask_id(r["entity_id"], r["entity_type"])}
        | {k: mask_text(r[k], known) for k in REASONS if k in r}
        for r in leads
    ]


def top_leads(settings: Settings, leads: pd.DataFrame) -> list[dict[str, Any]]:
    """A detection run's first leads as its Prefect artifact shows them: masked."""
    rows = [
        {
            "entity_type": r.entity_type,
            "entity_id": r.entity_id,
            "role": r.role,
            "score": r.score,
            "reasons": r.reasons_en,
        }
        for r in leads.itertuples()
    ]
    with db.session(settings) as sess:
        shown = masked_leads(sess, rows)
    return [
        {
            "rank": i + 1,
            "type": r["entity_type"],
            "id": r["entity_id"],
            "role": r["role"],
            "score": round(r["score"], 3),
            "reasons": r["reasons"],
        }
        for i, r in enumerate(shown)
    ]
