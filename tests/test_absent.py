"""Absent is not zero: every reason template, with each optional input of the input contract absent,
cites nothing that did not arrive, and an absent input scores as neither innocence nor guilt (no database)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from duanka.detect import score
from duanka.detect.model import DAY, MODEL
from duanka.detect.ranking import first_suspicions, own_suspicions
from duanka.detect.signals import FACT_COLUMNS, Facts, typed
from duanka.generate.scenario import generate
from duanka.params import DetectParams
from duanka.settings import Settings

FOREIGN = Path(__file__).parent / "fixtures" / "foreign"


def rich() -> Facts:
    """A world where every reason template fires: a farmer's burst, a box, a dealer's handset, a mule, a
    collector, cold-calling box cards on one shared list, victim reports."""
    t0 = 100 * DAY
    sims = [
        (f"s{i}", f"p{i % 4}", t0 + i * 3600, "o1", True, 15, 15, 300.0, 15, t0 + 2 * DAY, 0, i == 0) for i in range(12)
    ]
    seen = [(f"s{i}", "box", f"p{i % 4}", None, t0 + DAY, t0 + 40 * DAY, t0) for i in range(12)]
    seen += [(f"n{i}", "tryer", f"q{i}", None, t0 + DAY, t0 + DAY + 600, t0) for i in range(8)]
    seen += [("own", "tryer", "collector", None, t0, t0 + 90 * DAY, t0 - 400 * DAY)]
    seen += [("own2", "phone", "dealer", None, t0, t0 + 90 * DAY, t0 - 400 * DAY)]
    accounts = [(f"a{i}", f"p{i % 4}", "debit_card", t0 + i * 3600, "s0" if i == 0 else None, i == 0) for i in range(8)]
    used = [(f"a{i}", "phone", f"p{i % 4}", t0 + DAY, t0 + 40 * DAY, t0) for i in range(8)]
    transfers = [(f"v{i}", "a0", 5000.0, t0 + 20 * DAY + i) for i in range(4)]
    transfers += [("a0", "a1", 19000.0, t0 + 20 * DAY + 3600)]
    targets = [(f"s{i}", f"t{(i + j) % 30}") for i in range(12) for j in range(15)]  # one bought list
    targets += [(f"b{i}", f"u{i}-{j}") for i in range(20) for j in range(15)]  # others' own rounds
    return Facts(
        sims=pd.DataFrame(sims, columns=list(FACT_COLUMNS["sims"])),
        seen=pd.DataFrame(seen, columns=list(FACT_COLUMNS["seen"])),
        accounts=pd.DataFrame(accounts, columns=list(FACT_COLUMNS["accounts"])),
        used=pd.DataFrame(used, columns=list(FACT_COLUMNS["used"])),
        transfers=pd.DataFrame(transfers, columns=list(FACT_COLUMNS["transfers"])),
        targets=pd.DataFrame(targets, columns=["caller", "callee"]),
    )


def _blank(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    return frame.assign(**{c: np.nan for c in columns})


# Each optional input of the input contract, as the fact queries return it when it did not arrive.
def no_durations(f: Facts) -> Facts:  # calls.total_duration_s, call_records.duration_s
    return Facts(**{**vars(f), "sims": f.sims.assign(call_seconds=np.nan, timed_calls=0)})


def no_times(f: Facts) -> Facts:  # first_ts/last_ts, activated_at, opened_at, first_seen/last_seen
    return Facts(
        **{
            **vars(f),
            "sims": _blank(f.sims, "activated", "first_call"),
            "seen": _blank(f.seen, "first_seen", "last_seen", "activated"),
            "accounts": _blank(f.accounts, "opened"),
            "used": _blank(f.used, "first_seen", "last_seen", "opened"),
        }
    )


def no_counts(f: Facts) -> Facts:  # calls.count: one call per pair (the contract's default)
    return Facts(**{**vars(f), "sims": f.sims.assign(calls=f.sims["callees"], timed_calls=f.sims["callees"])})


def no_holders(f: Facts) -> Facts:  # persons empty, holder_person_id empty
    tables = {t: getattr(f, t).assign(holder=None) for t in ("sims", "seen", "accounts", "used")}
    return Facts(**{**vars(f), **tables})


def no_bank(f: Facts) -> Facts:  # no bank_accounts, account_device_links or transfers
    return Facts(**{**vars(f), **{t: typed(t) for t in ("accounts", "used", "transfers")}})


def no_devices(f: Facts) -> Facts:  # no devices, sim_device_links or account_device_links
    return Facts(**{**vars(f), **{t: typed(t) for t in ("seen", "used")}})


def no_reports(f: Facts) -> Facts:  # no reports
    return Facts(**{**vars(f), "sims": f.sims.assign(reported=False), "accounts": f.accounts.assign(reported=False)})


# What a reason must not say once an input is absent: any clause citing it.
FORBIDDEN: dict[str, tuple[Callable[[Facts], Facts], tuple[str, ...]]] = {
    "durations": (no_durations, (r"\d+\s*s per call", r"\d+\s*秒", r"second")),
    "times": (
        no_times,
        # transfers.ts is required by the contract: money passed on within hours is still citable
        (r"\d{4}-\d{2}-\d{2}", r"\bdays?\b", r"天", r"burst", r"week", r"数周", r"长期", r"window"),
    ),
    "counts": (no_counts, (r"\d+ (voice )?calls\b", r"\d+次")),
    "holders": (no_holders, (r"holder", r"持卡人", r"名下", r"other people", r"他人", r"someone else")),
    "bank": (no_bank, (r"yuan", r"元", r"payer", r"bank card", r"银行卡", r"account", r"账户", r"money", r"资金")),
    "devices": (no_devices, (r"device", r"设备", r"SIM box", r"猫池")),
    "reports": (no_reports, (r"report", r"报案")),
}


def reasons_of(f: Facts) -> pd.DataFrame:
    """Every entity's own reasons, as the run builds them (first pass, money path, every template)."""
    return own_suspicions(f, DetectParams()).scored


