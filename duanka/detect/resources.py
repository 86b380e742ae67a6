"""Signals, scores, roles and reasons for SMS ports, middle numbers, the enterprises behind them and the
persons who front them (shared/docs/domain.md: "The other resources the regulator names").

Pure functions over frames (epoch seconds for times), tested without Neo4j. What separates a ring's
resources from their innocent look-alikes is structure and timing together:

* a port that texts many strangers once or twice each (or follows each text up within days), in
  bursts, from its first days, leased to a young enterprise, by a young reseller behind other young
  enterprises' ports — where a bank, a courier, a school or a new shop texts its own customers again
  and again over weeks, and an old app's verification-code sender texts strangers at a steady pace,
  even through a code opened weeks ago;
  youth, fronting and the reseller weigh little for a port whose own texting looks like a customer's
  notices (a new shop is young too, and its owner may have another business);
* a middle number that calls strangers itself, bound minutes at a time to one card, held by a young
  enterprise — where a platform's middle number is called by both sides of a ride, or is one of a
  delivery platform's pool, bound minutes at a time to many riders in turn, held by an old platform;
* an enterprise young at its ports' opening (youth fading over its second year) behind a suspected
  port or middle number, or reselling ports to young enterprises, or whose legal person fronts other
  young enterprises;
* a person fronting several young enterprises (法人代持: the corporate form of selling one's identity),
  the more so as those enterprises behave like shells.

Victims' reports naming a port or a middle number count as for a number. A score is a suspicion,
never a determination.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from duanka.detect.signals import Facts
from duanka.detect.terms import REPORTED, Reasons, attach, day, kinds, noisy_or

DAY = 86_400
YOUNG = 365 * DAY  # an enterprise younger than this at a port's opening or a binding is young
AGED = 2 * YOUNG  # youth fades linearly from YOUNG to this: a shell aged past a year is still suspect
STRANGERS_FROM = 25  # recipients of a port before "many strangers" is said
FEW_TEXTS = 3.0  # texts per recipient: a notice sender repeats, a blast does not
RETURNING_DAYS = 7.0  # a notice sender's recipients hear from it again over weeks; a blast's follow-ups come in days
FIRST_DAYS = 7 * DAY  # texting began within this of the port's opening
BURST_WINDOW = 7 * DAY  # a port's busiest week of first texts to new recipients
BURSTY = 0.25  # share of its recipients first texted in its busiest week: a blast, not a steady sender
RESELLER_FROM = 2  # young enterprises' ports a young reseller leased before it is "behind many"
SHORT_BINDING_MINUTES = 60.0
CALLEES_FROM = 8  # distinct numbers a middle number calls itself before it is "calling strangers"
POOLED_FROM = 3  # real numbers one middle number was bound to before it is a platform's pooled number


@dataclass(frozen=True)
class Resources:
    """What the graph holds of enterprises, ports and middle numbers (signals.FACT_COLUMNS; epoch seconds,
    NaN where unknown)."""

    enterprises: pd.DataFrame  # enterprise_id, registered_at, legal_person_id
    ports: pd.DataFrame  # port_code, enterprise_id, agent_id, opened_at
    texts: pd.DataFrame  # port_code, callee, count, first_ts, last_ts
    bindings: pd.DataFrame  # middle_number, real_msisdn, first_bound, longest_minutes
    holdings: pd.DataFrame  # middle_number, enterprise_id, first_bound
    middle_calls: pd.DataFrame  # middle_number, callee, count, total_duration_s (the middle number as caller)
    reported: frozenset[str]  # port codes and middle numbers named in victim reports

    @classmethod
    def of(cls, f: Facts) -> Resources:
        """The resources among a run's fact tables."""
        named = frozenset(str(n) for n in f.named["number"])
        return cls(f.enterprises, f.ports, f.texts, f.bindings, f.holdings, f.middle_calls, named)

    @property
    def empty(self) -> bool:
        """Whether the extracts held no enterprise, port or middle number at all."""
        return self.enterprises.empty and self.ports.empty and self.bindings.empty


