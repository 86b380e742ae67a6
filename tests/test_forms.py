"""Property: any valid way of writing an extract's timestamps and numbers loads the same graph.

Each example rewrites every timestamp and number column of a generated extract into
random valid forms — offsets, `Z`, fractions, spaces, dates alone; `+86 138-…`,
`13800138000.0`, `1,234.50`, a lower-case `x` — and loads it into an empty database:
every node and relationship, with every property, must equal the canonical load's.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
from helpers import graph_snapshot, ingest_source, load_into_empty
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from duanka.generate import generate
from duanka.ingest.contract import SPECS
from duanka.settings import Settings

pytestmark = pytest.mark.slow
CST = timezone(timedelta(hours=8))


def timestamp(rng: random.Random, text: str) -> str:
    at = datetime.fromisoformat(text).replace(tzinfo=CST)
    offset = timezone(timedelta(minutes=rng.choice((-300, -180, 0, 330, 480, 540, 765))))
    forms = [
        lambda: at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        lambda: at.isoformat(),
        lambda: at.strftime("%Y-%m-%d %H:%M:%S%z"),
        lambda: at.strftime("%Y-%m-%dT%H:%M:%S+08"),
        lambda: at.astimezone(offset).isoformat(),
        lambda: at.astimezone(offset).strftime("%Y-%m-%dT%H:%M:%S.000%z"),
        lambda: at.strftime("%Y-%m-%d %H:%M:%S.000"),
        lambda: at.strftime("%Y-%m-%dt%H:%M:%S"),
    ]
    if at.hour == at.minute == at.second == 0:
        forms.append(lambda: at.strftime("%Y-%m-%d"))
    return rng.choice(forms)()


def date(rng: random.Random, text: str) -> str:
    return rng.choice([text, text + "T00:00:00", text + " 00:00:00+08:00", text.replace("-", "")])


def msisdn(rng: random.Random, text: str) -> str:
    text = re.sub(r"\D", "", text)[-11:]  # the generator writes some as `+86 138-…` already
    return rng.choice(
        [
            text,
            f"+86 {text[:3]}-{text[3:7]}-{text[7:]}",
            "86" + text,
            text + ".0",
            f"({text[:3]}) {text[3:7]} {text[7:]}",
        ]
    )


def whole(rng: random.Random, text: str) -> str:
    return rng.choice([text, text + ".0"]) if text.isdigit() else text


def amount(rng: random.Random, text: str) -> str:
    value = float(text)
    return rng.choice([text, f"{value:,.2f}", f"{value:.3f}", f"{value:g}" if value == int(value) else text])


def id_number(rng: random.Random, text: str) -> str:
    return text.lower() if text.endswith("X") and rng.random() < 0.5 else text


REWRITE = {
    "timestamp": timestamp,
    "date": date,
    "msisdn": msisdn,
    "count": whole,
    "nonneg_int": whole,
    "device_id": whole,
    "account_id": whole,
    "imsi": whole,
    "amount": amount,
    "money": amount,
    "id_number": id_number,
}


def rewrite(source: Path, target: Path, seed: int) -> None:
    rng = random.Random(seed)
    target.mkdir()
    for path in source.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        spec = SPECS.get(path.stem)
        for column in spec.columns if spec else ():
            change = REWRITE.get(column.kind)
            if change and column.name in frame.columns:
                frame[column.name] = [change(rng, v) if v else v for v in frame[column.name]]
        frame.to_csv(target / path.name, index=False)


@pytest.fixture(scope="module")
def canonical(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """A generated extract as the generator writes it, and the graph it loads."""
    out = tmp_path_factory.mktemp("canonical")
    generate(out, "demo", persons=250, seed=5, difficulty="hard")
    load_into_empty(settings, out)
    return out, graph_snapshot(settings)


@hyp_settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31))
def test_every_valid_form_loads_the_same_graph(
    empty_db: Settings, canonical: tuple[Path, dict[str, object]], tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    source, expected = canonical
    rewritten = tmp_path_factory.mktemp("forms") / "extract"
    rewrite(source, rewritten, seed)
    load_into_empty(empty_db, rewritten)
    assert graph_snapshot(empty_db) == expected
    result = ingest_source(rewritten, empty_db)  # and loaded again onto itself, nothing changes
    assert result.ok and graph_snapshot(empty_db) == expected
