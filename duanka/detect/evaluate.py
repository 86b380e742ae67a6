"""Measure a ranking against a scenario's truth, and the simple baselines beside it.

A ranking is a list of "type:id" keys, best first, with an optional predicted
role per key. Baselines are the single rules an analyst would try first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd

from duanka.detect.model import MODEL
from duanka.detect.signals import Facts
from duanka.identifiers import normalise_msisdn
from duanka.ingest.read import detect_encoding, header
from duanka.settings import Settings

KS = (10, 50, 100, 500)
CONTACTS = "baseline: distinct numbers called"  # the best single-count rule for numbers, the operator's yardstick


@dataclass(frozen=True)
class Truth:
    roles: dict[str, str]  # "type:id" -> role, ring members only ("" where the source names no role)
    rings: dict[str, str]  # "type:id" -> ring id (each member its own ring where the source names none)
    negatives: set[str]  # "type:id" of hard negatives, or of entities a case team dismissed
    left_out: dict[str, str] = field(default_factory=dict)  # figure -> why this truth cannot give it
    complete: bool = False  # names every member (a planted world's truth): everyone else is not one

    @classmethod
    def read(cls, truth_csv: Path, negatives_csv: Path | None = None, resolve: Resolver | None = None) -> Truth:
        """Planted roles and rings from truth.csv, hard negatives beside it when present; or, from a case
        team's outcomes file (duanka/outcomes/read.py), confirmed entities as members and dismissed ones
        as negatives. `resolve` turns the outcomes' bare ids and lead refs into "type:id" (a database
        lookup); without it only `type:id` entities count. What the file cannot tell is in `left_out`."""
        path = truth_csv
        if path.suffix.lower() == ".csv" and {"entity_type", "entity_id", "role"} <= set(
            header(path, detect_encoding(path))
        ):
            return cls._planted(path, negatives_csv or path.with_name("hard_negatives.csv"))
        return cls._outcomes(path, resolve)

    @classmethod
    def _planted(cls, truth_csv: Path, negatives_csv: Path) -> Truth:
        truth = pd.read_csv(truth_csv, dtype=str, keep_default_na=False, encoding=detect_encoding(truth_csv))
        truth = truth[truth["role"] != "benign"]
        numbers = normalise_msisdn(truth["entity_id"].astype("string"))  # none for a pseudonymised token: kept as is
        ids = truth["entity_id"].where(truth["entity_type"] != "sim", numbers.fillna(truth["entity_id"]))
        keys = truth["entity_type"] + ":" + ids
        left_out: dict[str, str] = {}
        negatives: set[str] = set()
        if negatives_csv.exists():
            neg = pd.read_csv(negatives_csv, dtype=str, keep_default_na=False)
            negatives = set(neg["entity_type"] + ":" + neg["entity_id"])
        else:
            left_out["hn_fp@500"] = f"no {negatives_csv.name} beside the truth (only a generated world has one)"
        ring_ids = truth["ring_id"] if "ring_id" in truth else pd.Series("", index=truth.index)
        if (ring_ids == "").all():
            left_out["rings_found"] = "the truth names no ring per member: each member counts as its own ring"
        rings = dict(zip(keys, ring_ids.where(ring_ids != "", keys), strict=False))
        return cls(dict(zip(keys, truth["role"], strict=False)), rings, negatives, left_out, complete=True)

    @classmethod
    def _outcomes(cls, path: Path, resolve: Resolver | None) -> Truth:
        from duanka.outcomes.read import read

        rows = read(path).rows
        rows = rows[rows["outcome"].isin(["confirmed", "dismissed"])]
        typed = rows["entity"].str.extract(r"^(?P<kind>person|sim|account|device):(?P<id>.+)$")
        keys = (typed["kind"] + ":" + typed["id"]).where(typed["kind"].notna())
        if resolve is not None:
            found = resolve(rows["entity"])
            keys = keys.fillna(found)
        unnamed = int(keys.isna().sum())
        keys = keys.dropna()
        members = sorted(set(keys[rows.loc[keys.index, "outcome"] == "confirmed"]))
        dismissed = set(keys[rows.loc[keys.index, "outcome"] == "dismissed"]) - set(members)
        left_out = {
            "role_accuracy": "an outcomes file says confirmed or dismissed, not which role",
            "rings_found": "an outcomes file names no rings: each confirmed entity counts as its own ring",
            "hn_fp@500": "stands for the share of dismissed entities in the top 500 (no hard negatives)",
            "p@k": "a lower bound: entities nobody decided on count as wrong",
        }
        if unnamed:
            left_out["unmatched"] = f"{unnamed} confirmed or dismissed rows name no entity known here"
        return cls({k: "" for k in members}, {k: k for k in members}, dismissed, left_out)


Resolver = Callable[[pd.Series], pd.Series]  # entity references -> "type:id" (None where none)


def score_ranking(
    name: str,
    ranked: list[str],
    truth: Truth,
    flagged: int | None = None,
    roles: dict[str, str] | None = None,
    scores: dict[str, float] | None = None,
) -> dict[str, object]:
    """How a ranking (best first; its first `flagged` are the lead list) does against the planted truth.

    precision at 10…500 and at R (R = planted entities), recall of planted members in the list, the
    list's length as a multiple of R, rings with a member in the top 100, role accuracy on the top-100
    hits, the share of hard negatives in the top 500, and (with scores) the calibration error of the list.
    """
    flagged = len(ranked) if flagged is None else flagged
    out: dict[str, object] = {"method": name}
    for k in KS:
        out[f"p@{k}"] = round(sum(key in truth.roles for key in ranked[:k]) / k, 3)
    members = len(truth.roles)
    out["p@R"] = round(sum(key in truth.roles for key in ranked[:members]) / members, 3) if members else 0.0
    out["recall"] = round(len(set(ranked[:flagged]) & truth.roles.keys()) / members, 3) if members else 0.0
    out["list/R"] = round(flagged / members, 2) if members else None
    rings = set(truth.rings.values())
    found = {truth.rings[k] for k in ranked[:100] if k in truth.rings}
    out["rings_found"] = round(len(found) / len(rings), 3) if rings else 0.0
    hits = [k for k in ranked[:100] if k in truth.roles]
    out["role_accuracy"] = (
        round(sum(roles.get(k) == truth.roles[k] for k in hits) / len(hits), 3)
        if roles and hits and "role_accuracy" not in truth.left_out
        else None
    )
    known = truth.negatives or "hn_fp@500" not in truth.left_out
    out["hn_fp@500"] = round(sum(k in truth.negatives for k in ranked[:500]) / 500, 4) if known else None
    listed = ranked[:flagged]
    out["ece"] = calibration_error([scores[k] for k in listed], [k in truth.roles for k in listed]) if scores else None
    out["flagged"] = flagged
    return out


def calibration_error(scores: list[float], right: list[bool], bands: int = 10) -> float | None:
    """Expected calibration error: per score band, |mean score − share right|, weighted by the band's size."""
    if not scores:
        return None
    s, y = np.asarray(scores, dtype=float), np.asarray(right, dtype=float)
    band = np.minimum((s * bands).astype(int), bands - 1)
    gaps = [abs(s[band == b].mean() - y[band == b].mean()) * (band == b).sum() for b in np.unique(band)]
    return round(float(sum(gaps) / len(s)), 4)


