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
    # optional columns (detect/evidence_details): held or not, no count
    "CALL_DURATIONS": ("call durations", "通话时长"),
    "CALL_TIMES": ("call times", "通话时间"),
    "ACTIVATION_TIMES": ("SIM activation dates", "开卡时间"),
    "SIGHTING_TIMES": ("times of SIM sightings in devices", "机卡关系时间"),
}
COLUMNS = ("CALL_DURATIONS", "CALL_TIMES", "ACTIVATION_TIMES", "SIGHTING_TIMES")

# What a lead-count note names as absent, in order: the evidence an extract most often lacks, each a group of kinds.
GROUPS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("HOLDS_SIM", "HOLDS_ACCOUNT"), "holders", "实名信息"),
    (("SEEN_IN", "USED_FROM"), "devices", "设备"),
    (("HOLDS_ACCOUNT", "TRANSFER", "BOUND_TO", "USED_FROM"), "bank data", "银行数据"),
    (("CALL_TIMES", "ACTIVATION_TIMES", "SIGHTING_TIMES", "TRANSFER"), "times", "时间"),
    (("CALL_DURATIONS",), "durations", "通话时长"),
    (("REPORTS_SIM", "REPORTS_ACCOUNT"), "victim reports", "报案"),
)


def held(session: Any) -> dict[str, int]:
    """Relationships of each evidence kind in the graph now (count store: instant)."""
    counts = {
        **db.read(session, queries.load("load/present"))[0],
        **db.read(session, queries.load("detect/evidence_details"))[0],
    }
    return {kind: int(counts.get(kind, 0)) for kind in KINDS}


def describe(counts: dict[str, int], lang: str = "en") -> tuple[str, str]:
    """('had: …', 'absent: …') in words, for a report or a console."""
    i = 0 if lang == "en" else 1
    had = [KINDS[k][i] if k in COLUMNS else f"{KINDS[k][i]} ({n:,})" for k, n in counts.items() if n and k in KINDS]
    absent = [KINDS[k][i] for k, n in counts.items() if not n and k in KINDS]
    sep = ", " if lang == "en" else "、"
    return sep.join(had) or "—", sep.join(absent) or "—"


TYPES = {
    "sim": ("numbers", "个号码"),
    "person": ("persons", "名人员"),
    "account": ("accounts", "个账户"),
    "device": ("devices", "台设备"),
}


def lead_note(counts: dict[str, int], figures: dict[str, Any], lang: str = "en") -> str:
    """Why a run has the leads it has, in one sentence: the evidence it held and lacked, how many entities had
    evidence, how many two kinds (a lead needs two, or one corroborated in its cluster), and what lies below
    the line — so zero leads on a large extract never passes silently."""
    en = lang == "en"
    lacked = [(en_, zh_) for kinds_, en_, zh_ in GROUPS if counts and not any(counts.get(k, 0) for k in kinds_)]
    kinds_held = [KINDS[k][0 if en else 1] for k, n in counts.items() if n and k in KINDS and k not in COLUMNS]
    scored = [(figures.get(f"with_evidence_{t}", 0), words) for t, words in TYPES.items()]
    scored_text = [f"{n:,} {w[0]}" if en else f"{n:,}{w[1]}" for n, w in scored if n]
    leads, ranked, strong = (
        int(figures.get("leads", 0)),
        int(figures.get("ranked", 0)),
        int(figures.get("well_evidenced", 0)),
    )
    if en:
        parts = [f"evidence held: {', '.join(kinds_held) or 'none'}"]
        if lacked:
            parts[0] += f" (no {', '.join(e for e, _ in lacked)})"
        parts.append(f"{' and '.join(scored_text) or 'no entity'} with evidence scored")
        parts.append(f"{strong:,} with two kinds of evidence" if strong else "none with two kinds of evidence")
        parts.append(f"{leads:,} at the lead line")
        if ranked:
            parts.append(f"{ranked:,} more ranked below the lead line (export with --budget N to list the best N)")
        return "; ".join(parts)
    parts = [f"已有证据：{'、'.join(kinds_held) or '无'}"]
    if lacked:
        parts[0] += f"（缺{'、'.join(z for _, z in lacked)}）"
    parts.append(f"有证据并评分：{'、'.join(scored_text) or '无'}")
    parts.append(f"具两类证据者{strong:,}个" if strong else "无具两类证据者")
    parts.append(f"达线索线{leads:,}条")
    if ranked:
        parts.append(f"另有{ranked:,}个排在线索线以下（导出时用 --budget N 列出前N个）")
    return "；".join(parts)