def _age_at(registered: pd.Series, when: pd.Series) -> pd.Series:
    return when - registered


def _youth(age: pd.Series) -> pd.Series:
    """1 below `YOUNG`, fading linearly to 0 at `AGED`; 0 where the age is unknown."""
    return ((AGED - age) / (AGED - YOUNG)).clip(0.0, 1.0).fillna(0.0)


def enterprise_signals(r: Resources) -> pd.DataFrame:
    """Per enterprise: its age at its first port or binding, its legal person's young enterprises, its ports'
    and middle numbers' counts."""
    e = r.enterprises.set_index("enterprise_id")
    first_port = r.ports.groupby("enterprise_id")["opened_at"].min()
    first_resold = r.ports.groupby("agent_id")["opened_at"].min()  # a reseller's use is its first resale
    first_bound = r.holdings.groupby("enterprise_id")["first_bound"].min()
    first_use = pd.concat([first_port, first_resold, first_bound], axis=1).min(axis=1).reindex(e.index)
    out = pd.DataFrame(index=e.index)
    out["legal_person_id"] = e["legal_person_id"]
    out["registered_at"] = e["registered_at"]
    out["age_at_use"] = _age_at(e["registered_at"], first_use)
    out["young"] = (out["age_at_use"] < YOUNG).fillna(False)
    out["youth"] = _youth(out["age_at_use"])
    fronted = out[out["young"]].groupby("legal_person_id").size()
    out["legal_fronts_young"] = out["legal_person_id"].map(fronted).fillna(0).astype(int)
    out["ports"] = r.ports.groupby("enterprise_id").size().reindex(e.index).fillna(0).astype(int)
    resold = r.ports.merge(out[["young"]], left_on="enterprise_id", right_index=True, how="left")
    out["resold_young_ports"] = (
        resold[resold["young"].fillna(False).astype(bool)].groupby("agent_id").size().reindex(e.index).fillna(0)
    ).astype(int)
    last_resold = r.ports.groupby("agent_id")["opened_at"].max().reindex(e.index)
    out["resale_youth"] = _youth(_age_at(e["registered_at"], last_resold))  # a provider long in business is not
    out["middle_numbers"] = r.holdings.groupby("enterprise_id")["middle_number"].nunique().reindex(e.index).fillna(0)
    return out


