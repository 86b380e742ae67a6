"""Early warning: a world as it stood on each day, the rings' milestones, and a replay end to end."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from duanka import audit
from duanka.detect import warning
from duanka.generate import generate
from duanka.generate.views import Timeline
from duanka.settings import Settings


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("replay") / "world"
    generate(out, "demo", seed=5, difficulty="hard")
    return out


def _read(folder: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)


def test_a_day_holds_nothing_from_after_it(world: Path, tmp_path: Path) -> None:
    timeline = Timeline(world)
    day = pd.Timestamp("2026-07-01", tz="UTC")
    timeline.extract(tmp_path, day)
    for table, column in (("sims", "activated_at"), ("transfers", "ts"), ("calls", "last_ts")):
        times = pd.to_datetime(_read(tmp_path, table)[column], utc=True, format="ISO8601")
        assert len(times) and (times <= day).all(), table
    seen = _read(tmp_path, "sim_device_links")
    whole = _read(world, "sim_device_links").set_index(["msisdn", "device_id"])
    cut = seen[seen["last_seen"] == "2026-07-01T00:00:00"].set_index(["msisdn", "device_id"])
    assert len(cut), "sightings still going on end at the day"
    assert (cut["days_seen"].astype(int) <= whole.loc[cut.index, "days_seen"].astype(int)).all()
    assert (cut["days_seen"].astype(int) < whole.loc[cut.index, "days_seen"].astype(int)).any()


def test_steps_add_up_to_the_world(world: Path, tmp_path: Path) -> None:
    """Every dated row arrives exactly once as new; what lasts is sent again at its new extent."""
    timeline = Timeline(world)
    start = pd.Timestamp("2026-05-01", tz="UTC")
    ends = [
        start,
        *pd.date_range("2026-07-01", "2026-11-01", freq="61D", tz="UTC"),
        pd.Timestamp("2027-01-01", tz="UTC"),
    ]
    transfers, calls = [], []
    for since, until in zip([None, *ends[:-1]], ends, strict=True):
        timeline.extract(tmp_path / "step", until, since)
        transfers.append(_read(tmp_path / "step", "transfers"))
        calls.append(_read(tmp_path / "step", "calls"))
    assert (
        pd.concat(transfers)["transfer_id"].sort_values().tolist()
        == _read(world, "transfers")["transfer_id"].sort_values().tolist()
    )
    last = pd.concat(calls).drop_duplicates(["caller_msisdn", "callee_msisdn", "kind"], keep="last")
    key = ["caller_msisdn", "callee_msisdn", "kind"]
    assert (
        last.sort_values(key)
        .reset_index(drop=True)
        .equals(_read(world, "calls").sort_values(key).reset_index(drop=True))
    )
    assert len(pd.concat(calls)) > len(last), "calls going on at a step's end were sent again"


def test_each_rings_milestones_come_in_order(world: Path) -> None:
    events = warning.milestones(Timeline(world))
    truth = _read(world, "truth")
    assert set(events.index) == set(truth.loc[truth["ring_id"] != "", "ring_id"])
    assert events[["first_opening", "first_call", "first_payment"]].notna().all().all()
    assert (events["first_opening"] < events["first_call"]).all()
    assert (events["first_call"] < events["first_payment"]).all()
    reported = events.dropna(subset=["first_report"])
    assert len(reported) and (reported["first_payment"] < reported["first_report"]).all()


def test_a_ring_is_flagged_at_its_first_member_in_the_top() -> None:
    day = pd.Timestamp("2026-06-01", tz="UTC")
    lead = lambda *keys: pd.DataFrame({"role": "fraud_sim", "reasons_en": "x"}, index=list(keys))  # noqa: E731
    steps = [(day, lead("sim:1", "sim:2")), (day + pd.Timedelta(days=1), lead("sim:2", "sim:3", "sim:4"))]
    flagged = warning.first_flagged(steps, {"sim:3": "R1", "sim:4": "R2", "sim:2": "R3"}, k=2)
    assert flagged["flagged"].to_dict() == {"R3": day, "R1": day + pd.Timedelta(days=1)}
    assert flagged.at["R1", "member"] == "sim:3"


def test_a_replay_flags_rings_before_their_victims_pay(world: Path, settings: Settings, tmp_path: Path) -> None:
    """The demo world fed to the pipeline in fortnights: no ring is flagged before it opened its first
    card (nothing leaks from the future), every step reconciles, and the warning comes before payment."""
    from flows.replay import replay

    found = replay(str(world), str(tmp_path), step_days=14, top=100, budget=500)
    table = pd.read_csv(tmp_path / "warning.csv", index_col="ring", parse_dates=[*warning.MILESTONES, "flagged"])
    steps = pd.read_csv(tmp_path / "steps.csv")
    assert steps["reconciled"].all() and steps["rows"].gt(0).all()
    assert found["rings"] == len(table) == len(warning.milestones(Timeline(world)))
    flagged = table.dropna(subset=["flagged"])
    assert len(flagged) == len(table), table
    assert (flagged["flagged"] > flagged["first_opening"]).all(), "flagged before the ring existed: a leak"
    assert found["before_payment"] >= 0.5 and found["median_days_before_payment"] > 0, found
    assert set(flagged["role"]) <= {
        "card_farmer",
        "card_collector",
        "number_dealer",
        "device_farm",
        "fraud_sim",
        "mule_account",
    }
    assert (tmp_path / "timeline.png").read_bytes()[:4] == b"\x89PNG"
    emptied = [e for e in audit.entries(settings) if e["action"] == "empty_database"]
    assert emptied and emptied[-1]["reason"] == f"replay of {world}", "the replay emptied the database unaudited"


def test_a_replay_asks_before_it_empties_the_database(world: Path) -> None:
    from typer.testing import CliRunner

    from duanka.cli import app

    result = CliRunner().invoke(app, ["evaluate", "--replay", str(world), "--step", "7d"])
    assert result.exit_code != 0 and "--empty-the-database" in result.output


def _leads(*keys: str) -> pd.DataFrame:
    return pd.DataFrame({"role": "fraud_port", "reasons_en": "x"}, index=list(keys))


def test_a_ring_leasing_a_port_is_warned_when_its_port_or_a_member_leads_before_the_port_s_first_report() -> None:
    """Four rings lease ports: R1's port leads before its first report; R2's farmer leads before it, its port
    only after; R3 is flagged only after its report; R4's ports were never reported. R5 leases none."""
    day = pd.Timestamp("2026-06-01", tz="UTC")
    rings = {
        "port:1061": "R1", "port:1062": "R2", "person:F2": "R2", "port:1063": "R3", "port:1064": "R4",
        "port:10633": "R3", "sim:5": "R5",
    }  # fmt: skip
    reports = pd.DataFrame({"msisdn": ["1061", "1062", "10633", "1063", "13800000000", "1061"]})
    reported_at = pd.Series(pd.to_datetime(["2026-06-03", "2026-06-02", "2026-06-01", "2026-06-05", "2026-06-01",
                                            "2026-06-09"], utc=True))  # fmt: skip
    events = warning.port_rings(reports, reported_at, rings)
    assert list(events.index) == ["R1", "R2", "R3", "R4"] and events.at["R3", "ports"] == 2
    assert events.at["R3", "reported_port"] == "port:10633"  # its first-reported port, not its other one
    assert events.at["R1", "first_port_report"] == pd.Timestamp("2026-06-03", tz="UTC")
    assert pd.isna(events.at["R4", "first_port_report"])
    steps = [
        (day, _leads("person:F2", "sim:9")),
        (day + pd.Timedelta(days=1), _leads("port:1061", "sim:9")),
        (day + pd.Timedelta(days=3), _leads("port:1062", "port:1063", "port:1064")),
        (day + pd.Timedelta(days=5), _leads("port:10633")),
    ]
    table = warning.port_warning(events, steps, rings, k=2)
    assert table.loc[["R1", "R2", "R3"], "warned"].tolist() == [True, True, False] and pd.isna(table.at["R4", "warned"])
    assert table.loc[["R1", "R2", "R3"], "port_warned"].tolist() == [True, False, False]
    assert table.at["R2", "port_flagged"] == day + pd.Timedelta(days=3) and table.at["R2", "ring_flagged"] == day
    assert table.at["R3", "port_flagged"] == day + pd.Timedelta(days=5)  # its reported port, after the report
    assert pd.isna(table.at["R4", "port_flagged"])  # k=2: port:1064 stood third
    assert warning.port_summary(table) == {
        "port_rings": 4,
        "port_rings_reported": 3,
        "port_flagged_before_report": round(1 / 3, 3),
        "port_or_ring_flagged_before_report": round(2 / 3, 3),
    }
    early = warning.port_warning(events, steps[:1], rings, k=2)  # R1's and R2's ports not yet flagged, reports ahead
    assert warning.port_pending(early, day) and not warning.port_pending(early, day + pd.Timedelta(days=6))
    assert not warning.port_pending(table, day + pd.Timedelta(days=3))  # later steps cannot warn anyone earlier
