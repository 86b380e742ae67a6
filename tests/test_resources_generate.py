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


def test_look_alikes_are_old_and_ring_bindings_are_short_or_long_by_difficulty(world: Path) -> None:
    negatives = _read(world, "hard_negatives")
    enterprises = _read(world, "enterprises").set_index("enterprise_id")
    senders = negatives[negatives.entity_type == "enterprise"]["entity_id"]
    assert (pd.to_datetime(enterprises.loc[senders, "registered_at"]) < pd.Timestamp("2022-01-01")).all()
    bindings = _read(world, "number_bindings")
    life = pd.to_datetime(bindings["unbound_at"]) - pd.to_datetime(bindings["bound_at"])
    truth = _read(world, "truth")
    ring = bindings["middle_number"].isin(truth.loc[truth.role == "fraud_middle_number", "entity_id"])
    adversarial = "adversarial" in world.name
    assert (life[ring] >= pd.Timedelta(hours=6)).all() if adversarial else (life[ring] < pd.Timedelta(hours=1)).all()
    assert (life[~ring] >= pd.Timedelta(hours=1)).all()  # the platform's bindings last an hour or more
    assert set(negatives.typology) >= {"bank_notice", "courier_notice", "school_notice", "platform_driver"}


def test_without_ports_a_world_has_none_of_their_files(tmp_path: Path) -> None:
    generate(tmp_path, "demo", persons=600, seed=5, difficulty="hard")
    assert not any((tmp_path / f"{name}.csv").exists() for name in ("enterprises", "sms_ports", "number_bindings"))