def port_signals(r: Resources, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Per port: strangers texted, texts each, how soon after opening, its enterprise's and reseller's youth."""
    p = r.ports.drop_duplicates("port_code").set_index("port_code")
    t = r.texts.groupby("port_code").agg(
        recipients=("callee", "nunique"), texts=("count", "sum"), first_text=("first_ts", "min")
    )
    out = p.join(t, how="outer")
    out["recipients"] = out["recipients"].fillna(0).astype(int)
    out["texts_each"] = (out["texts"] / out["recipients"].clip(lower=1)).fillna(0.0)
    out["days_to_first_text"] = (out["first_text"] - out["opened_at"]) / DAY
    out["burst_share"] = _busiest_week(r.texts).reindex(out.index)
    spread = (r.texts["last_ts"] - r.texts["first_ts"]) / DAY
    out["repeat_days"] = spread.groupby(r.texts["port_code"]).median().reindex(out.index)
    e = enterprises.reindex(out["enterprise_id"])
    # its lessee's age at this port's opening: an enterprise young when it opened a port years ago, texting
    # through it ever since, is not young at it now
    age = (out["opened_at"].to_numpy(float) - e["registered_at"].to_numpy(float)).astype(float)
    age = np.where(np.isnan(age), e["age_at_use"].to_numpy(float), age)
    out["enterprise_young"] = age < YOUNG
    out["enterprise_youth"] = _youth(pd.Series(age, index=out.index)).to_numpy(float)
    out["enterprise_age_days"] = age / DAY
    out["legal_fronts_young"] = e["legal_fronts_young"].fillna(0).to_numpy(int)
    out["legal_person_id"] = e["legal_person_id"].to_numpy()
    out["reseller_young_ports"] = enterprises["resold_young_ports"].reindex(out["agent_id"]).fillna(0).to_numpy(int)
    reseller_registered = enterprises["registered_at"].reindex(out["agent_id"]).to_numpy(float)
    out["reseller_youth"] = _youth(pd.Series(out["opened_at"].to_numpy(float) - reseller_registered)).to_numpy(float)
    out["reported"] = out.index.isin(list(r.reported))
    return out


def _busiest_week(texts: pd.DataFrame) -> pd.Series:
    """Per port, the share of its recipients first texted within its busiest `BURST_WINDOW` (NaN without
    times): a blast reaches most of them in days, a steady sender a few each week."""
    first = texts.dropna(subset=["first_ts"]).groupby(["port_code", "callee"])["first_ts"].min()
    out = {}
    for port, times in first.groupby(level="port_code"):
        t = np.sort(times.to_numpy(float))
        within = np.searchsorted(t, t + BURST_WINDOW, side="left") - np.arange(len(t))
        out[port] = float(within.max()) / len(t)
    return pd.Series(out, dtype=float)


def middle_signals(r: Resources, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Per middle number: strangers it called, how long its longest binding lived, the cards it was bound to."""
    b = r.bindings.groupby("middle_number").agg(
        reals=("real_msisdn", "nunique"),
        longest_minutes=("longest_minutes", "max"),
        first_bound=("first_bound", "min"),
    )
    held = r.holdings.sort_values(["first_bound", "enterprise_id"], na_position="last")
    b["enterprise_id"] = held.drop_duplicates("middle_number").set_index("middle_number")["enterprise_id"]
    c = r.middle_calls.groupby("middle_number").agg(
        callees=("callee", "nunique"), calls=("count", "sum"), seconds=("total_duration_s", "sum")
    )
    out = b.join(c, how="left")
    out["callees"] = out["callees"].fillna(0).astype(int)
    out["avg_call_s"] = out["seconds"] / out["calls"].where(out["calls"] > 0)
    out["short_bindings"] = (out["longest_minutes"] < SHORT_BINDING_MINUTES).fillna(False)
    e = enterprises.reindex(out["enterprise_id"])
    out["enterprise_young"] = e["young"].fillna(False).to_numpy(bool)
    out["enterprise_youth"] = e["youth"].fillna(0.0).to_numpy(float)
    out["pooled"] = out["reals"] >= POOLED_FROM
    out["legal_person_id"] = e["legal_person_id"].to_numpy()
    out["reported"] = out.index.isin(list(r.reported))
    return out


def _logistic(x: pd.Series | np.ndarray, mid: float, width: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(np.asarray(x, dtype=float) - mid) / width))


