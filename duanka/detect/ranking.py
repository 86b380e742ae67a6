"""From facts to ranked entities and clusters: signals, own scores, corroboration, cluster context, lead order.

Pure functions that take frames and return new ones; nothing here reads or writes the graph. Every step of
an entity's score is its own column (ENTITY_COLUMNS says what each holds), never an earlier meaning kept in
a copy: `own_score` (its own evidence, capped when alone), `rule_score` (the cluster's context blended in),
`score` (calibrated, the learned ranking blended in: what a case officer sees).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from duanka.detect import learn, resources, signals
from duanka.detect import score as score_of
from duanka.detect.calibrate import load as load_calibration
from duanka.detect.model import MODEL
from duanka.entity_keys import entity_ids, entity_keys
from duanka.params import DetectParams
from graphmodel.roles import UNKNOWN

CALIBRATION = load_calibration()  # None until bench/calibrate.py has fitted one for this model version
# Places a score and a rule score are kept to: in a run's result as in what it writes, so the results an
# incremental run keeps from the run before (read back as written) and those it re-scores are on one footing.
DECIMALS = 4

# The scored entity table, one row per entity indexed by its key ("type:id"), in this column order.
ENTITY_COLUMNS: dict[str, str] = {
    "role": "the suspected role (graphmodel/roles.py), unknown below the model's role_from",
    "score": "what a case officer sees: the rule score calibrated, a learned ranking blended in",
    "entity_type": "person, sim, account, device, enterprise, port or middle_number",
    "kinds": "kinds of evidence of its own",
    "reasons_en": "why, in English: each reason a fact a case officer can check",
    "reasons_zh": "why, in Chinese",
    "entity_id": "the source's id",
    "pays_as_suspect": "an account its first pass suspected: a first-level mule, wherever its payees are",
    "reported": "named in a victim report",
    "decision": "an investigator's latest decision, if any",
    "suppressed": "dismissed, and no material change since: out of the leads and its cluster's score",
    "status": "suspected, or an investigator's confirmed / under_review",
    "community": "its community in the run (none: not in the community graph)",
    "corroborated": "its evidence is corroborated (two kinds, or a well-evidenced suspect in its community)",
    "cluster_score": "its cluster's score (0: in no cluster worth writing)",
    "own_score": "its own evidence's score, capped when uncorroborated",
    "cluster_id": "the cluster it belongs to (its community's name until the write-back names it)",
    "rule_score": "the model's rule score: its own score with its cluster's context blended in",
    "priority": "the lead order's key: the score that orders it, spread within its cluster",
    "lead": "a lead: at the lead line and corroborated, or confirmed; never a dismissed one",
    "ranked": "evidence of its own below the lead line: ranked, never a lead",
}
LEARNED_COLUMN = "learned"  # with a learned ranking: its probability, before `rule_score` (learn.py)


@dataclass
class Suspicions:
    """What the rules make of an entity's own facts, before communities: per-type signals and scores."""

    parts: dict[str, pd.DataFrame]  # signals per entity type, as the learned ranking reads them
    scored: pd.DataFrame  # own scores by entity key: persons only after first_suspicions, all after own_suspicions
    payers: pd.Index  # accounts the first pass suspected: they pay as suspects (first-level mules)


def first_suspicions(f: signals.Facts, params: DetectParams) -> Suspicions:
    """Signals and scores as far as they need nothing outside `f`: the money path is followed by
    `own_suspicions`, once every account the first pass suspects anywhere is known."""
    devices = signals.device_signals(f)
    sims = signals.sim_signals(f, devices)
    holders = signals.person_signals(f, devices)
    people = score_of.persons(holders)
    devices["suspects_worked"] = signals.worked_for(f, devices, people.index[well_evidenced(people, params.min_score)])
    accounts = signals.account_signals(f, devices, set(sims.index[sims["farm_holders"] > 0]))
    first = score_of.accounts(accounts, explain=False)  # the ring's money path needs its first-level mules
    parts = {"person": holders, "device": devices, "account": accounts, "sim": sims}
    return Suspicions(parts, people, first.index[well_evidenced(first, params.min_score)])