def reliability(scores: list[float], right: list[bool], bands: int = 10) -> pd.DataFrame:
    """Per score band: how many leads, their mean score and the share that are planted (a reliability table)."""
    frame = pd.DataFrame({"score": scores, "right": right})
    frame["band"] = np.minimum((frame["score"] * bands).astype(int), bands - 1) / bands
    out = frame.groupby("band").agg(leads=("score", "size"), mean_score=("score", "mean"), precision=("right", "mean"))
    return out.round(3).reset_index()


def by_role(ranked: list[str], flagged: int, roles: dict[str, str], truth: Truth) -> pd.DataFrame:
    """Per planted role: recall in the lead list, accuracy of the role given, and what it was called instead.

    Rows are the planted roles; `missed` counts members not in the list; the other columns count
    the roles the found members were given (the confusion matrix).
    """
    listed = set(ranked[:flagged])
    rows = []
    for key, planted in truth.roles.items():
        rows.append({"planted": planted, "given": roles.get(key, "unknown") if key in listed else "missed"})
    frame = pd.DataFrame(rows, columns=["planted", "given"])
    matrix = pd.crosstab(frame["planted"], frame["given"])
    total = matrix.sum(axis=1)
    found = total - matrix.get("missed", 0)
    right = pd.Series({role: matrix.at[role, role] if role in matrix.columns else 0 for role in matrix.index})
    matrix.insert(0, "accuracy", (right / found.where(found > 0)).round(3))
    matrix.insert(0, "recall", (found / total).round(3))
    matrix.insert(0, "planted_n", total)
    return matrix.reset_index()


