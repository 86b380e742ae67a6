"""Extracts duanka's generator did not write: every valid one loads, every subset works end to end.

The extracts under fixtures/foreign/ are written by fixtures/foreign/write.py, which imports
nothing from duanka; each folder's README.md says what it carries.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from helpers import empty, graph_snapshot, ingest_source
from worlds import GeneratedWorlds

from duanka import db, queries
from duanka.errors import DuankaError, Unavailable, is_transient, retry_if_transient
from duanka.ingest import read
from duanka.ingest.callrecords import CallAggregator
from duanka.ingest.contract import SPECS
from duanka.ingest.mapping import SourceMapping
from duanka.ingest.normalise import parse_timestamps, timestamp_text
from duanka.ingest.prepare import prepare, prepared_chunks
from duanka.library import LIBRARY
from duanka.settings import Settings

FOREIGN = Path(__file__).parent / "fixtures" / "foreign"


# -- pure: forms, numbers, mapping, aggregation --------------------------------------------------
def test_every_iso_form_of_one_instant_is_the_same_value() -> None:
    forms = [
        "2025-04-03T05:55:07+08:00",
        "2025-04-02T21:55:07Z",
        "2025-04-02T21:55:07z",
        "2025-04-03 05:55:07+0800",
        "2025-04-03T05:55:07+08",
        "2025-04-02T16:55:07-05:00",
        "2025-04-03T03:25:07.000+05:30",
        "2025-04-03T05:55:07",
        "2025-04-03 05:55:07",
        "2025-04-03T05:55:07.000",
        "20250403T055507",
    ]
    stamps = parse_timestamps(pd.Series(forms, dtype="string"))
    assert stamps.notna().all() and stamps.nunique() == 1, stamps.tolist()
    assert str(stamps.iloc[0]) == "2025-04-03 05:55:07+08:00"
    dates = parse_timestamps(
        pd.Series(["2025-04-03", "2025-04-03T00:00:00+08:00", "2025-04-02T16:00:00Z", None, "03/04/2025"])
    )
    assert dates.iloc[:3].nunique() == 1 and dates.iloc[3:].isna().all()


def test_a_column_of_local_seconds_reads_as_the_general_path_reads_it() -> None:
    """The fast path (every value `YYYY-MM-DDTHH:MM:SS` or missing) parses and stores each value exactly as
    the general path does when one other form in the column sends the whole column there."""
    common = ["2026-07-10T10:26:51", None, "2025-02-30T10:00:00", "2026-07-10t23:59:59", " 2024-02-29T00:00:00 "]
    fast = pd.Series(common, dtype="string")
    general = pd.Series([*common, "2026-07-10T10:26:51Z"], dtype="string")
    assert parse_timestamps(fast).equals(parse_timestamps(general).iloc[:-1])
    assert timestamp_text(fast).equals(timestamp_text(general).iloc[:-1])
    assert timestamp_text(fast).tolist() == [
        "2026-07-10T10:26:51+08:00",
        None,
        None,  # no 30 February: quarantined by validation, never stored
        "2026-07-10T23:59:59+08:00",
        "2024-02-29T00:00:00+08:00",
    ]


def _prepared(spec: str, rows: dict[str, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(rows, dtype="string", index=pd.RangeIndex(2, 2 + len(next(iter(rows.values()))), name="line"))
    out = prepare(SPECS[spec], read.Chunk(frame))
    return out.typed, out.problems


def test_spreadsheet_numbers_are_read_as_meant_or_quarantined() -> None:
    typed, problems = _prepared(
        "sims",
        {
            "msisdn": ["13800138000.0", "1.38001E+10", "+86 139-1234-5678", "8613712345678"],
            "holder_person_id": ["P1", "P1", "P1", "P1"],
            "imsi": ["460001234567890.0", "", "", ""],
        },
    )
    assert typed["msisdn"].tolist() == ["13800138000", "13912345678", "13712345678"]
    assert typed["imsi"].iloc[0] == "460001234567890"
    assert problems["line"].tolist() == [3] and "scientific notation" in problems["reason"].iloc[0]
    typed, problems = _prepared(
        "calls",
        {
            "caller_msisdn": ["13800138000"] * 2,
            "callee_msisdn": ["13900139000", "13700137000"],
            "count": ["3.0", "2.5"],
        },
    )
    assert typed["count"].tolist() == [3] and problems["line"].tolist() == [3]


def test_a_mapping_file_reads_its_source_and_rejects_its_own_mistakes(tmp_path: Path) -> None:
    mapping = SourceMapping.find(FOREIGN / "chinese-headers", None)
    assert mapping.of("sims").columns["手机号码"] == "msisdn" and mapping.of("sims").values["carrier"]["01"] == "CMCC"
    chunk = next(prepared_chunks("sims", FOREIGN / "chinese-headers" / "号码信息.csv", None, mapping))
    assert chunk.problems.empty and set(chunk.typed["carrier"]) <= {"CMCC", "MVNO"}
    as_yaml = tmp_path / "mapping.yaml"
    as_yaml.write_text(
        yaml.safe_dump(
            {n: {"file": m.file, "columns": m.columns, "values": m.values} for n, m in mapping.files.items()},
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    assert SourceMapping.read(as_yaml).files == mapping.files
    bad = tmp_path / "bad.toml"
    bad.write_text('[sims.columns]\n"手机号码" = "phone"\n[simz]\nfile = "x.csv"\n', encoding="utf-8")
    with pytest.raises(DuankaError) as err:
        SourceMapping.read(bad)
    assert "'phone', which sims does not have" in str(err.value) and "[simz] is not a file" in str(err.value)


def test_raw_call_records_sum_to_the_pair_summary() -> None:
    """Spilled to three partitions, the raw records of operator-only equal the summary offsets/ carries
    (written there in mixed timestamp forms): same pairs, counts, durations, first and last times."""
    mapping = SourceMapping()
    summary = pd.concat(c.typed for c in prepared_chunks("calls", FOREIGN / "offsets" / "calls.csv", None, mapping))
    with CallAggregator(Path("/tmp") / f"duanka-test-calls-{id(mapping)}", source_bytes=0) as calls:
        calls.partitions = 3
        for chunk in read.chunks(FOREIGN / "operator-only" / "call_records.csv", size=200):
            calls.add(prepare(SPECS["call_records"], chunk).typed)
        parts = list(calls.summaries())
    assert len(parts) == 3
    summed = pd.concat(parts)
    key = ["caller_msisdn", "callee_msisdn", "kind"]
    left = summed.sort_values(key).reset_index(drop=True).astype(str)
    right = summary[left.columns].sort_values(key).reset_index(drop=True).astype(str)
    pd.testing.assert_frame_equal(left, right)


def test_only_transient_errors_are_retried() -> None:
    from neo4j.exceptions import ServiceUnavailable, TransientError
    from prefect.states import Failed

    def wrapped(exc: BaseException) -> BaseException:
        try:
            try:
                raise exc
            except BaseException as inner:
                raise DuankaError("writing failed") from inner
        except DuankaError as outer:
            return outer

    assert is_transient(Unavailable("down")) and is_transient(wrapped(ServiceUnavailable("gone")))
    assert is_transient(TransientError("deadlock"))
    assert not is_transient(DuankaError("persons.csv has no column 'person_id'")) and not is_transient(TypeError("x"))
    assert retry_if_transient(None, None, Failed(data=Unavailable("down")))
    assert not retry_if_transient(None, None, Failed(data=ValueError("bad value")))


def test_files_that_are_not_csv_fail_at_once_by_name(settings: Settings, tmp_path: Path) -> None:
    shutil.copytree(FOREIGN / "bank-only", tmp_path / "x")
    (tmp_path / "x" / "transfers.csv").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(DuankaError, match=r"transfers\.csv is a spreadsheet workbook"):
        ingest_source(tmp_path / "x", settings)
    (tmp_path / "x" / "transfers.csv").write_bytes("from_account,to_account\n".encode("utf-16"))
    with pytest.raises(DuankaError, match=r"transfers\.csv is not CSV text"):
        ingest_source(tmp_path / "x", settings)


def test_every_missing_column_is_named_in_one_error(empty_db: Settings, tmp_path: Path) -> None:
    source = tmp_path / "x"
    shutil.copytree(FOREIGN / "offsets", source)
    for name, column in (("sims", "msisdn"), ("transfers", "amount")):
        frame = pd.read_csv(source / f"{name}.csv", dtype=str, encoding="utf-8-sig")
        frame.drop(columns=[column]).to_csv(source / f"{name}.csv", index=False)
    with pytest.raises(DuankaError) as err:
        ingest_source(source, empty_db)
    assert "sims.csv is rejected: its header (line 1) has no required column 'msisdn'" in str(err.value)
    assert "transfers.csv is rejected: its header (line 1) has no required column 'amount'" in str(err.value)
    assert graph_snapshot(empty_db)["nodes"] == 0  # nothing loaded


def test_a_first_extract_needs_holders_and_cards_an_increment_does_not(empty_db: Settings) -> None:
    with pytest.raises(DuankaError, match="a first extract needs persons and sims or bank_accounts"):
        ingest_source(FOREIGN / "reports-only", empty_db)
    assert ingest_source(FOREIGN / "bank-only", empty_db).ok
    result = ingest_source(FOREIGN / "reports-only", empty_db)
    assert result.ok and result.files[0].rows_loaded == 6


# -- the graph: the same data in other shapes gives the same graph ------------------------------
def _only(tmp_path: Path, name: str, files: dict[str, Path]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for target, path in files.items():
        shutil.copy(path, folder / target)
    return folder


def test_raw_records_summary_or_both_load_the_same_graph(empty_db: Settings, tmp_path: Path) -> None:
    base = {
        n: FOREIGN / "operator-only" / n for n in ("persons.csv", "sims.csv", "devices.csv", "sim_device_links.csv")
    }
    raw = _only(tmp_path, "raw", base | {"call_records.csv": FOREIGN / "operator-only" / "call_records.csv"})
    summary = _only(tmp_path, "summary", base | {"calls.csv": FOREIGN / "offsets" / "calls.csv"})
    both = FOREIGN / "operator-only"  # raw rows and a third of their pairs summarised again
    snapshots = []
    for source in (raw, summary, both):
        empty(empty_db)
        assert ingest_source(source, empty_db).ok
        snapshots.append(graph_snapshot(empty_db))
    assert snapshots[0] == snapshots[1] == snapshots[2]


def test_bulk_and_bolt_read_every_timestamp_form_alike(empty_db: Settings, tmp_path: Path) -> None:
    """offsets/ mixes eight timestamp forms; operator-only/ has raw records and their summary in one extract."""
    for source in (FOREIGN / "offsets", FOREIGN / "operator-only"):
        empty(empty_db)
        assert ingest_source(source, empty_db).ok
        bolt = graph_snapshot(empty_db)
        empty(empty_db)
        assert ingest_source(source, empty_db, bulk=True).ok
        assert graph_snapshot(empty_db) == bolt, source.name


# -- the whole pipeline, as a user runs it ------------------------------------------------------
EXPECTED = {  # fixture → roles its leads must include; evidence the run must report absent
    "offsets": ({"card_farmer", "card_collector", "number_dealer", "device_farm", "fraud_sim", "mule_account"}, set()),
    "chinese-headers": ({"device_farm", "fraud_sim", "card_farmer"}, {"TRANSFER", "USED_FROM", "HOLDS_ACCOUNT"}),
    "excel-mangled": ({"device_farm", "fraud_sim", "card_farmer"}, {"TRANSFER", "USED_FROM", "REPORTS_SIM"}),
    "operator-only": ({"device_farm", "fraud_sim"}, {"TRANSFER", "USED_FROM", "HOLDS_ACCOUNT", "REPORTS_SIM"}),
    "bank-only": ({"mule_account", "card_farmer"}, {"CALLED", "SEEN_IN", "HOLDS_SIM", "REPORTS_SIM"}),
}
# Words a reason may only use when that evidence was loaded.
CITES = {
    "CALLED": ("called",),
    "SEEN_IN": ("SIM box", "ran in", "seen in"),
    "TRANSFER": ("yuan", "payers"),
    "HOLDS_SIM": ("SIM cards within",),
    "REPORTS": ("victim report",),
    "USED_FROM": ("operated",),
}


@pytest.mark.slow
@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_the_pipeline_runs_on_each_foreign_extract(
    prefect_server: None, empty_db: Settings, tmp_path: Path, fixture: str
) -> None:
    from flows.pipeline import pipeline

    out = tmp_path / "out"
    result = pipeline(str(FOREIGN / fixture), str(out), lang="en")
    assert all(f["reconciled"] for f in result["ingest"]["files"])
    leads = pd.read_csv(out / "leads.csv", dtype=str, encoding="utf-8-sig")
    roles, absent = EXPECTED[fixture]
    assert roles <= set(leads["role"]), (fixture, leads["role"].value_counts().to_dict())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    held = manifest["evidence"]
    assert {k for k, n in held.items() if n == 0} >= absent
    held["REPORTS"] = held["REPORTS_SIM"] + held["REPORTS_ACCOUNT"]
    for kind, words in CITES.items():
        if not held[kind]:
            cited = leads[leads["reasons"].fillna("").str.contains("|".join(map(re.escape, words)), regex=True)]
            assert cited.empty, (fixture, kind, cited["reasons"].head(3).tolist())
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Evidence this run had" in report and "Absent" in report
    _casework_and_guide_work(empty_db, out, leads)


def _casework_and_guide_work(settings: Settings, out: Path, leads: pd.DataFrame) -> None:
    """A case file, an explanation and every query of the Browser guide, on whatever this extract held."""
    from duanka.browser import EXAMPLES, _parts
    from duanka.casework import CaseParams, case_file, explain

    ref = leads["lead_ref"].iloc[0]
    assert explain(settings, ref)["ref"]
    clusters = pd.read_csv(out / "clusters.csv", dtype=str, encoding="utf-8-sig")
    assert case_file(settings, CaseParams(clusters["cluster_id"].iloc[0], out / "case"))
    with db.session(settings) as sess:
        for name in LIBRARY:
            _, params, _cypher = _parts(name)
            values = {p: db.read(sess, f"RETURN {EXAMPLES[p]} AS v")[0]["v"] for p in params}
            db.read(sess, queries.load(name), **values)


@pytest.mark.slow
def test_a_reports_increment_onto_an_operator_graph(prefect_server: None, empty_db: Settings, tmp_path: Path) -> None:
    """Police send reports only; the numbers they name were loaded from an operator the day before."""
    from flows.pipeline import pipeline

    first = pipeline(str(FOREIGN / "operator-only"), str(tmp_path / "day1"), lang="en")
    second = pipeline(str(FOREIGN / "reports-only"), str(tmp_path / "day2"), lang="en")
    assert [f["file"] for f in second["ingest"]["files"]] == ["reports"]
    before = pd.read_csv(tmp_path / "day1" / "leads.csv", dtype=str, encoding="utf-8-sig")
    after = pd.read_csv(tmp_path / "day2" / "leads.csv", dtype=str, encoding="utf-8-sig")
    assert first["detect"]["run_id"] != second["detect"]["run_id"]
    assert not before["reasons"].str.contains("victim report").any()
    assert after["reasons"].str.contains("victim report").sum() == 6


# -- every subset the contract allows, of a generated extract --------------------------------------
OPTIONAL = ("outlets", "devices", "sim_device_links", "account_device_links", "transfers", "calls", "reports")


@pytest.fixture()
def generated(generated_worlds: GeneratedWorlds) -> Path:
    return generated_worlds.extract("demo", persons=400, seed=3, difficulty="hard")


def _run_all(settings: Settings, source: Path, out: Path) -> pd.DataFrame:
    """Ingest, detect and export without Prefect (the flows wire exactly these), returning the lead list."""
    from duanka.export.run import ExportParams, export
    from flows.detect import detect

    assert ingest_source(source, settings).ok
    detect()
    export(settings, ExportParams(out, lang="en"))
    return pd.read_csv(out / "leads.csv", dtype=str, encoding="utf-8-sig")


@pytest.mark.slow
def test_every_allowed_subset_and_increment_runs_end_to_end(
    empty_db: Settings, generated: Path, tmp_path: Path
) -> None:
    """First extracts: persons with sims, or with accounts, each with every optional file but one.
    Increments: each file alone onto a graph that holds persons, sims and accounts."""
    csvs = {p.stem: p for p in generated.glob("*.csv") if p.stem in SPECS}
    firsts = [("persons", "sims"), ("persons", "bank_accounts")]
    firsts += [tuple(n for n in csvs if n != left_out) for left_out in OPTIONAL]
    for i, names in enumerate(firsts):
        empty(empty_db)
        source = _only(tmp_path, f"first-{i}", {f"{n}.csv": csvs[n] for n in names})
        leads = _run_all(empty_db, source, tmp_path / f"out-first-{i}")
        assert len(leads) > 0 or set(names) <= {"persons", "sims", "bank_accounts"}, names
    empty(empty_db)
    _run_all(
        empty_db,
        _only(tmp_path, "base", {f"{n}.csv": csvs[n] for n in ("persons", "sims", "bank_accounts")}),
        tmp_path / "out-base",
    )
    for name in OPTIONAL:
        leads = _run_all(
            empty_db, _only(tmp_path, f"inc-{name}", {f"{name}.csv": csvs[name]}), tmp_path / f"out-{name}"
        )
        assert (tmp_path / f"out-{name}" / "report.html").exists() and "status" in leads.columns


def test_numbers_without_holders_load_alike_by_bulk_and_bolt(
    empty_db: Settings, tmp_path: Path, generated_worlds: GeneratedWorlds
) -> None:
    """An operator's numbers with no real-name records (persons a header, every holder empty): the bulk
    import once refused it (a holders' file with no rows names an ID group nothing defines)."""
    from duanka.generate.views import operator_view

    world = generated_worlds.extract("demo", persons=800, seed=6)
    source = operator_view(world, tmp_path / "numbers", holders=False)
    empty(empty_db)
    assert ingest_source(source, empty_db).ok
    bolt = graph_snapshot(empty_db)
    empty(empty_db)
    assert ingest_source(source, empty_db, bulk=True).ok
    assert graph_snapshot(empty_db) == bolt


# -- extracts in the shapes real data is shared in: numbers only, projected, pseudonymised ---------------------
REAL_SHAPES = {  # fixture → columns its source pseudonymised (read as tokens without a mapping)
    "numbers-only-directed": set(),
    "symmetric-projection": set(),
    "pseudonymised-operator": {"sims.msisdn", "calls.caller_msisdn", "sim_device_links.device_id"},
    "pseudonymised-operator-hex32": {"sims.msisdn", "calls.callee_msisdn", "sim_device_links.device_id"},
}
NO_TIMES_OR_DURATIONS = ("second", "秒", " day", "天", "hour", "小时", "burst", "集中")


@pytest.mark.slow
@pytest.mark.parametrize("fixture", sorted(REAL_SHAPES))
def test_an_extract_shaped_as_real_data_is_shared_is_ranked_and_explained(
    prefect_server: None, empty_db: Settings, tmp_path: Path, fixture: str
) -> None:
    """Written from the contract alone (real_shapes.py): nothing quarantined, tokens recognised unasked, a
    ranking exported even below the lead line, the lead count explained, and no reason cites the times and
    durations these extracts lack. The fraud share of the ranking is logged, not asserted: these are the
    figures docs/evaluation.md reports for data the generator did not write."""
    from flows.pipeline import pipeline

    out = tmp_path / "out"
    result = pipeline(str(FOREIGN / fixture), str(out), lang="en", budget=100)
    files = result["ingest"]["files"]
    assert all(f["reconciled"] for f in files), files
    # Service numbers (400…, 95…, 96…) are valid callees by the contract, but not yet modelled: until they
    # are, they are the only rows quarantined.
    quarantined = pd.read_csv(result["ingest"]["quarantine"], dtype=str)
    assert quarantined["value"].str.fullmatch(r"(400|95|96)\d+").all(), quarantined.head(3)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    tokens = {column for source in manifest["sources"] for column in source["tokens"]}
    assert REAL_SHAPES[fixture] <= tokens, tokens
    leads = pd.read_csv(out / "leads.csv", dtype=str, encoding="utf-8-sig")
    assert len(leads) > 0 and manifest["leads_note"]["en"], "a ranking, and why the lead count is what it is"
    reasons = leads["reasons"].fillna("")
    assert not reasons.str.contains("|".join(NO_TIMES_OR_DURATIONS), case=False).any(), reasons.head(3).tolist()
    truth = pd.read_csv(FOREIGN / fixture / "truth.csv", dtype=str)
    fraud = set(truth.loc[truth["role"] == "fraud_sim", "entity_id"])
    with db.session(empty_db) as sess:
        ranked = [
            r["id"]
            for r in db.read(
                sess,
                "MATCH (s:Sim)-[f:FLAGGED_IN|RANKED_IN]->(r:Run {run_id: $run}) RETURN s.msisdn AS id ORDER BY f.rank",
                run=result["detect"]["run_id"],
            )
        ]
    top = ranked[:100]
    share = sum(n in fraud for n in top) / max(1, len(top))
    r_precision = sum(n in fraud for n in ranked[: len(fraud)]) / max(1, len(fraud))
    print(
        f"{fixture}: {len(ranked)} numbers ranked; top {len(top)}: {share:.2f} fraud; {len(fraud)} fraud in truth; "
        f"R-precision {r_precision:.2f}"
    )
