"""Ports, middle numbers, shell enterprises and their fronts: scored apart from their look-alikes, with reasons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from resource_files import from_extract

from duanka.detect import signals
from duanka.detect.model import MODEL
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


DAY = 86_400
NOW = 1_790_000_000.0


def _world(
    enterprises: Sequence[tuple[str, float, str]],
    ports: Sequence[tuple[str, str, str, float]],
    texts: Sequence[tuple[str, int, int, float, float, float]],
    bindings: Sequence[tuple[str, str, str, float, float]] = (),
    middle_calls: Sequence[tuple[str, int]] = (),
) -> Resources:
    """A small world: enterprises (id, days old now, legal person), ports (code, enterprise, agent, days ago
    opened), texts (port, recipients, texts each, days ago first sent, days over which first texts spread, days
    from each recipient's first text to its last),
    bindings (middle, real, enterprise, days ago, minutes) and middle numbers' own calls (middle, callees)."""
    rows = [
        {
            "port_code": port,
            "callee": f"{port}-{i}",
            "count": each,
            "first_ts": NOW - ago * DAY + i * spread * DAY / n,
            "last_ts": NOW - ago * DAY + i * spread * DAY / n + again * DAY,
        }
        for port, n, each, ago, spread, again in texts
        for i in range(n)
    ]
    text_frame = pd.DataFrame(rows, columns=["port_code", "callee", "count", "first_ts", "last_ts"])
    calls = [
        {"middle_number": m, "callee": f"{m}-{i}", "count": 1, "total_duration_s": 40}
        for m, n in middle_calls
        for i in range(n)
    ]
    return Resources(
        enterprises=pd.DataFrame(
            [{"enterprise_id": e, "registered_at": NOW - age * DAY, "legal_person_id": p} for e, age, p in enterprises]
        ),
        ports=pd.DataFrame(
            [
                {"port_code": c, "enterprise_id": e, "agent_id": a, "opened_at": NOW - ago * DAY}
                for c, e, a, ago in ports
            ],
            columns=["port_code", "enterprise_id", "agent_id", "opened_at"],
        ),
        texts=text_frame,
        bindings=pd.DataFrame(
            [
                {"middle_number": m, "real_msisdn": r, "first_bound": NOW - ago * DAY, "longest_minutes": minutes}
                for m, r, _e, ago, minutes in bindings
            ],
            columns=["middle_number", "real_msisdn", "first_bound", "longest_minutes"],
        ),
        holdings=pd.DataFrame(
            [{"middle_number": m, "enterprise_id": e, "first_bound": NOW - ago * DAY} for m, _r, e, ago, _ in bindings],
            columns=["middle_number", "enterprise_id", "first_bound"],
        ),
        middle_calls=pd.DataFrame(calls, columns=["middle_number", "callee", "count", "total_duration_s"]),
        reported=frozenset(),
    )


PROVIDER = ("PROV", 4000.0, "P-PROV")


def test_a_new_shop_texting_its_customers_stays_below_a_ring_port_as_young_as_it() -> None:
    """Both enterprises are weeks old at their port, both owners front two young enterprises, both ports
    text from their first week: only the ring's texts strangers once each, in one burst. The owner's youth
    and fronting are one kind of evidence, below the lead line, and the shops' ports lend them no conduct."""
    scored = _scored(
        _world(
            [
                PROVIDER,
                ("SHOP", 100, "OWNER"),
                ("SHOP2", 250, "OWNER"),
                ("SHELL", 100, "FARMER"),
                ("SHELL2", 95, "FARMER"),
            ],
            [
                ("106A", "SHOP", "PROV", 60),
                ("106B", "SHOP2", "PROV", 200),
                ("106C", "SHELL", "PROV", 60),
                ("106D", "SHELL2", "PROV", 60),
            ],
            [
                ("106A", 120, 6, 58, 10, 45),
                ("106B", 80, 8, 198, 40, 150),
                ("106C", 120, 1, 58, 2, 0),
                ("106D", 90, 1, 57, 2, 0),
            ],
        )
    )
    owner = scored.loc[["port:106A", "port:106B", "enterprise:SHOP", "enterprise:SHOP2", "person:OWNER"]]
    assert (owner["score"] < MODEL.min_score).all(), owner["score"]
    assert (owner["kinds"] <= 1).all() and owner.at["person:OWNER", "kinds"] == 0, owner["kinds"]
    assert scored.at["person:FARMER", "kinds"] == 1  # fronting shells suspect for their texting: a kind
    assert scored.at["port:106A", "kinds"] == 0  # a shop's notices: its youth is no evidence of the port's own
    assert (
        scored.loc[["port:106C", "port:106D", "enterprise:SHELL", "enterprise:SHELL2", "person:FARMER"], "score"] >= 0.5
    ).all()
    assert scored.loc["port:106A", "score"] < scored.loc["port:106C", "score"] - 0.2


def test_an_old_apps_verification_sender_through_a_new_code_stays_below_a_ring_s_burst() -> None:
    """Both ports opened weeks ago and text hundreds of strangers once each from their first day: the
    app's sender is years old and texts at a steady pace; the ring's blasts them in a week."""
    scored = _scored(
        _world(
            [PROVIDER, ("APP", 3000, "P-APP"), ("SHELL", 200, "FARMER")],
            [("106A", "APP", "PROV", 60), ("106C", "SHELL", "PROV", 60)],
            [("106A", 900, 1, 59, 59, 0), ("106C", 300, 1, 59, 3, 0)],
        )
    )
    assert scored.loc["port:106A", "score"] < 0.5 <= scored.loc["port:106C", "score"]
    assert "in one week" in scored.loc["port:106C", "reasons_en"]
    assert scored.loc["enterprise:APP", "score"] < 0.5 <= scored.loc["enterprise:SHELL", "score"]


def test_a_delivery_platform_s_pooled_number_stays_below_a_ring_s_one_card_number() -> None:
    """Both are bound minutes at a time and call many numbers briefly themselves; the platform's number is
    bound to many riders in turn, the ring's to one card."""
    riders = [("95001", f"1380000000{i}", "DELIVERY", 30 - i, 20) for i in range(6)]
    scored = _scored(
        _world(
            [("DELIVERY", 3000, "P-D"), ("SHELL", 300, "FARMER")],
            [],
            [],
            [*riders, ("95002", "13900000000", "SHELL", 20, 15)],
            [("95001", 60), ("95002", 25)],
        )
    )
    assert scored.loc["middle_number:95001", "score"] < 0.5 <= scored.loc["middle_number:95002", "score"]


def test_a_shell_aged_past_a_year_behind_a_blasting_port_is_still_a_lead() -> None:
    """An adversarial ring registers its shell months before use: youth fades over the second year instead of
    ending at the first birthday; an enterprise five years old behind the same blast is not a shell."""
    scored = _scored(
        _world(
            [PROVIDER, ("AGED", 460, "FARMER"), ("OLD", 1900, "P-OLD")],
            [("106C", "AGED", "PROV", 20), ("106D", "OLD", "PROV", 20)],
            [("106C", 80, 1, 19, 2, 0), ("106D", 80, 1, 19, 2, 0)],
        )
    )
    assert scored.loc["port:106C", "score"] >= 0.5 and scored.loc["enterprise:AGED", "score"] >= 0.5
    assert scored.loc["port:106D", "score"] < 0.5 and scored.loc["enterprise:OLD", "score"] < 0.5


def test_a_ring_port_following_each_text_up_within_days_is_not_taken_for_a_shop_s_notices() -> None:
    """Both young enterprises' ports text each recipient four times: the shop's customers hear from it again
    over weeks, the ring's strangers within two days."""
    scored = _scored(
        _world(
            [PROVIDER, ("SHOP", 100, "OWNER"), ("SHELL", 100, "FARMER")],
            [("106A", "SHOP", "PROV", 60), ("106C", "SHELL", "PROV", 60)],
            [("106A", 120, 4, 58, 10, 40), ("106C", 120, 4, 58, 2, 2)],
        )
    )
    assert scored.loc["port:106A", "score"] < 0.5 <= scored.loc["port:106C", "score"]
    assert "4.0 texts each" in scored.loc["port:106C", "reasons_en"]


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


def test_a_delivery_platform_s_pooled_number_beside_a_ring_is_not_corroborated_into_a_lead() -> None:
    """In one community with a ring's reported one-card numbers (as a run places them when the graph joins the
    platform to the ring), the pool's calls are the platform's: the ring cannot corroborate them into a lead,
    while the ring's own numbers stay leads."""
    riders = [("95001", f"1380000000{i}", "DELIVERY", 30 - i, 20) for i in range(6)]
    ring = [(f"9510{i}", f"1390000000{i}", "SHELL", 20, 15) for i in range(4)]
    world = _world(
        [("DELIVERY", 3000, "P-D"), ("SHELL", 300, "FARMER")],
        [],
        [],
        [*riders, *ring],
        [("95001", 60), *((m, 25) for m, *_ in ring)],
    )
    world = replace(world, reported=frozenset(m for m, *_ in ring))
    entities, _ = rank_entities(_facts(world), _one_community(world), DetectParams())
    assert not entities.loc["middle_number:95001", "lead"]
    assert entities.loc["middle_number:95001", "kinds"] == 0
    assert entities.loc[[f"middle_number:{m}" for m, *_ in ring], "lead"].all()


def _one_community(r: Resources) -> pd.Series:
    """Every middle number and enterprise of `r` in one community: corroboration and a cluster's context are
    what a look-alike beside a ring meets in a run."""
    keys = [f"middle_number:{m}" for m in r.bindings["middle_number"].unique()]
    keys += [f"enterprise:{e}" for e in r.enterprises["enterprise_id"]]
    return pd.Series("c1", index=keys)