def cards_per_identity(f: Facts) -> tuple[list[str], int]:
    """Rank identities by cards and accounts in their name; flag those at the operators' 5-card line."""
    sims = f.sims.dropna(subset=["holder"]).groupby("holder").size()
    accts = f.accounts.dropna(subset=["holder"]).groupby("holder").size()
    total = sims.add(accts, fill_value=0).sort_values(ascending=False, kind="stable")
    return ["person:" + str(p) for p in total.index], int((sims.reindex(total.index).fillna(0) >= 5).sum())


def sims_per_device(f: Facts) -> tuple[list[str], int]:
    """Rank devices by distinct SIMs seen; flag those with 8 or more (the smallest SIM boxes)."""
    per = f.seen.groupby("device")["msisdn"].nunique().sort_values(ascending=False, kind="stable")
    return ["device:" + str(d) for d in per.index], int((per >= 8).sum())


def distinct_contacts(f: Facts) -> tuple[list[str], int]:
    """Rank numbers by how many distinct numbers they called; flag those from the count a reason cites."""
    per = f.sims.set_index("msisdn")["callees"].fillna(0).sort_values(ascending=False, kind="stable")
    return ["sim:" + str(m) for m in per.index], int((per >= MODEL.callees.quoted_from).sum())


def among_numbers(name: str, ranked: list[str], flagged: int, truth: Truth, numbers: int) -> dict[str, object]:
    """An operator's question: how the ranking does on the numbers alone.

    Precision of fraud numbers in the first 100 numbers and at R (R = planted fraud numbers), their recall
    in the list, and the share of all numbers on record the list flags beside the share that are fraud.
    """
    fraud = {k for k, role in truth.roles.items() if role == "fraud_sim"}
    sims = [k for k in ranked if k.startswith("sim:")]
    listed = [k for k in ranked[:flagged] if k.startswith("sim:")]
    r = len(fraud)
    return {
        "method": name,
        "p@100": round(sum(k in fraud for k in sims[:100]) / 100, 3),
        "p@R": round(sum(k in fraud for k in sims[:r]) / r, 3) if r else 0.0,
        "recall": round(len(fraud.intersection(listed)) / r, 3) if r else 0.0,
        "flagged share": round(len(listed) / numbers, 4) if numbers else 0.0,
        "fraud share": round(r / numbers, 4) if numbers else 0.0,
    }


def shared_identifier_components(
    keys: np.ndarray, sources: np.ndarray, targets: np.ndarray, min_size: int = 12
) -> tuple[list[str], int]:
    """Connected components over shared holders, devices and bound numbers, largest first."""
    g = ig.Graph(n=len(keys), edges=np.column_stack([sources, targets]).tolist())
    membership = np.asarray(g.connected_components().membership)
    sizes = np.bincount(membership)[membership]
    degree = np.asarray(g.degree())
    order = np.lexsort((-degree, membership, -sizes))
    return [str(keys[i]) for i in order], int((sizes >= min_size).sum())


def baseline_rankings(settings: Settings) -> tuple[dict[str, tuple[list[str], int]], int]:
    """The four single rules' rankings and flagged counts, from the database; and the numbers on record."""
    from duanka.detect.reading import read_graph

    projection, facts = read_graph(settings)
    rules = {
        "baseline: cards per identity": cards_per_identity(facts),
        "baseline: SIMs per device": sims_per_device(facts),
        CONTACTS: distinct_contacts(facts),
        "baseline: shared-identifier components": shared_identifier_components(
            projection.keys, projection.sources, projection.targets
        ),
    }
    return rules, len(facts.sims)


def markdown(frame: pd.DataFrame) -> str:
    """A frame as a markdown table, for docs/evaluation.md."""
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join("" if pd.isna(v) else str(v) for v in r) + " |" for r in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows])