def test_the_rich_world_fires_every_template() -> None:
    """Otherwise the checks below would pass on silence."""
    text = " ".join(reasons_of(rich())["reasons_en"])
    for clause in ("SIM cards within", "s per call", "ran in device", "shares its targets", "victim report"):
        assert clause in text, clause
    for clause in ("hosted", "yuan", "operated for weeks", "worked", "bound to a number"):
        assert clause in text, clause


@pytest.mark.parametrize("absent", [*FORBIDDEN, "all"])
def test_no_reason_cites_an_absent_input(absent: str) -> None:
    names = list(FORBIDDEN) if absent == "all" else [absent]
    f = rich()
    for name in names:
        f = FORBIDDEN[name][0](f)
    scored = reasons_of(f)
    for name in names:
        for pattern in FORBIDDEN[name][1]:
            for lang in ("reasons_en", "reasons_zh"):
                for text in scored[lang]:
                    clauses = re.split(r"[;；]", text)
                    cited = [c for c in clauses if re.search(r"\d", c) and re.search(pattern, c, re.IGNORECASE)]
                    assert not cited, (absent, name, pattern, cited)


def test_absent_durations_are_neither_short_nor_long() -> None:
    """0 s average is what an absent column used to become: it must not raise 'short calls', nor count as long."""
    base = typed("sims", rich().sims).head(1).assign(msisdn="x", callees=40, calls=40, timed_calls=40, reported=False)
    frames = {
        "short": base.assign(call_seconds=40 * 20.0),
        "long": base.assign(call_seconds=40 * 600.0),
        "absent": base.assign(call_seconds=np.nan, timed_calls=0),
    }
    got = {k: score.sims(first_suspicions(Facts(sims=v), DetectParams()).parts["sim"]) for k, v in frames.items()}
    s = {k: float(v["score"].iloc[0]) for k, v in got.items()}
    assert s["short"] > s["absent"] > s["long"]
    assert "0 s" not in got["absent"]["reasons_en"].iloc[0] and "秒" not in got["absent"]["reasons_zh"].iloc[0]
    assert "called 40 distinct numbers" in got["absent"]["reasons_en"].iloc[0]


def test_cards_without_holders_are_not_counted_as_holders() -> None:
    """An operator's numbers-only extract: a box's cards are cards, not 'holders', and the holders term is
    taken half-way, not as one holder per card."""
    f = no_holders(rich())
    devices = first_suspicions(f, DetectParams()).parts["device"]
    assert devices.loc["box", "holders_unknown"]
    with_holders = first_suspicions(rich(), DetectParams()).parts["device"]
    assert not with_holders.loc["box", "holders_unknown"]
    got = score.devices(devices).loc["box"]
    assert "holders not in the extract" in got["reasons_en"] and "holder" not in got["reasons_en"].split("(")[0]
    expected = MODEL.box_cards(devices.loc["box", "sims_at_once"])[()] * MODEL.unknown_holders
    assert got["score"] == pytest.approx(expected * (1 - MODEL.brief_discount * devices.loc["box", "brief_share"]))