def score_ports(p: pd.DataFrame) -> pd.DataFrame:
    """fraud_port: a blast to strangers in bursts from its first days (texted once or twice, or followed up
    within days: a notice sender's recipients hear from it again over weeks), a young enterprise fronted by
    someone fronting others, a young reseller behind young enterprises' ports, victims' reports. Who leased
    it weighs little when its own texting looks like a customer's notices: a new shop is young too."""
    returning = (p["repeat_days"] >= RETURNING_DAYS).where(p["repeat_days"].notna(), True)
    notices = (p["texts_each"] >= FEW_TEXTS) & returning.astype(bool)
    blast = _logistic(p["recipients"], STRANGERS_FROM, 8) * (~notices).to_numpy(float)
    soon = (p["days_to_first_text"] <= FIRST_DAYS / DAY).fillna(False).to_numpy(float)
    bursty = np.where(p["burst_share"].notna(), (p["burst_share"] >= BURSTY).astype(float), 0.5)
    youth = p["enterprise_youth"].to_numpy(float)
    fronts = (p["legal_fronts_young"] >= 2).to_numpy(float)
    reseller = (p["reseller_young_ports"] >= RESELLER_FROM).to_numpy(float) * p["reseller_youth"].to_numpy(float)
    sending = blast * (0.5 + 0.5 * soon) * (0.5 + 0.5 * bursty)
    conduct = np.where(p["recipients"] > 0, sending, 0.5)  # no texts seen: unknown, not innocent
    reported = p["reported"].to_numpy(float)
    score = noisy_or(
        0.45 * sending,
        0.6 * reported,
        noisy_or(0.35 * youth, 0.3 * fronts * youth, 0.25 * reseller) * (0.4 + 0.6 * conduct),
    )
    out = pd.DataFrame({"role": "fraud_port", "score": score, "entity_type": "port"}, index=p.index)
    # its texting and reports, not who leased it: what its lessee inherits
    out["conduct_score"] = noisy_or(sending, reported)
    # its lessee's youth is a kind of evidence unless its own texting looks like a customer's notices
    young = p["enterprise_young"].astype(bool) & ~notices.astype(bool)
    out["kinds"] = kinds(pd.Series(blast > 0.5, index=p.index), young, p["reported"])
    reasons = []
    for r, b in zip(p.itertuples(), blast, strict=True):
        why = Reasons()
        if b > 0.5:
            why.add(
                f"texted {r.recipients} numbers, {r.texts_each:.1f} texts each, from {day(r.first_text)}"
                + (
                    f" ({r.days_to_first_text:.0f} days after the port opened)"
                    if pd.notna(r.days_to_first_text)
                    else ""
                )
                + (f", {r.burst_share:.0%} of them in one week" if pd.notna(r.burst_share) else ""),
                f"自{day(r.first_text)}起向{r.recipients}个号码发送短信，平均每个{r.texts_each:.1f}条",
            )
        if r.enterprise_youth > 0:
            why.add(
                f"leased to enterprise {r.enterprise_id}, {r.enterprise_age_days:.0f} days old at the port's opening",
                f"租用企业{r.enterprise_id}开通端口时成立仅{r.enterprise_age_days:.0f}天",
            )
        if r.enterprise_young and r.legal_fronts_young >= 2:
            why.add(
                f"its legal person {r.legal_person_id} fronts {r.legal_fronts_young} young enterprises",
                f"其法定代表人{r.legal_person_id}名下有{r.legal_fronts_young}家新设企业",
            )
        if r.reseller_young_ports >= RESELLER_FROM and r.reseller_youth > 0:
            why.add(
                f"resold by {r.agent_id}, itself young, behind {r.reseller_young_ports} ports of young enterprises",
                f"由{r.agent_id}转售，其名下{r.reseller_young_ports}个端口租给新设企业",
            )
        if r.reported:
            why.add(*REPORTED)
        reasons.append(why)
    return attach(out, reasons)


