"""Pseudonymised extracts: tokens read as keys, declared or detected; whole-file failures stop the run at once."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd
import pytest

from duanka.errors import DuankaError
from duanka.export.mask import mask_id
from duanka.generate import generate
from duanka.generate.views import pseudonymise, token
from duanka.ingest import read
from duanka.ingest.contract import SPECS
from duanka.ingest.firstrows import first_rows, pseudonyms
from duanka.ingest.mapping import SourceMapping
from duanka.ingest.prepare import prepare
from duanka.ingest.run import IngestOptions, check
from duanka.ingest.tokens import PLAIN_AMONG_TOKENS, TOKEN_AMONG_PLAIN, Shape, shape_of
from duanka.settings import Settings

NUMBERS = [f"138{i:08d}" for i in range(300)]


def hex64(value: str) -> str:
    return hashlib.sha256(f"salt{value}".encode()).hexdigest()


def write(folder: Path, name: str, frame: pd.DataFrame) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / f"{name}.csv", index=False)
    return folder / f"{name}.csv"


def operator_extract(folder: Path, hide: object = hex64) -> Path:
    """An operator's numbers-only extract: persons empty, sims, devices, links and calls."""
    assert callable(hide)
    write(folder, "persons", pd.DataFrame(columns=["person_id"]))
    write(folder, "sims", pd.DataFrame({"msisdn": [hide(n) for n in NUMBERS], "holder_person_id": ""}))
    devices = [hide(f"86{i:013d}") for i in range(100)]
    write(folder, "sim_device_links", pd.DataFrame({"msisdn": [hide(n) for n in NUMBERS], "device_id": devices * 3}))
    callees = [hide(f"159{i:08d}") for i in range(300)]
    write(folder, "calls", pd.DataFrame({"caller_msisdn": [hide(n) for n in NUMBERS], "callee_msisdn": callees}))
    accounts = [hide(f"6222{i:012d}") for i in range(300)]
    write(folder, "bank_accounts", pd.DataFrame({"account_id": accounts, "bound_msisdn": [hide(n) for n in NUMBERS]}))
    return folder