def calls_only(world: Path, out: Path) -> Path:
    """A calls-only extract of a generated world: numbers alone, caller and callee alone (no times, no
    durations, no counts), no holders, devices, bank data or reports — an operator's call graph as shared."""
    out.mkdir(parents=True, exist_ok=True)
    sims = pd.read_csv(world / "sims.csv", dtype=str, keep_default_na=False)[["msisdn"]]
    calls = pd.read_csv(world / "calls.csv", dtype=str, keep_default_na=False)
    calls = calls[calls["kind"].isin(["", "voice"])][["caller_msisdn", "callee_msisdn"]].drop_duplicates()
    sims.to_csv(out / "sims.csv", index=False)
    calls.to_csv(out / "calls.csv", index=False)
    pd.DataFrame(columns=["person_id"]).to_csv(out / "persons.csv", index=False)
    return out


def _run(source: Path, out: Path, budget: int) -> tuple[str, pd.DataFrame, dict[str, Any], str]:
    from typer.testing import CliRunner

    from duanka.cli import app

    args = ["run", "--source", str(source), "--out", str(out), "--budget", str(budget), "--lang", "en"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    leads = pd.read_csv(out / "leads.csv", dtype=str, encoding="utf-8-sig")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return result.output, leads, manifest, (out / "report.html").read_text(encoding="utf-8")


NO_TIMES_OR_SECONDS = r"\d+\s*s per call|\d+\s*秒|\d{4}-\d{2}-\d{2}|\bdays?\b|burst|\bweeks?\b"


@pytest.mark.slow
def test_a_calls_only_extract_is_ranked_and_explained(prefect_server: None, empty_db: Settings, tmp_path: Path) -> None:
    """No times, no durations, no holders: the run succeeds, a budget beyond the leads exports the ranking below
    the lead line, no reason cites seconds, days or bursts, and the console, report and manifest say what
    evidence the leads rest on and what it lacked."""
    world = tmp_path / "world"
    generate(world, "demo", persons=1_500, seed=3, difficulty="hard")
    budget = 10_000  # beyond every number of the world: the whole ranking is listed
    printed, leads, manifest, report = _run(calls_only(world, tmp_path / "calls"), tmp_path / "out", budget)
    assert set(leads["tier"]) == {"lead", "ranked"}
    below = re.search(r"([\d,]+) more ranked below the lead line", manifest["leads_note"]["en"])
    assert below and int(below[1].replace(",", "")) == (leads["tier"] == "ranked").sum() < budget
    assert set(leads["status"].str.split().str[0]) <= {"suspected", "under_review", "confirmed", "dismissed"}
    assert leads["rank"].astype(int).is_monotonic_increasing
    assert not leads["reasons"].str.contains(NO_TIMES_OR_SECONDS, regex=True).any(), leads["reasons"].head().tolist()
    assert leads["reasons"].str.contains("durations not in the extract").any()
    assert manifest["evidence"]["CALL_DURATIONS"] == 0 and manifest["evidence"]["CALL_TIMES"] == 0
    assert manifest["tiers"]["ranked"] == (leads["tier"] == "ranked").sum()
    for note in (manifest["leads_note"]["en"], printed.replace("\n", " "), report):
        assert "no holders, devices, bank data, times, durations" in note
        assert "ranked below the lead line" in note
    assert "numbers with evidence scored" in manifest["leads_note"]["en"]


@pytest.mark.slow
def test_the_operator_fixture_is_ranked_and_explained(prefect_server: None, empty_db: Settings, tmp_path: Path) -> None:
    """The pipeline flow itself (the console is checked above: a second CLI run in one session would
    write Prefect's log to the first run's closed output)."""
    from flows.pipeline import pipeline

    out = tmp_path / "out"
    pipeline(str(FOREIGN / "operator-only"), str(out), lang="en", budget=30)
    leads = pd.read_csv(out / "leads.csv", dtype=str, encoding="utf-8-sig")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    report = (out / "report.html").read_text(encoding="utf-8")
    assert len(leads) == 30 and set(leads["tier"]) == {"lead", "ranked"}
    assert (leads["tier"] == "lead").sum() == manifest["tiers"]["lead"] < 30
    assert "no bank data, victim reports" in manifest["leads_note"]["en"] and "Leads 线索" in report
    assert set(leads["status"].str.split().str[0]) <= {"suspected", "under_review", "confirmed", "dismissed"}
