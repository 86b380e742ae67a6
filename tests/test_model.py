"""The scoring model is declared once: scores and reasons read it, and no number hides elsewhere."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from duanka.detect import score
from duanka.detect.model import MODEL, Curve

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("module", ["duanka/detect/score.py", "duanka/detect/ranking.py"])
def test_no_scoring_number_outside_the_model(module: str) -> None:
    """Only 0 and 1 (a share's ends, noisy-OR's identity) may be written as decimals where scores are made."""
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    floats = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, float)]
    assert set(floats) <= {0.0, 1.0}, f"{module} holds {sorted(set(floats) - {0.0, 1.0})}: declare them in model.py"


def test_every_number_has_a_note_and_a_use() -> None:
    for name, _value, used, note in MODEL.noted():
        assert used and len(note) > 10, name


def persons(**counts: int) -> pd.DataFrame:
    row = {c: 0 for c in ("sims", "sim_burst", "accounts", "account_burst", "sims_away", "accounts_away")}
    row |= {c: 0 for c in ("sims_in_farms", "early_touches", "account_setups", "controlled_accounts")}
    row |= {"controlled_holders": 0, "virtual_share": 0.0} | counts
    frame = pd.DataFrame([row], index=["P1"])
    for c in ("sim_burst_start", "sim_burst_end", "account_burst_start", "account_burst_end"):
        frame[c] = 1_700_000_000
    return frame


@pytest.mark.parametrize(
    ("curve", "counts", "words"),
    [
        ("sim_burst", lambda n: {"sims": n, "sim_burst": n}, "SIM cards within"),
        ("account_burst", lambda n: {"accounts": n, "account_burst": n}, "bank cards within"),
        ("handled", lambda n: {"early_touches": n}, "new cards of other people"),
        ("controlled", lambda n: {"controlled_holders": n, "controlled_accounts": n}, "other holders for weeks"),
    ],
)
def test_a_reason_is_cited_where_its_term_reaches_the_quoted_level(curve: str, counts, words: str) -> None:
    """A reason and its score agree on what a burst is: cited from the count where the curve reaches 0.3."""
    c: Curve = getattr(MODEL, curve)
    below, at = score.persons(persons(**counts(c.quoted_from - 1))), score.persons(persons(**counts(c.quoted_from)))
    assert words not in below["reasons_en"].iloc[0]
    assert words in at["reasons_en"].iloc[0]
    assert c([c.quoted_from])[0] >= 0.3 > c([c.quoted_from - 1])[0]


def test_another_model_plugs_in_without_touching_the_code() -> None:
    """A calibrated or learned model is a Model with other numbers: scores and reasons follow it."""
    farmer = persons(sims=3, sim_burst=3, sims_away=3)
    stricter = replace(MODEL, version="test", sim_burst=Curve(6, 0.6))
    assert score.persons(farmer, stricter)["score"].iloc[0] < score.persons(farmer)["score"].iloc[0]
    assert "SIM cards within" in score.persons(farmer)["reasons_en"].iloc[0]
    assert "SIM cards within" not in score.persons(farmer, stricter)["reasons_en"].iloc[0]