def score_middles(m: pd.DataFrame) -> pd.DataFrame:
    """fraud_middle_number: calls strangers itself, bound minutes at a time to one or two cards, held by a
    young enterprise, victims' reports. A pooled number bound to many real numbers in turn (a delivery
    platform's: minutes each, calling the customer for the rider) is the platform's, not a card's."""
    calling = _logistic(m["callees"], CALLEES_FROM, 3)
    brief = np.where(m["avg_call_s"].notna(), (m["avg_call_s"] < 120).astype(float), 0.5)
    short = m["short_bindings"].to_numpy(float)
    youth = m["enterprise_youth"].to_numpy(float)
    own = np.where(m["pooled"], 0.3, 1.0)
    reported = m["reported"].to_numpy(float)
    score = noisy_or(0.45 * calling * brief * own, 0.3 * short * calling * own, 0.3 * youth, 0.6 * reported)
    out = pd.DataFrame({"role": "fraud_middle_number", "score": score, "entity_type": "middle_number"}, index=m.index)
    out["conduct_score"] = noisy_or(calling * brief * own, reported)  # its own calls and reports: its holder's evidence
    # A pooled number's calls are its platform's, made for whichever rider holds it: scaled down in the score,
    # and no kind of evidence of its own, so a ring sharing its community cannot corroborate it into a lead.
    own_calling = pd.Series(calling > 0.5, index=m.index) & ~m["pooled"].astype(bool)
    out["kinds"] = kinds(own_calling, m["enterprise_young"], m["reported"])
    reasons = []
    for r, c in zip(m.itertuples(), calling, strict=True):
        why = Reasons()
        if c > 0.5:
            why.add(
                f"called {r.callees} numbers itself"
                + (f", {r.avg_call_s:.0f} s per call" if pd.notna(r.avg_call_s) else ""),
                f"主动呼叫{r.callees}个号码",
            )
        if r.short_bindings and c > 0.5 and not r.pooled:
            why.add(
                f"its bindings lived {r.longest_minutes:.0f} minutes at most, to {r.reals} card(s)",
                f"绑定最长仅{r.longest_minutes:.0f}分钟，绑定{r.reals}个号码",
            )
        if r.enterprise_youth > 0:
            why.add(f"held by young enterprise {r.enterprise_id}", f"由新设企业{r.enterprise_id}持有")
        if r.reported:
            why.add(*REPORTED)
        reasons.append(why)
    return attach(out, reasons)


def score_enterprises(e: pd.DataFrame, ports: pd.DataFrame, middles: pd.DataFrame) -> pd.DataFrame:
    """shell_enterprise: young at its first lease, behind ports or middle numbers whose conduct is suspect (its
    own, or those it resold), fronted by someone fronting other young enterprises, or reselling ports to young
    enterprises. Youth and fronting are one kind of evidence (how it was registered), and the ports' scores it
    inherits are their conduct alone: an owner's two new shops are young and share a legal person, and their
    ports, scored partly for that, must not lend it back as conduct."""
    behind = (
        pd.concat(
            [
                ports[["enterprise_id"]].assign(score=ports["conduct_score"]),
                middles[["enterprise_id"]].assign(score=middles["conduct_score"]),
            ]
        )
        .groupby("enterprise_id")["score"]
        .max()
        .reindex(e.index)
        .fillna(0.0)
    )
    resold = ports.groupby("agent_id")["conduct_score"].max().reindex(e.index).fillna(0.0)
    youth, resale_youth = e["youth"].to_numpy(float), e["resale_youth"].to_numpy(float)
    fronts = (e["legal_fronts_young"] >= 2).to_numpy(float)
    reseller = (e["resold_young_ports"] >= RESELLER_FROM).to_numpy(float)
    score = noisy_or(
        behind.to_numpy() * (0.5 + 0.5 * youth),
        0.7 * resold.to_numpy() * resale_youth,
        0.3 * fronts * youth,
        0.4 * reseller * resale_youth,
    )
    out = pd.DataFrame({"role": "shell_enterprise", "score": score, "entity_type": "enterprise"}, index=e.index)
    registered = e["young"].astype(bool) | pd.Series(fronts > 0, index=e.index)
    conduct = (behind > 0.5) | ((resold > 0.5) & (e["resale_youth"] > 0))
    out["kinds"] = kinds(conduct, registered)
    reasons = []
    for r, b, sold in zip(e.itertuples(), behind, resold, strict=True):
        why = Reasons()
        if r.youth > 0:
            why.add(
                f"registered {day(r.registered_at)}, {r.age_at_use / DAY:.0f} days before its first port or binding",
                f"{day(r.registered_at)}成立，{r.age_at_use / DAY:.0f}天后即租用端口或中间号",
            )
        if r.young and r.legal_fronts_young >= 2:
            why.add(
                f"its legal person {r.legal_person_id} fronts {r.legal_fronts_young} young enterprises",
                f"其法定代表人{r.legal_person_id}名下有{r.legal_fronts_young}家新设企业",
            )
        if b > 0.5:
            why.add(f"behind a suspected port or middle number (score {b:.2f})", f"名下端口或中间号涉嫌诈骗（{b:.2f}）")
        if sold > 0.5 and r.resale_youth > 0:
            why.add(f"resold a suspected port (score {sold:.2f})", f"转售的端口涉嫌诈骗（{sold:.2f}）")
        if r.resold_young_ports >= RESELLER_FROM and r.resale_youth > 0:
            why.add(
                f"resold {r.resold_young_ports} ports to young enterprises",
                f"向新设企业转售{r.resold_young_ports}个端口",
            )
        reasons.append(why)
    return attach(out, reasons)


