"""Detection in depth, without the database: corroboration, device roles, calibration, budgets, metrics, worlds."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from duanka.detect import calibrate, score, signals
from duanka.detect import evaluate as ev
from duanka.detect.model import MODEL
from duanka.detect.ranking import corroborated
from duanka.export.run import within_budget
from duanka.generate import generate
from duanka.generate.views import operator_view


def devices(**counts: int) -> pd.DataFrame:
    row = {c: 0 for c in ("sims", "holders", "sims_at_once", "holders_at_once", "early_touches", "account_setups")}
    row |= {"controlled_accounts": 0, "controlled_holders": 0, "brief_share": 0.0, "first_seen": 0, "last_seen": 0}
    row |= {"in_turn": False, "suspects_worked": 0, "holders_unknown": False}
    return pd.DataFrame([row | counts], index=["D1"])


def test_a_handset_takes_the_role_of_whoever_works_from_it() -> None:
    dealer = score.devices(devices(controlled_holders=6, controlled_accounts=14))
    collector = score.devices(devices(early_touches=9, account_setups=4))
    box = score.devices(devices(sims_at_once=24, holders_at_once=7, sims=40, holders=9))
    assert (dealer["role"].iloc[0], collector["role"].iloc[0], box["role"].iloc[0]) == (
        "number_dealer",
        "card_collector",
        "device_farm",
    )
    assert "worked 14 accounts of 6 other holders" in dealer["reasons_en"].iloc[0]
    assert min(dealer["score"].iloc[0], collector["score"].iloc[0], box["score"].iloc[0]) > MODEL.min_score
    assert score.devices(devices(controlled_holders=1))["score"].iloc[0] < MODEL.min_score  # a relative's phone


def scored(rows: list[tuple[str, float, int, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["key", "score", "kinds", "community"]).set_index("key")
    return frame.assign(decision=None)


def test_one_kind_of_evidence_alone_is_never_a_lead() -> None:
    """A relative's phone (one kind, nothing suspicious around it) is capped below the lead threshold;
    the same one kind beside a farmer with two kinds is corroborated and keeps its score."""
    frame = scored(
        [
            ("device:relative", 0.62, 1, 1.0),
            ("account:parent", 0.1, 0, 1.0),
            ("device:dealer", 0.62, 1, 2.0),
            ("person:farmer", 0.8, 2, 2.0),
            ("sim:courier", 0.55, 1, np.nan),  # calls are not in the community graph: no cluster at all
        ]
    )
    frame = corroborated(frame, MODEL.min_score)
    assert frame.at["device:relative", "score"] == MODEL.alone_cap < MODEL.min_score
    assert frame.at["sim:courier", "score"] == MODEL.alone_cap
    assert frame.at["device:dealer", "score"] == 0.62 and frame.at["person:farmer", "score"] == 0.8
    assert frame["corroborated"].tolist() == [False, False, True, True, False]


def test_a_confirmed_entity_needs_no_corroboration() -> None:
    frame = scored([("sim:x", 0.5, 1, np.nan)])
    frame["decision"] = "confirmed"
    frame = corroborated(frame, MODEL.min_score)
    assert frame.at["sim:x", "score"] == 0.5


def test_calibration_maps_scores_to_the_precision_they_had(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    raw = rng.random(20_000)
    right = rng.random(20_000) < raw**2  # a rule score that overstates: precision is its square
    fitted = calibrate.fit(raw, right, "test", version="test-1")
    assert np.all(np.diff(fitted.precision) >= 0)
    assert abs(fitted(np.array([0.9]))[0] - 0.81) < 0.05 and abs(fitted(np.array([0.5]))[0] - 0.25) < 0.05
    before = ev.calibration_error(list(raw), list(right))
    after = ev.calibration_error(list(fitted(raw)), list(right))
    assert before is not None and after is not None and after < 0.02 < before
    fitted.save(tmp_path)
    assert calibrate.load("test-1", tmp_path) == fitted and calibrate.load("other", tmp_path) is None


def test_a_calibration_is_no_cliff_and_keeps_the_leads_in_order() -> None:
    """Worlds whose leads were all right above a rule score and all wrong below (every flagged one right):
    the map rises through the gap instead of jumping from the lower precision to the highest, and within
    the leads a higher rule score never maps lower."""
    raw = np.r_[np.linspace(0.0, 0.24, 900), np.linspace(0.3, 1.0, 300)]
    right = np.r_[np.zeros(900), np.ones(300)]
    fitted = calibrate.fit(raw, right, "test")
    gap = fitted(np.array([0.24, 0.27, 0.3]))
    assert gap[0] < gap[1] < gap[2] and 0.2 < gap[1] < 0.8
    leads = fitted(np.linspace(0.3, 1.0, 50))
    assert np.all(np.diff(leads) >= 0) and leads[0] < leads[-1] <= MODEL.most_certain


def test_a_budget_keeps_the_best_leads_and_says_what_lies_below() -> None:
    leads = pd.DataFrame({"rank": range(1, 8), "cluster_id": ["A", "A", "B", None, "C", "C", "D"]})
    clusters = pd.DataFrame({"cluster_id": ["A", "B", "C", "D"]})
    kept, held, cut = within_budget(leads, clusters, 4)
    assert kept["rank"].tolist() == [1, 2, 3, 4] and held["cluster_id"].tolist() == ["A", "B"]
    assert cut == {"budget": 4, "leads_below": 3, "clusters_below": 2}
    assert within_budget(leads, clusters, 10)[2] == {} and within_budget(leads, clusters, None)[2] == {}


def test_metrics_at_depth_and_per_role() -> None:
    truth = ev.Truth(
        roles={
            "person:f1": "card_farmer",
            "person:f2": "card_farmer",
            "device:d": "number_dealer",
            "sim:s": "fraud_sim",
        },
        rings={"person:f1": "R1", "person:f2": "R1", "device:d": "R1", "sim:s": "R1"},
        negatives={"sim:n"},
    )
    ranked = ["person:f1", "sim:n", "device:d", "person:f2", "sim:s", "sim:x"]
    given = {"person:f1": "card_farmer", "device:d": "device_farm", "person:f2": "card_collector"}
    scores = dict.fromkeys(ranked, 0.75)
    m = ev.score_ranking("t", ranked, truth, flagged=4, roles=given, scores=scores)
    assert m["p@R"] == 0.75 and m["recall"] == 0.75 and m["list/R"] == 1.0
    assert m["ece"] == 0.0  # 3 of 4 listed are planted, each scored 0.75
    table = ev.by_role(ranked, 4, given, truth).set_index("planted")
    assert table.at["card_farmer", "recall"] == 1.0 and table.at["card_farmer", "accuracy"] == 0.5
    assert table.at["number_dealer", "device_farm"] == 1 and table.at["fraud_sim", "missed"] == 1


@pytest.mark.slow
def test_adversarial_rings_avoid_the_strongest_single_signals(tmp_path: Path) -> None:
    """Openings spread over weeks; a SIM box never holds two farmers' cards at once; handsets are in the truth."""
    generate(tmp_path, "demo", persons=4_000, seed=3, difficulty="adversarial")
    truth = pd.read_csv(tmp_path / "truth.csv", dtype=str)
    sims = pd.read_csv(tmp_path / "sims.csv", dtype=str)
    links = pd.read_csv(tmp_path / "sim_device_links.csv", dtype=str)
    assert {"number_dealer", "card_collector", "device_farm"} <= set(
        truth.loc[truth["entity_type"] == "device", "role"]
    )
    farmers = set(truth.loc[truth["role"] == "card_farmer", "entity_id"])
    opened = sims[sims["holder_person_id"].isin(farmers)].assign(t=lambda d: pd.to_datetime(d["activated_at"]))
    most_in_a_week = opened.groupby("holder_person_id")["t"].apply(
        lambda t: max(((t >= s) & (t < s + pd.Timedelta(days=7))).sum() for s in t)
    )
    assert most_in_a_week.quantile(0.9) <= 2
    boxes = set(truth.loc[truth["role"] == "device_farm", "entity_id"])
    held = links[links["device_id"].isin(boxes)].merge(sims[["msisdn", "holder_person_id"]], on="msisdn")
    held = held.assign(first=pd.to_datetime(held["first_seen"]), last=pd.to_datetime(held["last_seen"]))
    for _, box in held.groupby("device_id"):
        spans = box.groupby("holder_person_id").agg(first=("first", "min"), last=("last", "max")).sort_values("first")
        assert (spans["first"].iloc[1:].to_numpy() >= spans["last"].iloc[:-1].to_numpy()).all()
    negatives = pd.read_csv(tmp_path / "hard_negatives.csv", dtype=str)
    assert {"relative_managing_accounts", "cold_caller", "call_centre", "sms_gateway", "heavy_card_holder"} <= set(
        negatives["typology"]
    )