def own_suspicions(
    f: signals.Facts, params: DetectParams, known_payers: frozenset[str] = frozenset(), first: Suspicions | None = None
) -> Suspicions:
    """Every entity's own score, role and reasons, investigators' decisions applied (`first`: its first pass).

    `known_payers`: accounts outside `f` whose first pass made them suspects (an incremental run's
    unchanged rest, a shard's neighbours); the column `pays_as_suspect` says which accounts of `f` the
    first pass suspected."""
    first = first or first_suspicions(f, params)
    parts, people, payers = first.parts, first.scored, first.payers
    accounts = signals.paid_by(f, parts["account"], payers.union(pd.Index(sorted(known_payers))))
    parts = {**parts, "account": accounts}
    held, fronts = resources.suspicions(resources.Resources.of(f))
    scored = pd.concat(
        [
            resources.fronted(people, fronts),
            score_of.sims(parts["sim"]),
            score_of.accounts(accounts),
            score_of.devices(parts["device"]),
            held,
        ]
    )
    scored.index = entity_keys(scored["entity_type"], scored.index)
    scored["entity_id"] = entity_ids(scored.index)
    scored["pays_as_suspect"] = scored.index.isin(entity_keys("account", payers))
    reported_sims = entity_keys("sim", f.sims.loc[f.sims["reported"], "msisdn"])
    reported_accounts = entity_keys("account", f.accounts.loc[f.accounts["reported"], "account"])
    named = pd.Index(f.named["number"].astype(str))
    reported_resources = entity_keys("port", named).append(entity_keys("middle_number", named))
    scored["reported"] = (
        scored.index.isin(reported_sims) | scored.index.isin(reported_accounts) | scored.index.isin(reported_resources)
    )
    return Suspicions(parts, with_decisions(scored, f.decisions), payers)


def seed_keys(scored: pd.DataFrame, params: DetectParams) -> pd.Index:
    """The entities whose communities matter: at the lead line on their own evidence. Corroboration only
    lowers a score, so a component holding none of them yields no cluster and no lead under any partition
    (a confirmed entity is a lead whatever its community): seed and expand finds what the whole graph does."""
    return scored.index[scored["score"] >= params.min_score]


