"""Generated worlds with SMS ports and middle numbers: valid by the contract, truth in the contract's roles."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from duanka.generate import generate
from duanka.ingest.contract import SPECS
from duanka.ingest.prepare import prepare
from duanka.ingest.read import Chunk


@pytest.fixture(scope="module", params=["hard", "adversarial"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp(request.param)
    generate(out, "demo", persons=3000, seed=5, difficulty=request.param, ports=True)
    return out


def _read(world: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(world / f"{name}.csv", dtype=str, keep_default_na=False)


def test_every_resource_row_passes_the_contract(world: Path) -> None:
    for name in ("enterprises", "sms_ports", "number_bindings", "calls", "reports"):
        rows = _read(world, name)
        frame = rows.set_axis(range(2, 2 + len(rows)))
        problems = prepare(SPECS[name], Chunk(frame, [])).problems
        assert problems.empty, (name, problems.head())


def test_rings_front_shells_with_their_card_farmers_and_lease_ports_through_them(world: Path) -> None:
    truth = _read(world, "truth")
    enterprises = _read(world, "enterprises").set_index("enterprise_id")
    farmers = set(truth.loc[truth.role == "card_farmer", "entity_id"])
    shells = truth[truth.role == "shell_enterprise"]
    assert set(enterprises.loc[shells["entity_id"], "legal_person_id"]) <= farmers
    ports = _read(world, "sms_ports").set_index("port_code")
    fraud_ports = truth[truth.role == "fraud_port"]
    assert set(ports.loc[fraud_ports["entity_id"], "enterprise_id"]) <= set(shells["entity_id"])
    for ring, members in fraud_ports.groupby("ring_id"):  # every ring's ports are leased by its own shells
        ring_shells = set(shells.loc[shells.ring_id == ring, "entity_id"])
        assert set(ports.loc[members["entity_id"], "enterprise_id"]) <= ring_shells
    reports = _read(world, "reports")
    assert reports["msisdn"].isin(fraud_ports["entity_id"]).any()
    assert not reports["msisdn"].isin(ports.index.difference(fraud_ports["entity_id"])).any()


def test_a_ring_leases_and_binds_only_once_its_cards_are_active(world: Path) -> None:
    truth = _read(world, "truth")
    ring_of = truth.set_index("entity_id")["ring_id"]
    sims = _read(world, "sims")
    cards = sims[sims.msisdn.isin(truth.loc[truth.role == "fraud_sim", "entity_id"])]
    activated = pd.to_datetime(cards.set_index("msisdn")["activated_at"])
    bindings = _read(world, "number_bindings")
    ring = bindings[bindings.middle_number.isin(truth.loc[truth.role == "fraud_middle_number", "entity_id"])]
    assert (
        len(ring) and (pd.to_datetime(ring["bound_at"]).to_numpy() >= activated[ring["real_msisdn"]].to_numpy()).all()
    )
    ports = _read(world, "sms_ports")
    fraud = ports[ports.port_code.isin(truth.loc[truth.role == "fraud_port", "entity_id"])]
    opened = pd.to_datetime(fraud["opened_at"]).groupby(fraud["port_code"].map(ring_of).to_numpy()).min()
    first_card = activated.groupby(activated.index.map(ring_of)).min()
    assert (opened >= first_card.reindex(opened.index)).all()  # no port texts before its ring exists


def _times(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_datetime(frame[column].replace("", None))


def _typology(world: Path, typology: str, entity_type: str) -> pd.Series:
    negatives = _read(world, "hard_negatives")
    return negatives.loc[(negatives.typology == typology) & (negatives.entity_type == entity_type), "entity_id"]


def _texts(world: Path, ports: pd.Series) -> pd.DataFrame:
    calls = _read(world, "calls")
    texts = calls[(calls.kind == "sms") & calls.caller_msisdn.isin(ports)]
    return texts.assign(count=texts["count"].astype(int), first=_times(texts, "first_ts"))


def test_notice_senders_and_the_ride_platform_are_old_and_ring_bindings_short_or_long_by_difficulty(
    world: Path,
) -> None:
    enterprises = _read(world, "enterprises").set_index("enterprise_id")
    for typology in ("bank_notice", "courier_notice", "school_notice", "platform", "bulk_sender"):
        senders = _typology(world, typology, "enterprise")
        assert len(senders) and (_times(enterprises.loc[senders], "registered_at") < pd.Timestamp("2022-01-01")).all()
    bindings = _read(world, "number_bindings")
    life = _times(bindings, "unbound_at") - _times(bindings, "bound_at")
    truth = _read(world, "truth")
    ring = bindings["middle_number"].isin(truth.loc[truth.role == "fraud_middle_number", "entity_id"])
    adversarial = "adversarial" in world.name
    assert (life[ring] >= pd.Timedelta(hours=6)).all() if adversarial else (life[ring] < pd.Timedelta(hours=1)).all()
    ride = bindings["middle_number"].isin(_typology(world, "platform_binding", "middle_number"))
    assert ride.any() and (life[ride] >= pd.Timedelta(hours=1)).all()  # the ride platform's bindings last an hour
    assert set(_read(world, "hard_negatives").typology) >= {
        "bank_notice", "courier_notice", "school_notice", "platform_driver", "young_shop", "owner_of_two_businesses",
        "bulk_sender", "delivery_binding",
    }  # fmt: skip


def test_young_shops_are_weeks_old_at_their_port_and_text_their_own_customers_again_and_again(world: Path) -> None:
    enterprises = _read(world, "enterprises").set_index("enterprise_id")
    ports = _read(world, "sms_ports").set_index("port_code")
    shops = _typology(world, "young_shop", "enterprise")
    shop_ports = ports[ports.enterprise_id.isin(shops)]
    assert len(shop_ports) == len(shops) >= 4
    age = _times(shop_ports, "opened_at") - _times(enterprises.loc[shop_ports.enterprise_id], "registered_at").values
    assert (age < pd.Timedelta(days=90)).all()  # young by any threshold a detector may use
    texts = _texts(world, pd.Series(shop_ports.index))
    per_port = texts.groupby("caller_msisdn").agg(recipients=("callee_msisdn", "nunique"), texts=("count", "sum"))
    assert len(per_port) == len(shop_ports) and (per_port["recipients"] >= 40).all()
    assert (per_port["texts"] / per_port["recipients"] >= 3).all()  # customers, texted again and again
    first = texts.groupby("caller_msisdn")["first"].min() - _times(shop_ports, "opened_at").reindex(per_port.index)
    assert (first <= pd.Timedelta(days=7)).all()  # from their first week, as a ring's port does


def test_an_ordinary_owner_is_the_legal_person_of_two_young_enterprises_leasing_ports(world: Path) -> None:
    enterprises = _read(world, "enterprises")
    ports = _read(world, "sms_ports").set_index("enterprise_id")
    truth = _read(world, "truth")
    owners = _typology(world, "owner_of_two_businesses", "person")
    assert len(owners) and not owners.isin(truth["entity_id"]).any()
    theirs = enterprises[enterprises.legal_person_id.isin(owners)]
    assert (theirs.groupby("legal_person_id").size() == 2).all()
    age = _times(ports.loc[theirs.enterprise_id].reset_index(), "opened_at") - _times(theirs, "registered_at").values
    young = (age < pd.Timedelta(days=365)).groupby(theirs["legal_person_id"].values).sum()
    assert (young == 2).any() and (young == 1).any()  # some opened both within a year, some had an old shop


def test_bulk_senders_are_old_and_text_many_strangers_once_or_twice_at_a_steady_pace(world: Path) -> None:
    enterprises = _read(world, "enterprises").set_index("enterprise_id")
    ports = _read(world, "sms_ports").set_index("port_code")
    bulk = ports[ports.enterprise_id.isin(_typology(world, "bulk_sender", "enterprise"))]
    assert (_times(enterprises.loc[bulk.enterprise_id], "registered_at") < pd.Timestamp("2022-01-01")).all()
    assert (_times(bulk, "opened_at") > pd.Timestamp("2026-06-01")).any()  # a new code for an old sender
    texts = _texts(world, pd.Series(bulk.index))
    for _port, sent in texts.groupby("caller_msisdn"):
        assert sent["callee_msisdn"].nunique() >= 200 and sent["count"].sum() / len(sent) < 2
        t = sent["first"].sort_values()
        busiest = max(((t >= s) & (t < s + pd.Timedelta(days=7))).sum() for s in t.iloc[:: max(1, len(t) // 50)])
        assert busiest / len(t) < 0.25, busiest / len(t)  # steady: no week holds a quarter of them


def test_delivery_middle_numbers_are_bound_minutes_to_many_riders_and_call_customers(world: Path) -> None:
    bindings = _read(world, "number_bindings")
    delivery = bindings[bindings.middle_number.isin(_typology(world, "delivery_binding", "middle_number"))]
    life = _times(delivery, "unbound_at") - _times(delivery, "bound_at")
    assert len(delivery) and (life < pd.Timedelta(hours=1)).all()  # as short as a ring's
    assert (delivery.groupby("middle_number")["real_msisdn"].nunique() >= 3).mean() > 0.9  # a pool, in turn
    calls = _read(world, "calls")
    out = calls[calls.caller_msisdn.isin(delivery.middle_number)].groupby("caller_msisdn")["callee_msisdn"].nunique()
    assert (out >= 8).mean() > 0.9  # they call many numbers themselves, as a ring's do


def test_adversarial_rings_age_their_shells_text_in_small_bursts_through_several_resellers(world: Path) -> None:
    if "adversarial" not in world.name:
        pytest.skip("adversarial rings only")
    truth = _read(world, "truth")
    enterprises = _read(world, "enterprises").set_index("enterprise_id")
    ports = _read(world, "sms_ports")
    fraud = ports[ports.port_code.isin(truth.loc[truth.role == "fraud_port", "entity_id"])]
    age = _times(fraud, "opened_at") - _times(enterprises.loc[fraud.enterprise_id], "registered_at").values
    assert (age >= pd.Timedelta(days=90)).all() and (age >= pd.Timedelta(days=365)).any()
    ring_of = truth.set_index("entity_id")["ring_id"]
    assert (fraud.groupby(fraud.port_code.map(ring_of))["agent_id"].nunique() >= 2).all()
    texts = _texts(world, fraud["port_code"])
    assert (texts.groupby("caller_msisdn")["callee_msisdn"].nunique() <= 120).all()
    spread = texts.groupby("caller_msisdn")["first"].agg(lambda t: t.max() - t.min())
    assert (spread >= pd.Timedelta(days=4)).mean() > 0.9  # bursts days apart, not one blast
    each = texts.groupby("caller_msisdn")["count"].mean()
    again = (_times(texts, "last_ts") - texts["first"]).groupby(texts["caller_msisdn"]).max()
    follow_ups = each[each >= 3].index
    assert len(follow_ups) and (again[follow_ups] <= pd.Timedelta(days=2)).all()  # as often as a shop, within days


def test_without_ports_a_world_has_none_of_their_files(tmp_path: Path) -> None:
    generate(tmp_path, "demo", persons=600, seed=5, difficulty="hard")
    assert not any((tmp_path / f"{name}.csv").exists() for name in ("enterprises", "sms_ports", "number_bindings"))


def test_a_replay_s_day_holds_the_enterprises_ports_and_bindings_begun_by_then_and_no_later_end(
    world: Path, tmp_path: Path
) -> None:
    """The replay's daily extracts carry the resource files, nothing from after the day: a port before its
    opening or a binding before it began is absent, and a binding still held ends at the day."""
    from duanka.generate.views import Timeline

    bindings = _read(world, "number_bindings")
    bound, unbound = _times(bindings, "bound_at"), _times(bindings, "unbound_at")
    long_held = bindings[(unbound - bound) > pd.Timedelta(hours=2)].sort_values("bound_at")
    assert not long_held.empty
    held = long_held.iloc[len(long_held) // 2]
    day = pd.Timestamp(held["bound_at"]) + pd.Timedelta(hours=1)
    day = day.tz_localize("UTC") if day.tzinfo is None else day
    rows = Timeline(world).extract(tmp_path, until=day)
    for name, column in (("enterprises", "registered_at"), ("sms_ports", "opened_at"), ("number_bindings", "bound_at")):
        extract = _read(tmp_path, name)
        assert rows[name] == len(extract) > 0, name
        began = _times(extract, column).dropna()
        assert (began.dt.tz_localize(None) <= day.tz_localize(None)).all(), name
    assert rows["number_bindings"] < len(bindings)  # the later half begins after the day
    cut = _read(tmp_path, "number_bindings")
    same = cut[(cut.middle_number == held["middle_number"]) & (cut.bound_at == held["bound_at"])]
    assert len(same) == 1 and pd.Timestamp(same.iloc[0]["unbound_at"]) < pd.Timestamp(held["unbound_at"])