def targets(groups: dict[str, Iterable[int]]) -> pd.DataFrame:
    """Callers and the numbers they called: caller name -> range of callee numbers."""
    rows = [(caller, f"1{n:010d}") for caller, callees in groups.items() for n in callees]
    return pd.DataFrame(rows, columns=["caller", "callee"])


def test_numbers_working_one_list_share_targets_beyond_chance() -> None:
    """Five ring cards drawing from one list of 60 share targets; couriers on their own rounds do not,
    and a hotline every busy number called ties nobody together."""
    rng = np.random.default_rng(0)
    ring = {f"ring{i}": [int(n) for n in rng.choice(60, 30, replace=False)] for i in range(5)}
    rounds = {f"courier{i}": range(1_000 + 500 * i, 1_040 + 500 * i) for i in range(4)}
    frame = pd.concat(
        [
            targets(ring),
            targets(rounds),
            targets({c: range(99_999, 100_000) for c in [*ring, *rounds]}),  # everyone called the hotline once
            targets({f"busy{i}": range(10_000 * i, 10_000 * i + 40) for i in range(1, 60)}),  # the rest of town
        ],
        ignore_index=True,
    )
    co = signals.co_callers(frame)
    assert all(co.get(c, 0) == 4 for c in ring) and all(co.get(c, 0) == 0 for c in rounds)
    assert signals.co_callers(frame[frame["caller"].isin([*rounds, "busy1"])]).empty