def fronting_persons(e: pd.DataFrame, enterprises_scored: pd.DataFrame) -> pd.DataFrame:
    """Persons fronting two or more young enterprises: card farmers of the corporate kind (a reason and a score
    for the person, to be joined with what their cards and accounts say). Fronting alone stays below the
    line, and no kind of evidence until one of the enterprises is suspect for its conduct (a shell score of
    0.5 or more): an ordinary owner of two new shops fronts two young enterprises too."""
    young = e[e["young"]].copy()
    young["shell_score"] = enterprises_scored["score"].reindex(young.index).fillna(0.0)
    g = young.groupby("legal_person_id").agg(fronts=("young", "size"), shell=("shell_score", "max"))
    g = g[g["fronts"] >= 2]
    out = pd.DataFrame(
        {
            "role": "card_farmer",
            "score": noisy_or(0.15 + 0.1 * (g["fronts"] >= 3).to_numpy(float), 0.6 * g["shell"].to_numpy()),
            "entity_type": "person",
            "kinds": (g["shell"] >= 0.5).to_numpy(int),
        },
        index=g.index,
    )
    out["reasons_en"] = [
        f"legal person of {n} young enterprises that lease ports or middle numbers" for n in g["fronts"]
    ]
    out["reasons_zh"] = [f"担任{n}家租用端口或中间号的新设企业的法定代表人" for n in g["fronts"]]
    return out


def suspicions(r: Resources) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every port, middle number and enterprise with a score, role and reasons, by id (as score.py scores the
    other types); and the persons fronting young enterprises, with the score and reason that adds to theirs."""
    enterprises = enterprise_signals(r)
    ports = port_signals(r, enterprises)
    middles = middle_signals(r, enterprises)
    port_scores, middle_scores = score_ports(ports), score_middles(middles)
    ports["conduct_score"] = port_scores.pop("conduct_score")
    middles["conduct_score"] = middle_scores.pop("conduct_score")
    firms = score_enterprises(enterprises, ports, middles)
    return pd.concat([port_scores, middle_scores, firms]), fronting_persons(enterprises, firms)


def fronted(people: pd.DataFrame, fronts: pd.DataFrame) -> pd.DataFrame:
    """Persons' scores (score.persons, by id) with fronting young enterprises added (one more kind of their own
    evidence where a fronted enterprise is suspect for its conduct): scores combined by noisy-OR, the reason added, card_farmer where fronting is the stronger; a
    fronting person with no cards or accounts scored joins the table."""
    if fronts.empty:
        return people
    both = fronts.index.intersection(people.index)
    out = pd.concat([people, fronts.loc[fronts.index.difference(people.index)]])
    if len(both):
        was, add = people.loc[both], fronts.loc[both]
        out.loc[both, "score"] = noisy_or(was["score"].to_numpy(), add["score"].to_numpy())
        out.loc[both, "role"] = was["role"].where(was["score"] >= add["score"], add["role"])
        out.loc[both, "kinds"] = was["kinds"] + add["kinds"]
        out.loc[both, "reasons_en"] = [
            "; ".join(x for x in pair if x) for pair in zip(was["reasons_en"], add["reasons_en"], strict=True)
        ]
        out.loc[both, "reasons_zh"] = [
            "；".join(x for x in pair if x) for pair in zip(was["reasons_zh"], add["reasons_zh"], strict=True)
        ]
    return out
