"""Which kinds of evidence the graph held when a detection run scored it.

A partial extract (an operator's, a bank's) leaves whole kinds of evidence
absent. Signals built on them are simply absent too; the run records what it
had so the report and the manifest can say it, and a reader knows that "no
money trail" means "no transfers were loaded", not "the money stayed put".
"""

from __future__ import annotations

from typing import Any

from duanka import db, queries

# Relationship type in the graph → what it evidences, in English and Chinese.
KINDS: dict[str, tuple[str, str]] = {
    "HOLDS_SIM": ("SIM cards and their holders", "号码实名信息"),
    "HOLDS_ACCOUNT": ("bank accounts and their holders", "账户实名信息"),
    "ACTIVATED_AT": ("SIM activation outlets", "开卡网点"),
    "SEEN_IN": ("SIM cards seen in devices", "机卡关系"),
    "USED_FROM": ("accounts used from devices", "账户登录设备"),
    "BOUND_TO": ("numbers reserved with banks", "预留手机号"),
    "TRANSFER": ("transfers", "资金流水"),
    "CALLED": ("calls and messages", "通话与短信"),
    "REPORTS_SIM": ("victim reports naming numbers", "报案涉及号码"),
    "REPORTS_ACCOUNT": ("victim reports naming accounts", "报案涉及账户"),
}


def held(session: Any) -> dict[str, int]:
    """Relationships of each evidence kind in the graph now (count store: instant)."""
    counts = db.read(session, queries.load("load/present"))[0]
    return {kind: int(counts.get(kind, 0)) for kind in KINDS}


def describe(counts: dict[str, int], lang: str = "en") -> tuple[str, str]:
    """('had: …', 'absent: …') in words, for a report or a console."""
    i = 0 if lang == "en" else 1
    had = [f"{KINDS[k][i]} ({n:,})" for k, n in counts.items() if n and k in KINDS]
    absent = [KINDS[k][i] for k, n in counts.items() if not n and k in KINDS]
    sep = ", " if lang == "en" else "、"
    return sep.join(had) or "—", sep.join(absent) or "—"