def sims_row(**values: object) -> pd.DataFrame:
    row = {"farm_holders": 0, "farm_device": None, "farm_in_turn": False, "farm_holders_unknown": False}
    row |= {"callees": 0, "avg_call_s": 0.0}
    row |= {"voice_calls": 0, "age_at_calls": np.nan, "callers_in": 0, "co_callers": 0, "reported": False}
    return pd.DataFrame([row | {"holder": None} | values], index=["S1"])


def test_a_shared_list_nobody_calls_back_is_a_second_kind_of_evidence() -> None:
    """A new box card calling a bought list (never called back) has two kinds of evidence. A call-centre
    clerk works a shared list of prospects too, but family and clients call back, or the number is years
    old; a courier calls their own round; an SMS gateway texts: one kind or none."""
    year = 365 * 86_400
    card = score.sims(sims_row(callees=40, voice_calls=60, avg_call_s=30.0, co_callers=12, age_at_calls=40 * 86_400))
    clerk = score.sims(sims_row(callees=70, voice_calls=90, avg_call_s=60.0, co_callers=15, callers_in=6))
    old_clerk = score.sims(sims_row(callees=70, voice_calls=90, avg_call_s=60.0, co_callers=15, age_at_calls=3 * year))
    courier = score.sims(sims_row(callees=110, voice_calls=150, avg_call_s=45.0, callers_in=5))
    gateway = score.sims(sims_row(callees=600, co_callers=8))
    assert card["kinds"].iloc[0] == 2
    assert clerk["kinds"].iloc[0] == old_clerk["kinds"].iloc[0] == courier["kinds"].iloc[0] == 1
    assert gateway["kinds"].iloc[0] == 0
    assert "shares its targets with 12 other numbers" in card["reasons_en"].iloc[0]
    assert card["score"].iloc[0] > max(clerk["score"].iloc[0], old_clerk["score"].iloc[0])


def test_an_operator_sees_numbers_handsets_and_calls(tmp_path: Path) -> None:
    """The operator's view keeps no bank data; without holders, no real-name record is left."""
    generate(tmp_path / "world", "demo", persons=1_500, seed=2)
    view = operator_view(tmp_path / "world", tmp_path / "numbers", holders=False)
    assert {p.stem for p in view.glob("*.csv")} >= {"sims", "calls", "sim_device_links", "truth"}
    assert not list(view.glob("bank_accounts.*")) and not list(view.glob("transfers.*"))
    assert pd.read_csv(view / "persons.csv").empty
    assert pd.read_csv(view / "sims.csv", dtype=str)["holder_person_id"].isna().all()


def test_the_numbers_question_counts_numbers_only() -> None:
    truth = ev.Truth({"sim:1": "fraud_sim", "sim:2": "fraud_sim", "person:P": "card_farmer"}, {}, set())
    ranked = ["person:P", "sim:1", "sim:3", "sim:2", "sim:4"]
    out = ev.among_numbers("x", ranked, 3, truth, numbers=40)
    assert out["p@R"] == 0.5 and out["recall"] == 0.5
    assert out["flagged share"] == 2 / 40 and out["fraud share"] == 2 / 40


def test_a_phone_working_suspected_farmers_accounts_is_a_dealers() -> None:
    """Two farmers' accounts on one cheap phone: below the dealer curve alone, a dealer's handset once the
    farmers are suspected; a relative's phone working two parents' accounts stays below the line."""
    cheap = score.devices(devices(controlled_holders=2, controlled_accounts=4, suspects_worked=2))
    relative = score.devices(devices(controlled_holders=2, controlled_accounts=3))
    assert cheap.at["D1", "role"] == "number_dealer" and cheap.at["D1", "score"] > MODEL.min_score
    assert "accounts of 2 holders who are themselves suspected" in cheap.at["D1", "reasons_en"]
    assert relative.at["D1", "score"] < MODEL.min_score and relative.at["D1", "kinds"] == 0


def test_a_calibration_never_claims_certainty() -> None:
    """Worlds where every lead was right still map to at most `most_certain`; a step of three right
    entities is smoothed to 4 in 5, not 1."""
    everything_right = calibrate.fit(np.linspace(0.4, 1.0, 500), np.ones(500), "test")
    assert max(everything_right.precision) == MODEL.most_certain < 1.0
    few = calibrate.fit(np.r_[np.linspace(0.0, 0.2, 50), [0.9, 0.95, 1.0]], np.r_[np.zeros(50), np.ones(3)], "test")
    assert few(np.array([0.95]))[0] == pytest.approx(4 / 5)
