"""Signal arithmetic on hand-made facts (no database)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from duanka.detect import score, terms
from duanka.detect.model import DAY, Curve
from duanka.detect.signals import Facts, _bursts, _max_concurrency, account_signals, device_signals, worked_for


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
    assert terms.noisy_or(np.array([0.5]), np.array([0.5]))[0] == 0.75


@pytest.mark.slow
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
        [(f"s{i}", f"p{i % 4}", 9 * DAY + i, "o", True, 15, 15, 300, 15, 20 * DAY, 0, False) for i in range(12)],
        columns=list(FACT_COLUMNS["sims"]),
    )
    full = _facts(box, used, transfers, accounts)
    full.sims = typed("sims", sims)
    full.targets = typed(
        "targets",
        pd.DataFrame(
            [(f"s{i}", f"t{(i * 7 + j) % 40}") for i in range(12) for j in range(15)], columns=["caller", "callee"]
        ),
    )
    tables = ("sims", "seen", "accounts", "used", "transfers", "targets")
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
            if "targets" in blank:
                assert "shares its targets" not in reasons, blank


def test_a_box_run_one_holder_at_a_time_versus_a_used_phone() -> None:
    """Six farmers' cards, two at a time for three weeks each, hide the crowd but not the turnover; a used
    phone passes through three owners in years, a repair bench sees forty cards for an hour each."""
    box = [(f"s{i}", "box", f"p{i // 2}", None, (i // 2) * 21 * DAY, (i // 2 + 1) * 21 * DAY - 1, 0) for i in range(12)]
    used = [(f"u{i}", "used", f"o{i}", None, i * 400 * DAY, (i + 1) * 400 * DAY - 1, 0) for i in range(3)]
    bench = [(f"c{i}", "bench", f"c{i}", None, i * 10 * DAY, i * 10 * DAY + 3600, 0) for i in range(40)]
    d = device_signals(_facts(box + used + bench))
    scored = score.devices(d)
    assert d.loc["box", "holders_at_once"] == 1 and d.loc["box", "in_turn"] and d.loc["box", "farm"]
    assert not d.loc["used", "farm"] and not d.loc["bench", "farm"]
    assert scored.at["box", "role"] == "device_farm" and scored.at["box", "score"] > 0.35 > scored.at["used", "score"]
    assert "hosted 12 cards of 6 holders in turn" in scored.at["box", "reasons_en"]
    assert scored.at["bench", "score"] < 0.05


def test_worked_for_counts_suspected_holders_not_the_owner() -> None:
    """Weeks of use of suspects' accounts count; a brief set-up, an unsuspected holder and the owner do not."""
    own = [("m0", "cheap", "dealer", None, 0, 90 * DAY, 0)]
    used = [
        ("a1", "cheap", "f1", 0, 30 * DAY, 0),
        ("a2", "cheap", "f2", 0, 30 * DAY, 0),
        ("a3", "cheap", "f3", 0, 3600, 0),  # an hour: a set-up, not control
        ("a4", "cheap", "mum", 0, 300 * DAY, 0),
        ("a5", "cheap", "dealer", 0, 300 * DAY, 0),
    ]
    f = _facts(own, used)
    d = device_signals(f)
    got = worked_for(f, d, pd.Index(["f1", "f2", "f3", "dealer"]))
    assert got["cheap"] == 2


def test_a_card_also_in_a_family_tablet_has_not_left_its_holder() -> None:
    """A relative's one card lives in their own phone and in the family tablet (someone else's): not away;
    a farmer's sold card lives only in a collector's phone: away."""
    from duanka.detect.signals import person_signals, typed

    seen = [
        ("rel", "rel_phone", "relative", None, 0, 900 * DAY, 0),
        ("rel", "tablet", "relative", None, 0, 100 * DAY, 0),
        ("mum", "tablet", "mother", None, 0, 900 * DAY, 0),
        ("sold", "collector_phone", "farmer", None, 10 * DAY, 10 * DAY + 3600, 9 * DAY),
        ("coll", "collector_phone", "collector", None, 0, 900 * DAY, 0),
    ]
    f = _facts(seen)
    f.sims = typed("sims", pd.DataFrame({"msisdn": [r[0] for r in seen], "holder": [r[2] for r in seen]}))
    people = person_signals(f, device_signals(f))
    assert people.loc["relative", "sims_away"] == 0 and people.loc["farmer", "sims_away"] == 1


def test_money_from_the_rings_own_mules_marks_the_next_hop() -> None:
    """A second-level card paid by three suspected mules is a mule; a shop where two of them spent a little,
    among many ordinary customers, is not."""
    from duanka.detect.signals import paid_by

    accounts = [(a, "h", "debit_card", 0, None, False) for a in ("m1", "m2", "m3", "l2", "shop")]
    transfers = [(m, "l2", 9000.0, 10 * DAY) for m in ("m1", "m2", "m3")]
    transfers += [("m1", "shop", 50.0, 11 * DAY), ("m2", "shop", 80.0, 11 * DAY)]
    transfers += [(f"c{i}", "shop", 60.0, 12 * DAY) for i in range(30)]
    f = _facts([], transfers=transfers, accounts=accounts)
    a = paid_by(f, account_signals(f, device_signals(f), set()), pd.Index(["m1", "m2", "m3"]))
    assert a.loc["l2", "suspect_payers"] == 3 and a.loc["l2", "suspect_share"] == 1.0
    assert a.loc["shop", "suspect_payers"] == 2 and a.loc["shop", "suspect_share"] < 0.1
    scored = score.accounts(a)
    assert scored.at["l2", "kinds"] == 1 and "from 3 suspected accounts" in scored.at["l2", "reasons_en"]
    assert scored.at["l2", "score"] > 0.35 and scored.at["shop", "kinds"] == 0
    quick = score.accounts(a, explain=False)  # the first pass: the same numbers, no sentences
    assert quick[["score", "kinds"]].equals(scored[["score", "kinds"]]) and "reasons_en" not in quick


def test_money_signals_do_not_depend_on_the_order_transfers_were_read_in() -> None:
    """A region's transfers come sought by key, the whole graph's by scan: the same rows in another order
    must give the same signals to the last bit, or tied leads swap places between the two runs."""
    from duanka.detect.signals import paid_by

    rng = np.random.default_rng(3)
    mules = [f"m{a}" for a in range(20)]
    accounts = [(m, m, "debit_card", 0, None, False) for m in mules]
    transfers = [(f"v{j}", m, rng.integers(1, 10**6) / 100, 10 * DAY + j) for m in mules for j in range(5)]
    transfers += [(m, "next", rng.integers(1, 10**6) / 100, 10 * DAY + 60) for m in mules]
    signals = []
    for seed in range(4):
        shuffled = [transfers[i] for i in np.random.default_rng(seed).permutation(len(transfers))]
        f = _facts([], transfers=shuffled, accounts=accounts)
        a = paid_by(f, account_signals(f, device_signals(f), set()), pd.Index(["v0", "v1", "v2"]))
        signals.append(a[["in_amount", "forwarded_amount", "forwarded_share", "suspect_share"]])
    assert all(s.equals(signals[0]) for s in signals[1:])