def rank_entities(
    f: signals.Facts,
    community: pd.Series,
    params: DetectParams,
    known_payers: frozenset[str] = frozenset(),
    ranker: learn.Ranker | None = None,
    features: dict[str, pd.DataFrame] | None = None,
    own: Suspicions | None = None,
    graph: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every entity's score, role, reasons, cluster and lead order; the clusters worth writing.

    `known_payers` as for `own_suspicions` (`own`: what it gave already). `ranker`: a learned ranking
    blended into the score (learn.py); `features`: a dict to receive what it reads, under "features"
    (training and evaluation); `graph`: the graph's features per entity (graph_signals.py), read beside
    the rules' signals."""
    own = own or own_suspicions(f, params, known_payers)
    placed = own.scored.assign(community=community.reindex(own.scored.index).to_numpy())
    entities = corroborated(placed, params.min_score)
    clusters = clusters_of(entities, params)
    by_community = clusters.set_index("community")
    own_score = entities["score"]
    cluster_score = entities["community"].map(by_community["score"]).fillna(0.0)
    context = MODEL.context * cluster_score * (own_score > MODEL.context_from)
    rule_score = (1 - MODEL.context) * own_score + context
    entities = entities.assign(cluster_score=cluster_score, own_score=own_score)
    entities = entities.assign(
        score=calibrated(rule_score), cluster_id=entities["community"].map(by_community["cluster_id"])
    )
    entities = entities.assign(rule_score=rule_score)
    wide = None
    if ranker is not None or features is not None:
        wide = learn.features(own.parts, entities)
        if graph is not None:
            wide = wide.join(graph.reindex(wide.index))
        if features is not None:
            features["features"] = wide
    return ranked_entities(entities, f.decisions, params, ranker, wide), clusters


def calibrated(rule_score: pd.Series) -> pd.Series:
    """What leads of this rule score turned out to be on the evaluation worlds (the rule score itself
    until a calibration is fitted)."""
    if CALIBRATION is None:
        return rule_score
    return pd.Series(CALIBRATION(rule_score.to_numpy()), index=rule_score.index)


def ranked_entities(
    entities: pd.DataFrame,
    decisions: pd.DataFrame,
    params: DetectParams,
    ranker: learn.Ranker | None = None,
    wide: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Scored entities (the learned ranking blended in, with its `wide` features) in lead order: leads,
    each cluster's members a little apart so every ring shows early, priorities for the next increment."""
    if ranker is not None and wide is not None:
        entities = with_learned_scores(entities, ranker, wide)
    entities = as_written(entities)
    entities = with_reopened(entities, decisions)
    entities = entities.sort_values(
        ["score", "rule_score", "kinds", "entity_id"], ascending=[False, False, False, True]
    )
    alone = entities.index.to_series()  # an isolated lead is a cluster of its own
    place = entities.groupby(
        entities["cluster_id"].astype(object).where(entities["cluster_id"].notna(), alone)
    ).cumcount()
    order = entities["rule_score"] if ranker is None else entities["score"]  # calibration ties many scores
    suspected = (entities["score"] >= params.min_score) & entities["corroborated"]  # one kind alone: never a lead
    lead = (suspected | (entities["status"] == "confirmed")) & ~entities["suppressed"]
    # A ranking, not only a cut: every entity with a kind of evidence has a rank and a score; below the lead
    # line it is `ranked` (never a lead, never a suspect), so a budget can list the best of them.
    entities = entities.assign(
        priority=order * MODEL.spread**place,
        lead=lead,
        ranked=~lead & (entities["kinds"] > 0) & ~entities["suppressed"],
        role=entities["role"].mask(entities["own_score"] < MODEL.role_from, UNKNOWN.key),
    )
    return in_lead_order(entities)


def as_written(entities: pd.DataFrame) -> pd.DataFrame:
    """Scores and rule scores to the places a run writes them (DECIMALS), before anything is ordered or
    compared by them. Calibration maps many rule scores onto one step's value (0.00005, say): a half-way
    value kept unrounded here and rounded when written would differ from itself read back."""
    return entities.assign(
        score=entities["score"].astype(float).round(DECIMALS),
        rule_score=entities["rule_score"].astype(float).round(DECIMALS),
    )


def with_learned_scores(entities: pd.DataFrame, ranker: learn.Ranker, wide: pd.DataFrame) -> pd.DataFrame:
    """The learned ranking blended into the score; a lead whose score it moved far says so, beside the
    rules' reasons (by its own scores alone, so an incremental run writes the same sentence)."""
    entities = entities.copy()
    entities[LEARNED_COLUMN] = ranker(wide.reindex(entities.index))
    blended = ranker.rerank(entities["score"].to_numpy(), entities[LEARNED_COLUMN].to_numpy())
    moved = (np.abs(blended - entities["score"].to_numpy()) >= learn.MOVED) & (blended >= MODEL.min_score)
    near = wide.reindex(entities.index).get("known.fraud_neighbours", pd.Series(np.nan, index=entities.index))
    for key, was, now, learned in zip(
        entities.index[moved],
        entities["score"][moved],
        blended[moved],
        entities[LEARNED_COLUMN][moved],
        strict=True,
    ):
        way_en, way_zh = ("raised", "上调") if now > was else ("lowered", "下调")
        en = f"{way_en} from {was:.2f} by the learned ranking {ranker.version} (learned {learned:.2f})"
        zh = f"学习模型{ranker.version}将评分自{was:.2f}{way_zh}（模型概率{learned:.2f}）"
        confirmed = near.at[key]
        if confirmed > 0:  # a suspicion drawn from an investigator's confirmations, never itself one
            en += f"; {int(confirmed)} of its neighbours confirmed by an investigator"
            zh += f"；其关联对象中{int(confirmed)}个经侦查员确认"
        entities.at[key, "reasons_en"] = "; ".join(r for r in (entities.at[key, "reasons_en"], en) if r)
        entities.at[key, "reasons_zh"] = "；".join(r for r in (entities.at[key, "reasons_zh"], zh) if r)
    entities["score"] = blended
    return entities


def in_lead_order(entities: pd.DataFrame) -> pd.DataFrame:
    """Leads first, by priority; ties by kinds of evidence, then id (the same data give the same order)."""
    return entities.sort_values(["lead", "priority", "kinds", "entity_id"], ascending=[False, False, False, True])


def ranked_clusters(clusters: pd.DataFrame) -> pd.DataFrame:
    """Clusters best first, ranked: by score, ties by their (carried) id."""
    clusters = clusters.sort_values(["score", "cluster_id"], ascending=[False, True]).reset_index(drop=True)
    return clusters.assign(rank=np.arange(1, len(clusters) + 1))


def well_evidenced(scored: pd.DataFrame, min_score: float) -> pd.Series:
    """Suspects at the lead line with two kinds of evidence or more: they corroborate their neighbours."""
    return (scored["score"] >= min_score) & (scored["kinds"] >= 2)


def corroborated(scored: pd.DataFrame, min_score: float) -> pd.DataFrame:
    """No lead on one kind of evidence alone unless its cluster holds a suspect with two kinds or more,
    and none without any evidence of its own (a cluster's score never makes a lead by itself): the
    entities with `corroborated` said, and the score of those not capped.

    A relative who manages a parent's accounts, a courier calling strangers, a heavy card holder: each
    shows one kind of evidence and nothing around it. The same one kind inside a ring (a dealer's
    handset in the cluster of the farmers whose accounts it works) is corroborated by its neighbours.
    """
    strong = well_evidenced(scored, min_score)
    others = strong.groupby(scored["community"]).transform("sum").fillna(0) - strong
    alone = (scored["kinds"] == 0) | ((scored["kinds"] == 1) & (others < MODEL.corroborated_by))
    alone &= scored["decision"] != "confirmed"
    capped = scored["score"].where(~alone, scored["score"].clip(upper=MODEL.alone_cap))
    return scored.assign(corroborated=~alone, score=capped)


def clusters_of(scored: pd.DataFrame, params: DetectParams) -> pd.DataFrame:
    """Cluster score: the mean of the top members' scores, discounted when few members are suspicious."""
    live = scored.dropna(subset=["community"])
    live = live.assign(score=live["score"].where(~live["suppressed"], 0.0))  # dismissed: a known negative
    suspicious = live[live["score"] >= params.min_score]
    wanted = suspicious["community"].unique()
    members = live[live["community"].isin(wanted)]
    rows = []
    for community, group in members.groupby("community"):
        top = group["score"].nlargest(MODEL.top_members)
        strong = int((group["score"] >= params.min_score).sum())
        value = float(top.mean()) * min(1.0, strong / MODEL.strong_members) ** MODEL.few_strong_power
        known = int((group["reported"] | (group["decision"] == "confirmed")).sum())  # reports and confirmations
        value = min(1.0, value + MODEL.known_bonus * min(MODEL.known_most, known))
        counts = group["entity_type"].value_counts()
        best = group.sort_index().sort_values("score", ascending=False, kind="stable")  # ties: by key
        reasons = [r for r in best["reasons_en"] if r][:3]
        rows.append(
            {
                "community": community,
                "cluster_id": community,  # until the write-back names it (writeback.keyed_cluster_ids)
                "score": round(value, 4),
                "members": len(group),
                "persons": int(counts.get("person", 0)),
                "sims": int(counts.get("sim", 0)),
                "accounts": int(counts.get("account", 0)),
                "devices": int(counts.get("device", 0)),
                "reports": int(group["reported"].sum()),
                "top_reasons": " / ".join(reasons),
            }
        )
    columns = [
        *("community", "cluster_id", "score", "members"),
        *("persons", "sims", "accounts", "devices", "reports", "top_reasons"),
    ]
    return ranked_clusters(pd.DataFrame(rows, columns=columns))


def with_decisions(scored: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """Investigators' decisions as feedback: confirmed entities are known positives (like victim reports),
    dismissed ones known negatives — out of the leads and of their cluster's score."""
    latest = decisions.set_index("entity").reindex(scored.index)
    decision = latest["status"].to_numpy()
    return scored.assign(
        decision=decision,
        suppressed=(latest["status"] == "dismissed").to_numpy(),
        status=np.select(
            [decision == "confirmed", decision == "under_review"], ["confirmed", "under_review"], "suspected"
        ),
    )


def with_reopened(scored: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """A dismissed entity comes back as a lead only when its evidence changed materially: its score rose by
    the model's `material` over the score it was dismissed at, or a victim report names it that did not then."""
    latest = decisions.set_index("entity").reindex(scored.index)
    rose = scored["score"].to_numpy() >= latest["score_then"].fillna(0).to_numpy() + MODEL.material
    newly_reported = scored["reported"].to_numpy() & ~latest["reported_then"].fillna(False).astype(bool).to_numpy()
    reopened = scored["suppressed"].to_numpy() & (rose | newly_reported)
    if not reopened.any():
        return scored
    scored = scored.copy()
    for key in scored.index[reopened]:
        d = latest.loc[key]
        report = ", newly named in a victim report" if newly_reported[scored.index.get_loc(key)] else ""
        en = (
            f"dismissed by {d['by']} on {str(d['at'])[:10]} at score {d['score_then']:.2f}; "
            f"new evidence since (score {scored.at[key, 'score']:.2f}{report})"
        )
        zh = f"{str(d['at'])[:10]}曾被{d['by']}排除（当时评分{d['score_then']:.2f}），此后出现新证据"
        scored.at[key, "reasons_en"] = "; ".join(x for x in (scored.at[key, "reasons_en"], en) if x)
        scored.at[key, "reasons_zh"] = "；".join(x for x in (scored.at[key, "reasons_zh"], zh) if x)
    scored.loc[reopened, "suppressed"] = False
    return scored
