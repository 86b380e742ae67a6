"""Signal arithmetic on hand-made facts (no database)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from duanka.detect import score
from duanka.detect.model import DAY, Curve
from duanka.detect.signals import Facts, _bursts, _max_concurrency, account_signals, device_signals


def test_concurrency_counts_overlaps_not_visits() -> None:
    windows = pd.DataFrame(
        {"device": ["box"] * 3 + ["shop"] * 3, "first": [0, 10, 20, 0, 10, 20], "last": [100, 100, 100, 5, 15, 25]}
    )
    got = _max_concurrency(windows, "device")
    assert got["box"] == 3 and got["shop"] == 1


def test_bursts_find_the_densest_week() -> None:
    frame = pd.DataFrame({"holder": ["a"] * 5 + ["b"] * 2, "when": [0, DAY, 2 * DAY, 30 * DAY, 31 * DAY, 0, 100 * DAY]})
    got = _bursts(frame, "holder", "when")
    assert got.loc["a", "burst"] == 3 and got.loc["a", "burst_start"] == 0 and got.loc["a", "burst_end"] == 2 * DAY
    assert got.loc["b", "burst"] == 1


def _facts(seen: list[tuple], used: list[tuple] = (), transfers: list[tuple] = (), accounts: list[tuple] = ()) -> Facts:
    return Facts(
        sims=pd.DataFrame(
            columns=[
                "msisdn",
                "holder",
                "activated",
                "outlet",
                "virtual",
                "callees",
                "calls",
                "call_seconds",
                "reported",
            ]
        ),
        seen=pd.DataFrame(
            seen, columns=["msisdn", "device", "holder", "device_kind", "first_seen", "last_seen", "activated"]
        ),
        accounts=pd.DataFrame(
            list(accounts), columns=["account", "holder", "kind", "opened", "bound_msisdn", "reported"]
        ),
        used=pd.DataFrame(list(used), columns=["account", "device", "holder", "first_seen", "last_seen", "opened"]),
        transfers=pd.DataFrame(list(transfers), columns=["src", "dst", "amount", "ts"]),
    )


def test_sim_box_versus_family_tablet_versus_repair_bench() -> None:
    box = [(f"s{i}", "box", f"p{i % 4}", None, 10 * DAY, 40 * DAY, 9 * DAY) for i in range(12)]
    tablet = [(f"t{i}", "tablet", f"f{i}", None, 0, 900 * DAY, 0) for i in range(4)]
    bench = [(f"c{i}", "bench", f"c{i}", None, i * 10 * DAY, i * 10 * DAY + 3600, 0) for i in range(40)]
    d = device_signals(_facts(box + tablet + bench))
    scores = score.devices(d)["score"]
    assert d.loc["box", "sims_at_once"] == 12 and d.loc["box", "holders_at_once"] == 4
    assert scores["box"] > 0.9 > 0.1 > scores["tablet"]
    assert scores["bench"] < 0.05 and d.loc["bench", "brief_share"] == 1.0


def test_pass_through_account_versus_shop() -> None:
    accounts = [("mule", "m", "debit_card", 0, None, False), ("shop", "s", "debit_card", 0, None, False)]
    t = 100 * DAY
    transfers = [(f"v{i}", "mule", 5000.0, t + i * 3600) for i in range(6)]
    transfers += [("mule", "next", 4900.0, t + i * 3600 + 1800) for i in range(6)]
    transfers += [(f"c{i}", "shop", 50.0, t + i * 600) for i in range(60)]
    a = account_signals(_facts([], transfers=transfers, accounts=accounts), device_signals(_facts([])), set())
    s = score.accounts(a)
    assert a.loc["mule", "forwarded_share"] == 1.0 and a.loc["shop", "forwarded_share"] == 0.0
    assert s.loc["mule", "score"] > 0.8 > 0.2 > s.loc["shop", "score"]
    assert "passed 100% on within 0.5 h" in s.loc["mule", "reasons_en"]
    assert "小时内" in s.loc["mule", "reasons_zh"]


def test_noisy_or_and_logistic_stay_in_unit_interval() -> None:
    x = np.array([0, 1, 5, 100])
    curve = Curve(3, 1)
    assert ((curve(x) >= 0) & (curve(x) <= 1)).all()
    assert score.noisy_or(np.array([0.5]), np.array([0.5]))[0] == 0.75


def test_every_signal_computes_on_any_subset_of_facts() -> None:
    """A partial extract leaves whole fact tables empty (an operator has no transfers, a bank no sightings):
    every combination scores without error, and an absent table's evidence never appears in a reason."""
    import itertools

    from duanka.detect.signals import FACT_COLUMNS, person_signals, sim_signals, typed

    box = [(f"s{i}", "box", f"p{i % 4}", None, 10 * DAY, 40 * DAY, 9 * DAY) for i in range(12)]
    used = [(f"a{i}", "phone", f"p{i % 4}", 10 * DAY, 40 * DAY, 9 * DAY) for i in range(8)]
    transfers = [(f"v{i}", "a0", 5000.0, 20 * DAY + i) for i in range(4)] + [("a0", "x", 19000.0, 20 * DAY + 3600)]
    accounts = [(f"a{i}", f"p{i % 4}", "debit_card", 9 * DAY + i, None, i == 0) for i in range(8)]
    sims = pd.DataFrame(
        [(f"s{i}", f"p{i % 4}", 9 * DAY + i, "o", True, 15, 15, 300, False) for i in range(12)],
        columns=list(FACT_COLUMNS["sims"]),
    )
    full = _facts(box, used, transfers, accounts)
    full.sims = typed("sims", sims)
    tables = ("sims", "seen", "accounts", "used", "transfers")
    for k in range(len(tables) + 1):
        for blank in itertools.combinations(tables, k):
            f = Facts(**{t: (typed(t) if t in blank else getattr(full, t)) for t in tables})
            devices = device_signals(f)
            people = score.persons(person_signals(f, devices))
            numbers = score.sims(sim_signals(f, devices))
            accts = score.accounts(account_signals(f, devices, set()))
            reasons = " ".join([*people["reasons_en"], *numbers["reasons_en"], *accts["reasons_en"]])
            if "transfers" in blank:
                assert "yuan" not in reasons, blank
            if "seen" in blank:
                assert "ran in device" not in reasons and "cards seen in" not in reasons, blank
