"""Ports, middle numbers, shell enterprises and their fronts: scored apart from their look-alikes, with reasons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from resource_files import from_extract

from duanka.detect import signals
from duanka.detect.ranking import ENTITY_COLUMNS, rank_entities
from duanka.detect.resources import Resources, fronted, suspicions
from duanka.generate import generate
from duanka.params import DetectParams

PORTS = Path(__file__).parent / "fixtures" / "foreign" / "sms-ports"


def _scored(r: Resources) -> pd.DataFrame:
    """Every resource and fronting person scored, keyed `type:id` as detection keys its entities."""
    held, fronts = suspicions(r)
    out = pd.concat([held, fronts])
    out["entity_id"] = out.index.astype(str)
    out.index = out["entity_type"] + ":" + out["entity_id"]
    return out


def _truth(folder: Path) -> pd.DataFrame:
    truth = pd.read_csv(folder / "truth.csv", dtype=str)
    return truth.assign(key=truth["entity_type"] + ":" + truth["entity_id"])


def test_the_foreign_ring_s_resources_stand_above_the_bank_s_and_the_platform_s() -> None:
    scored = _scored(from_extract(PORTS))
    truth = _truth(PORTS)
    for role in ("fraud_port", "fraud_middle_number", "shell_enterprise"):
        ring = scored.loc[truth.loc[truth.role == role, "key"]]
        assert (ring["role"] == role).all() and (ring["score"] >= 0.5).all(), (role, ring["score"].min())
    honest = [f"port:{p}" for p in ("106900001111", "106900002222", "106900003333")]
    honest += ["enterprise:E-BANK", "enterprise:E-COURIER", "enterprise:E-SCHOOL", "enterprise:E-PLATFORM"]
    assert (scored.loc[honest, "score"] < 0.5).all(), scored.loc[honest, "score"]
    platform = scored[(scored.entity_type == "middle_number") & ~scored.index.isin(truth["key"])]
    assert len(platform) >= 100 and (platform["score"] < 0.5).all()  # the raw file: its bad row too
    fronts = scored[scored.entity_type == "person"]
    assert set(fronts["entity_id"]) == {"F0", "F1", "F2", "F3"} and (fronts["role"] == "card_farmer").all()


def test_reasons_say_what_was_seen() -> None:
    scored = _scored(from_extract(PORTS))
    truth = _truth(PORTS)
    port = scored.loc[truth.loc[truth.role == "fraud_port", "key"].iloc[0]]
    assert "texted 30 numbers" in port["reasons_en"] and "days old at the port's opening" in port["reasons_en"]
    assert "fronts 2 young enterprises" in port["reasons_en"] and port["reasons_zh"]
    middle = scored.loc[truth.loc[truth.role == "fraud_middle_number", "key"].iloc[0]]
    assert "called 10 numbers itself" in middle["reasons_en"] and "12 minutes at most" in middle["reasons_en"]
    assert "legal person of 2 young enterprises" in scored.loc["person:F0", "reasons_en"]


@pytest.mark.parametrize("difficulty", ["hard", "adversarial"])
def test_no_look_alike_reaches_the_lead_line_on_a_generated_world(tmp_path: Path, difficulty: str) -> None:
    generate(tmp_path, "demo", persons=3000, seed=9, difficulty=difficulty, ports=True)
    scored = _scored(from_extract(tmp_path))
    negatives = pd.read_csv(tmp_path / "hard_negatives.csv", dtype=str)
    looks = negatives["entity_type"] + ":" + negatives["entity_id"]
    assert not scored.index[scored["score"] >= 0.5].isin(looks).any()
    truth = _truth(tmp_path)
    ports = truth.loc[truth.role == "fraud_port", "key"]
    assert (scored.loc[ports, "score"] >= 0.5).mean() >= 0.8


def test_ports_middle_numbers_and_credit_codes_are_masked_by_their_shape() -> None:
    from duanka.export.mask import mask_id

    assert mask_id("17012345678", "middle_number") == "170****5678"  # a mobile middle number, as a phone
    for value, kind in (("1069012345678", "port"), ("95012345", "middle_number"), ("91350100M000100Y43", "enterprise")):
        masked = mask_id(value, kind)  # an individual business's credit code names its owner
        shown = sum(c != "*" for c in masked)
        assert masked != value and "*" in masked and shown <= max(4, len(value) // 2), (value, masked)


def _facts(r: Resources) -> signals.Facts:
    tables = {t: getattr(r, t) for t in ("enterprises", "ports", "texts", "bindings", "holdings", "middle_calls")}
    return signals.Facts(**tables, named=pd.DataFrame({"number": sorted(r.reported)}))


def test_a_run_s_entity_table_holds_ports_middle_numbers_enterprises_and_their_fronts() -> None:
    facts = _facts(from_extract(PORTS))
    entities, _ = rank_entities(facts, pd.Series(dtype=float), DetectParams())
    assert list(entities.columns[: len(ENTITY_COLUMNS)]) == list(ENTITY_COLUMNS)
    truth = _truth(PORTS)
    for role in ("fraud_port", "fraud_middle_number", "shell_enterprise"):
        ring = entities.loc[truth.loc[truth.role == role, "key"]]
        assert (ring["role"] == role).all() and ring["reported"].any() | (role == "shell_enterprise"), role
        assert (ring["own_score"] >= 0.5).all() and ring["reasons_zh"].str.len().gt(0).all(), role
    assert "legal person of 2 young enterprises" in entities.loc["person:F0", "reasons_en"]
    bank = entities.loc["port:106900001111"]
    assert bank["score"] < 0.35 and not bank["lead"] and "texted" not in bank["reasons_en"]


def test_fronting_adds_to_a_person_s_own_evidence() -> None:
    people = pd.DataFrame(
        {
            "role": "number_dealer",
            "score": 0.4,
            "entity_type": "person",
            "kinds": 1,
            "reasons_en": "own device",
            "reasons_zh": "本人设备",
        },
        index=pd.Index(["F0", "P1"]),
    )
    fronts = pd.DataFrame(
        {
            "role": "card_farmer",
            "score": 0.6,
            "entity_type": "person",
            "kinds": 1,
            "reasons_en": "legal person",
            "reasons_zh": "法定代表人",
        },
        index=pd.Index(["F0", "F9"]),
    )
    out = fronted(people, fronts)
    assert out.loc["F0", "score"] == pytest.approx(1 - 0.6 * 0.4) and out.loc["F0", "kinds"] == 2
    assert out.loc["F0", "role"] == "card_farmer" and out.loc["F0", "reasons_en"] == "own device; legal person"
    assert out.loc["P1", "score"] == 0.4 and out.loc["F9", "reasons_zh"] == "法定代表人" and len(out) == 3