def prepared(folder: Path, name: str, mapping: SourceMapping | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(typed rows, problems) of one file, with the token columns the whole extract's first rows decide."""
    mapping = mapping or SourceMapping()
    paths = {n: folder / f"{n}.csv" for n in SPECS if (folder / f"{n}.csv").exists()}
    found = pseudonyms(first_rows(paths, None), mapping)
    chunk = next(read.chunks(paths[name]))
    out = prepare(SPECS[name], chunk, mapping.of(name), found.of(name))
    return out.typed, out.problems


@pytest.mark.parametrize(
    "hide",
    [hex64, lambda v: hex64(v)[:32], lambda v: token(v, "base64"), lambda v: hex64(v).upper()],
    ids=["hex64", "hex32", "base64", "HEX64"],
)
def test_a_file_of_tokens_loads_without_declaration(tmp_path: Path, hide: object) -> None:
    folder = operator_extract(tmp_path, hide)
    paths = {n: folder / f"{n}.csv" for n in ("sims", "calls", "sim_device_links", "bank_accounts")}
    found = pseudonyms(first_rows(paths, None), SourceMapping())
    assert {"sims.msisdn", "calls.caller_msisdn", "calls.callee_msisdn", "sim_device_links.device_id"} <= set(
        found.described()
    )
    assert "bank_accounts.account_id" in found.described()
    sims, problems = prepared(folder, "sims")
    assert problems.empty, problems.head().to_dict("records")
    assert callable(hide)
    assert sims["msisdn"].tolist() == [hide(n) for n in NUMBERS]  # kept as written, case and all
    assert sims["carrier"].isna().all() and sims["is_virtual"].isna().all()  # nothing derived from a token
    calls, problems = prepared(folder, "calls")
    assert problems.empty and set(calls["caller_msisdn"]) == set(sims["msisdn"])  # the same token meets


def test_a_declared_column_of_short_tokens_is_read_as_tokens(tmp_path: Path) -> None:
    short = [hex64(n)[:12] for n in NUMBERS]  # too short to detect
    write(tmp_path, "persons", pd.DataFrame(columns=["person_id"]))
    write(tmp_path, "sims", pd.DataFrame({"号码": short}))
    undeclared = tmp_path / "plain.toml"
    undeclared.write_text('[sims.columns]\n"号码" = "msisdn"\n', encoding="utf-8")
    _, problems = prepared(tmp_path, "sims", SourceMapping.read(undeclared))
    assert len(problems) == len(short)
    declared = tmp_path / "mapping.toml"
    declared.write_text('[sims]\ntokens = ["号码"]\n[sims.columns]\n"号码" = "msisdn"\n', encoding="utf-8")
    mapping = SourceMapping.read(declared)
    typed, problems = prepared(tmp_path, "sims", mapping)
    assert problems.empty and typed["msisdn"].tolist() == short
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[sims]\ntokens = ["holder_person_id", "nothing"]\n', encoding="utf-8")
    with pytest.raises(DuankaError, match=r"'holder_person_id' is not an identifier.*\n.*'nothing' is not a column"):
        SourceMapping.read(wrong)


def test_a_token_among_plain_values_and_a_plain_value_among_tokens_are_quarantined(tmp_path: Path) -> None:
    plain = operator_extract(tmp_path / "plain", hide=str)
    sims = pd.read_csv(plain / "sims.csv", dtype=str)
    sims.loc[7, "msisdn"] = hex64("13900000000")
    sims.to_csv(plain / "sims.csv", index=False)
    _, problems = prepared(plain, "sims")
    assert problems[["line", "column", "reason"]].to_dict("records") == [
        {"line": 9, "column": "msisdn", "reason": TOKEN_AMONG_PLAIN}
    ]
    hidden = operator_extract(tmp_path / "hidden")
    calls = pd.read_csv(hidden / "calls.csv", dtype=str)
    calls.loc[3, "callee_msisdn"] = "13900000000"
    calls.to_csv(hidden / "calls.csv", index=False)
    _, problems = prepared(hidden, "calls")
    assert problems[["line", "column", "value", "reason"]].to_dict("records") == [
        {"line": 5, "column": "callee_msisdn", "value": "13900000000", "reason": PLAIN_AMONG_TOKENS}
    ]


def test_a_file_of_garbage_fails_fast_with_one_error_naming_what_it_holds(tmp_path: Path) -> None:
    folder = operator_extract(tmp_path, hide=str)
    calls = pd.read_csv(folder / "calls.csv", dtype=str)
    calls["callee_msisdn"] = pd.date_range("2026-01-01", periods=len(calls), freq="h").strftime("%Y-%m-%d %H:%M:%S")
    calls.to_csv(folder / "calls.csv", index=False)
    with pytest.raises(DuankaError) as raised:
        check(Settings.from_env(), IngestOptions(folder))  # before anything is loaded: no database is asked
    message = str(raised.value)
    assert message.startswith("Nothing was loaded.")
    assert "calls.csv fails as a whole: all of its first 300 rows fail on column 'callee_msisdn'" in message
    assert "holds timestamps" in message and "expected a mainland mobile number" in message
    assert "shifted column" in message
    assert "2026-01-01 00:00:00" not in message  # the sample is masked


def test_a_column_of_unrecognised_tokens_fails_fast_saying_how_to_declare_it(tmp_path: Path) -> None:
    folder = operator_extract(tmp_path, hide=lambda v: hex64(v)[:10])
    with pytest.raises(DuankaError, match=r"10 hexadecimal characters.*tokens = \[\"msisdn\"\]"):
        check(Settings.from_env(), IngestOptions(folder))


def test_the_quarantine_benchmark_reconciles(tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
    from quarantine import quarantine_file, write_extract  # type: ignore[import-not-found]

    for token_ids in (False, True):
        path = write_extract(tmp_path / str(token_ids), 4000, token=token_ids)
        assert quarantine_file(path, tmp_path / "q.csv") == (4000, 2000, 2000)
        quarantined = pd.read_csv(tmp_path / "q.csv", dtype=str)
        assert quarantined["line"].astype(int).tolist() == list(range(3, 4002, 2))
        reasons = set(quarantined["reason"])  # a call's number may also be a service number or a port code
        assert (
            reasons == {PLAIN_AMONG_TOKENS}
            if token_ids
            else len(reasons) == 1 and reasons.pop().startswith("not a mainland mobile number, a service number")
        )
        assert quarantined["row"].str.startswith('{"caller_msisdn":').all()


def test_a_pseudonymised_world_keeps_one_token_per_value_across_files_and_truth(tmp_path: Path) -> None:
    plain, hidden = tmp_path / "plain", tmp_path / "hidden"
    generate(plain, "demo", persons=200, seed=4)
    pseudonymise(plain, hidden, "base64")
    sims, links = (
        pd.read_csv(hidden / f"{t}.csv", dtype=str, keep_default_na=False) for t in ("sims", "sim_device_links")
    )
    original = pd.read_csv(plain / "sims.csv", dtype=str, keep_default_na=False)
    assert sims["msisdn"].tolist() == [token(v, "base64") for v in original["msisdn"]]
    plain_links = pd.read_csv(plain / "sim_device_links.csv", dtype=str, keep_default_na=False)
    assert links["msisdn"].tolist() == [token(v, "base64") for v in plain_links["msisdn"]]
    assert set(links["msisdn"]) & set(sims["msisdn"])  # the same number, the same token in both files
    assert sims["carrier"].tolist() == original["carrier"].tolist()  # the source's own carriers stay
    truth = pd.read_csv(hidden / "truth.csv", dtype=str)
    plain_truth = pd.read_csv(plain / "truth.csv", dtype=str)
    sim_ids = truth["entity_type"] == "sim"
    assert truth.loc[sim_ids, "entity_id"].tolist() == [
        token(v, "base64") for v in plain_truth.loc[sim_ids, "entity_id"]
    ]


def test_a_token_is_masked_first_4_and_last_4_whatever_entity_it_names() -> None:
    for value in (hex64("x"), hex64("x")[:32], token("x", "base64")):
        for kind in ("sim", "account", "device", "person", None):
            shown = mask_id(value, kind)
            assert shown[:4] == value[:4] and shown[-4:] == value[-4:] and "*" in shown[4:-4]
            assert value[4:-4] not in shown


def test_the_pseudonymised_world_gives_the_plain_world_s_leads_in_the_same_order(
    settings: Settings, tmp_path: Path
) -> None:
    """Carrier and MVNO columns are the source's own in both worlds, so nothing a token hides is missed:
    the same scores, and the same order up to ties (equal scores are ordered by id, and ids differ)."""
    from helpers import empty, ingest_source

    from flows.detect import detect

    plain, hidden = tmp_path / "plain", tmp_path / "hidden"
    generate(plain, "demo", persons=600, seed=7)
    pseudonymise(plain, hidden, "hex64")
    leads: dict[str, pd.DataFrame] = {}
    for name, folder in (("plain", plain), ("hidden", hidden)):
        empty(settings)
        result = ingest_source(folder, settings)
        assert result.ok
        if name == "hidden":
            assert {"sims.msisdn", "calls.caller_msisdn", "bank_accounts.account_id", "devices.device_id"} <= set(
                result.tokens
            )
        found = detect(seed=3).leads[["entity_type", "entity_id", "role", "score"]].reset_index(drop=True)
        leads[name] = found.assign(score=found["score"].round(9))
    hidden_kinds = ("person", "sim", "account", "device")
    expected = leads["plain"].assign(
        entity_id=[
            token(i, "hex64") if t in hidden_kinds else i
            for t, i in zip(leads["plain"]["entity_type"], leads["plain"]["entity_id"], strict=True)
        ]
    )
    assert len(expected) > 20
    assert leads["hidden"]["score"].tolist() == expected["score"].tolist()  # the same order, score by score
    in_one_order = ["score", "entity_type", "entity_id"]
    assert leads["hidden"].sort_values(in_one_order, ignore_index=True).to_dict("records") == expected.sort_values(
        in_one_order, ignore_index=True
    ).to_dict("records")


def test_plain_identity_numbers_with_an_x_are_not_tokens(tmp_path: Path) -> None:
    generate(tmp_path, "demo", persons=300, seed=11)
    found = pseudonyms(
        first_rows({"persons": tmp_path / "persons.csv", "sims": tmp_path / "sims.csv"}, None), SourceMapping()
    )
    assert found.described() == {}


def test_values_far_longer_than_any_digest_are_never_read_as_tokens() -> None:
    """A column of one 3,000-character value: no token shape, and fitting a shape to it does not build a
    regular expression Arrow refuses (a repetition count of 3,000)."""
    hostile = pd.Series(["ab" * 1500, "ab" * 1500, "x"], dtype="string[pyarrow]")
    assert shape_of(hostile) is None
    assert shape_of(hostile, declared=True) == Shape("base64", None)
    assert Shape("hex", 64).fits(hostile).tolist() == [False, False, False]
