"""Outcomes case teams send back, in one command: read liberally, recorded in batches as decisions,
unmatched rows listed, audited once, idempotent; learned from; and truth or outcomes files for evaluation."""

from __future__ import annotations

import os
import shutil
import stat
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from helpers import load_into_empty
from openpyxl import Workbook
from typer.testing import CliRunner

from duanka import audit, db, queries
from duanka.casework import decide
from duanka.cli import app
from duanka.errors import DuankaError
from duanka.ids import sha256_of
from duanka.outcomes.read import outcome_of, read
from duanka.outcomes.record import record_file
from duanka.settings import Settings

ENGLISH = "entity,outcome,by,decided_at,note\n"


# -- reading, no database -------------------------------------------------------------------------
def test_a_workbook_with_a_title_row_chinese_headers_and_excel_cells_reads(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["某市公安局 涉诈号码认定结果（第 3 批）"])
    sheet.append(["号码", "认定结果（确认/排除）", "认定人", "认定时间", "备注"])
    sheet.append([13800138000, "确认涉诈", "王警官", datetime(2026, 11, 28, 10, 30), "窝点查获 40 张卡"])
    sheet.append(["6222021234567890128", "误报", None, "2026年11月29日", None])
    sheet.append(["P00000001", "待核查", "李警官", 46000, "x"])
    sheet.append([None, None, None, None, None])
    book.save(tmp_path / "结果.xlsx")
    found = read(tmp_path / "结果.xlsx")
    assert found.columns == {
        "entity": "号码",
        "outcome": "认定结果（确认/排除）",
        "by": "认定人",
        "decided_at": "认定时间",
        "note": "备注",
    }
    rows = found.rows
    assert list(rows.index) == [3, 4, 5], "line numbers as the workbook shows them; blank rows skipped"
    assert rows["entity"].tolist() == ["13800138000", "6222021234567890128", "P00000001"]
    assert rows["outcome"].tolist() == ["confirmed", "dismissed", "under_review"]
    assert rows["decided_at"].tolist() == [
        "2026-11-28T10:30:00+08:00",
        "2026-11-29T00:00:00+08:00",
        "2025-12-09T00:00:00+08:00",
    ]


def test_csv_in_gb18030_and_with_a_bom_read_alike(tmp_path: Path) -> None:
    text = "对象,结论,核查人,日期,说明\nsim:13800138000,排除,赵,2026/11/28,维修店\n"
    (tmp_path / "gb.csv").write_bytes(text.encode("gb18030"))
    (tmp_path / "bom.csv").write_bytes(text.encode("utf-8-sig"))
    a, b = read(tmp_path / "gb.csv").rows, read(tmp_path / "bom.csv").rows
    assert a.equals(b) and a.at[2, "outcome"] == "dismissed" and a.at[2, "note"] == "维修店"


def test_a_missing_column_and_an_unknown_word_say_what_is_wanted(tmp_path: Path) -> None:
    (tmp_path / "o.csv").write_text("号码,认定人\n13800138000,王\n", encoding="utf-8")
    with pytest.raises(DuankaError, match=r"no outcome column .*号码, 认定人"):
        read(tmp_path / "o.csv")
    assert outcome_of("确认") == outcome_of("Confirmed") == outcome_of("confirmed 已由侦查员确认") == "confirmed"
    assert outcome_of("排除") == outcome_of("误报") == "dismissed"
    assert outcome_of("核查中") == outcome_of("待核查") == "under_review"
    assert outcome_of("guilty") is None and outcome_of("suspected 疑似（未经核实）") is None


# -- against the database ----------------------------------------------------------------------------


def leads(settings: Settings) -> list[dict]:
    with db.session(settings) as sess:
        return db.read(sess, queries.load("latest_leads"), limit=100_000)


def undecided(settings: Settings, kinds: tuple[str, ...] = ("sim", "account", "person", "device")) -> list[dict]:
    with db.session(settings) as sess:
        ids = {
            r["k"]
            for r in db.read(
                sess,
                "MATCH (:Decision)-[:ABOUT]->(n) RETURN coalesce(n.person_id, n.msisdn, n.account_id, n.device_id) AS k",
            )
        }
    return [r for r in leads(settings) if r["entity_type"] in kinds and r["entity_id"] not in ids]


def decisions(settings: Settings) -> int:
    with db.session(settings) as sess:
        return int(db.read(sess, "MATCH (d:Decision) RETURN count(d) AS n")[0]["n"])


def test_a_csv_is_recorded_unmatched_rows_listed_audited_once_and_a_rerun_records_nothing(
    settings: Settings, detected_world: Path, tmp_path: Path
) -> None:
    a, b, c = undecided(settings)[:3]
    person = next(r for r in undecided(settings, ("person",)))
    with db.session(settings) as sess:  # a bare id two entities share
        db.run(sess, "CREATE (:Device {device_id: $id})", id=person["entity_id"])
    number = c["entity_id"] if c["entity_type"] == "sim" else None
    third = f"+86 {number[:3]}-{number[3:7]}-{number[7:]}" if number else f"{c['entity_type']}:{c['entity_id']}"
    path = tmp_path / "outcomes.csv"
    path.write_text(
        ENGLISH
        + f"{a['entity_type']}:{a['entity_id']},confirmed,王警官,2026-11-28,seized on site\n"
        + f"{b['run_id']}#{b['rank']},dismissed,赵警官,2026-11-28 09:00,repair shop\n"
        + f"{third},under_review,李警官,,bank asked\n"
        + "sim:19900000000,confirmed,王警官,2026-11-28,\n"
        + "detect-20990101T000000Z-ffffff#1,confirmed,王警官,2026-11-28,\n"
        + f"{a['entity_type']}:{a['entity_id']},guilty,王警官,2026-11-28,\n"
        + "138****5678,dismissed,王警官,2026-11-28,\n"
        + f"{person['entity_id']},confirmed,王警官,2026-11-28,\n"
        + f"{a['entity_type']}:{a['entity_id']},dismissed,,2026-11-29,\n",
        encoding="utf-8",
    )
    before = decisions(settings)
    done = record_file(settings, path)
    assert (done.read, done.recorded, done.already, done.unmatched) == (9, 3, 0, 6) and done.ok
    assert done.outcomes == {"confirmed": 1, "dismissed": 1, "under_review": 1}
    assert decisions(settings) == before + 3
    unmatched = pd.read_csv(done.unmatched_file, encoding="utf-8-sig", dtype=str).set_index("line")
    assert stat.S_IMODE(os.stat(done.unmatched_file).st_mode) == 0o600
    assert list(unmatched.index) == ["5", "6", "7", "8", "9", "10"]
    reasons = unmatched["reason"]
    assert "no sim '19900000000'" in reasons["5"] and "unknown run" in reasons["6"]
    assert "bad outcome 'guilty'" in reasons["7"] and "confirmed" in reasons["7"] and "masked id" in reasons["8"]
    assert "ambiguous" in reasons["9"] and "no investigator" in reasons["10"]
    entry = audit.entries(settings)[-1]
    assert entry["action"] == "decide-file" and entry["sha256"] == sha256_of(path) and entry["file"] == str(path)
    assert (entry["rows_read"], entry["recorded"], entry["unmatched"]) == (9, 3, 6)
    assert entry["outcomes"] == {"confirmed": 1, "dismissed": 1, "under_review": 1}
    with db.session(settings) as sess:
        got = db.read(
            sess,
            "MATCH (d:Decision {batch: $b})-[:ABOUT]->(n) RETURN d.status AS s, d.by AS by, toString(d.at) AS at, "
            "n.decision_status AS standing, n:Confirmed AS confirmed ORDER BY d.line",
            b=done.run_id,
        )
    assert [(g["s"], g["by"], g["standing"], g["confirmed"]) for g in got] == [
        ("confirmed", "王警官", "confirmed", True),
        ("dismissed", "赵警官", "dismissed", False),
        ("under_review", "李警官", "under_review", False),
    ]
    assert got[0]["at"].startswith("2026-11-28T00:00") and got[1]["at"].startswith("2026-11-28T09:00")

    again = record_file(settings, path, by="王警官")  # now the last row names someone: recorded, the rest on record
    assert (again.recorded, again.already, again.unmatched) == (1, 3, 5) and again.ok
    assert record_file(settings, path, by="王警官").recorded == 0, "the same file twice records nothing new"
    assert decisions(settings) == before + 4
    with db.session(settings) as sess:
        db.run(sess, "MATCH (d:Device {device_id: $id}) DETACH DELETE d", id=person["entity_id"])
    shown = CliRunner().invoke(app, ["audit", "--since", "2000-01-01"])
    assert shown.exit_code == 0 and "UNAUDITED" not in shown.output, "a file's decisions are audited by its entry"


def test_the_command_takes_a_workbook_and_reports_the_counts(
    settings: Settings, detected_world: Path, tmp_path: Path
) -> None:
    a, b = undecided(settings, ("sim", "account"))[:2]
    book = Workbook()
    sheet = book.active
    sheet.append(["实体", "认定结果", "认定人", "认定时间", "说明"])
    sheet.append([f"{a['entity_type']}:{a['entity_id']}", "确认", None, datetime(2026, 11, 30, 15, 0), "同窝点"])
    sheet.append(["no-such-entity", "排除", None, "2026-11-30", None])
    book.save(tmp_path / "认定结果.xlsx")
    result = CliRunner().invoke(app, ["decide", "--file", str(tmp_path / "认定结果.xlsx"), "--by", "钱警官"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "2 rows read; 1 decisions recorded (1 confirmed)" in text and "1 unmatched" in text
    assert "unmatched.csv" in text
    with db.session(settings) as sess:
        d = db.read(
            sess,
            "MATCH (d:Decision)-[:ABOUT]->(n) WHERE coalesce(n.msisdn, n.account_id) = $id "
            "RETURN d.by AS by, d.note AS note, toString(d.at) AS at",
            id=a["entity_id"],
        )
    assert d == [{"by": "钱警官", "note": "同窝点", "at": "2026-11-30T15:00:00+08:00"}]
    assert b  # the other lead was left alone
    refused = CliRunner().invoke(app, ["decide", "--file", str(tmp_path / "认定结果.xlsx"), "--status", "confirmed"])
    assert refused.exit_code == 1


FIELDS = "d.status AS status, d.by AS by, d.note AS note, d.run_id AS run_id, d.score AS score, d.reported AS reported"
STANDING = "n.decision_status AS standing, n.decision_by AS decided_by, n:Confirmed AS confirmed"


def _written(settings: Settings, keys: list[str]) -> list[dict]:
    with db.session(settings) as sess:
        return db.read(
            sess,
            f"MATCH (d:Decision)-[:ABOUT]->(n) WHERE ANY(k IN $keys WHERE k = coalesce(n.msisdn, n.account_id, "
            f"n.person_id, n.device_id)) RETURN {FIELDS}, {STANDING} ORDER BY d.status, d.note",
            keys=keys,
        )


def test_decisions_from_a_file_are_written_and_act_as_single_decisions_do(
    settings: Settings, detected_world: Path, tmp_path: Path
) -> None:
    from flows.detect import detect

    top = undecided(settings)[0]
    out = next(r for r in undecided(settings, ("sim", "account")) if r["entity_id"] != top["entity_id"])
    pairs = [(top, "confirmed", "dealer's phone seized"), (out, "dismissed", "repair shop, checked")]
    path = tmp_path / "o.csv"
    path.write_text(
        ENGLISH + "".join(f'{r["entity_type"]}:{r["entity_id"]},{s},王警官,,"{n}"\n' for r, s, n in pairs),
        encoding="utf-8",
    )
    keys = [top["entity_id"], out["entity_id"]]
    done = record_file(settings, path)
    from_file = _written(settings, keys)
    with db.session(settings) as sess:  # undo, then the same with `duanka decide`
        db.run(sess, "MATCH (d:Decision {batch: $b}) DETACH DELETE d", b=done.run_id)
    for r, s, n in pairs:
        decide(settings, f"{r['entity_type']}:{r['entity_id']}", s, "王警官", n)
    assert _written(settings, keys) == from_file, "the same graph writes as `duanka decide`"
    with db.session(settings) as sess:
        db.run(sess, "MATCH (d:Decision)-[:ABOUT]->(n) WHERE d.batch IS NULL AND d.note IN $notes DETACH DELETE d",
               notes=[n for _, _, n in pairs])  # fmt: skip
    record_file(settings, path)
    detect(seed=1)
    now = {f"{r['entity_type']}:{r['entity_id']}": r for r in leads(settings)}
    assert now[f"{top['entity_type']}:{top['entity_id']}"]["status"] == "confirmed"
    assert f"{out['entity_type']}:{out['entity_id']}" not in now, "a dismissed lead stays out of the leads"


def test_train_reads_the_decisions_a_file_recorded(
    settings: Settings, detected_world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from duanka.detect import learn
    from duanka.detect.train import train

    with db.session(settings) as sess:
        reported = db.read(
            sess,
            "MATCH (:Report)-[:REPORTS_SIM]->(s:Sim) WHERE NOT EXISTS { (:Decision)-[:ABOUT]->(s) } "
            "RETURN DISTINCT s.msisdn AS id LIMIT 1",
        )[0]["id"]
    confirmed = next(r for r in undecided(settings, ("person", "device")))
    path = tmp_path / "police.csv"
    path.write_text(
        "号码,结论,认定人\n"
        + f"{confirmed['entity_type']}:{confirmed['entity_id']},确认涉诈,市局\nsim:{reported},误报,市局\n",
        encoding="utf-8",
    )
    assert record_file(settings, path).recorded == 2
    monkeypatch.setenv("DUANKA_WORK_DIR", str(tmp_path / "work"))  # the model stays this test's own
    own = Settings.from_env()
    ranker, _ = train(own)
    saved = pd.read_csv(learn.folder(own) / f"{ranker.version}.labels.csv", dtype=str)
    saved = saved.set_index(saved.columns[0])[saved.columns[-1]]
    assert saved[f"{confirmed['entity_type']}:{confirmed['entity_id']}"] == "1", "confirmed: a member"
    assert saved[f"sim:{reported}"] == "0", "dismissed outweighs the report that named it"


def test_evaluate_takes_a_lone_truth_csv_or_an_outcomes_file(
    settings: Settings, detected_world: Path, tmp_path: Path
) -> None:
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(detected_world / "truth.csv", only / "truth.csv")
    result = CliRunner().invoke(app, ["evaluate", "--truth", str(only / "truth.csv")])
    assert result.exit_code == 0, result.output
    assert "hn_fp@500: no hard_negatives.csv" in " ".join(result.output.split())
    truth = pd.read_csv(detected_world / "truth.csv", dtype=str)
    members = truth[truth["role"] != "benign"].head(30)
    outcomes = pd.DataFrame(
        {"实体": members["entity_type"] + ":" + members["entity_id"], "结论": "确认", "认定人": "王"}
    )
    outcomes.to_csv(tmp_path / "outcomes.csv", index=False, encoding="gb18030")
    result = CliRunner().invoke(app, ["evaluate", "--truth", str(tmp_path / "outcomes.csv")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "role_accuracy: an outcomes file says confirmed or dismissed" in text and "lower bound" in text


def test_a_replay_runs_on_an_extract_with_only_truth_beside_it(
    settings: Settings, detected_world: Path, tmp_path: Path
) -> None:
    """Last in this file: a replay empties the database."""
    from flows.replay import replay

    extract = tmp_path / "extract"
    shutil.copytree(detected_world, extract)
    for name in ("hard_negatives.csv", "scenario.json", "transfers.csv"):  # a bank sent no transfers either
        (extract / name).unlink()
    truth = pd.read_csv(extract / "truth.csv", dtype=str, keep_default_na=False).drop(columns=["ring_id"])
    truth.to_csv(extract / "truth.csv", index=False)
    found = replay(str(extract), str(tmp_path / "out"), step_days=30, steps=1)
    assert found["steps"] == 1 and "each member counts as its own ring" in found["left_out"]["rings_found"]
    assert found["rings"] == (truth["role"] != "benign").sum()


FOREIGN = Path(__file__).parent / "fixtures" / "foreign"


@pytest.mark.slow
def test_a_case_teams_foreign_workbook_and_its_csv_twin_record_as_its_authors_expect(empty_db: Settings) -> None:
    """outcomes-zh/ was written from the leads contract alone, against operator-only/: 27 rows match, 3 cannot,
    and the later of two decisions on one number is its standing; the English CSV twin then records nothing new."""
    load_into_empty(empty_db, FOREIGN / "operator-only")
    expected = pd.read_csv(FOREIGN / "outcomes-zh" / "expected.csv", dtype=str, keep_default_na=False)
    done = record_file(empty_db, FOREIGN / "outcomes-zh" / "outcomes.xlsx")
    matching = expected[expected["matches"] == "yes"]
    assert done.ok and (done.read, done.unmatched) == (len(expected), len(expected) - len(matching))
    assert done.recorded == len(matching)
    unmatched = pd.read_csv(done.unmatched_file, encoding="utf-8-sig", dtype=str)
    assert sorted(unmatched["line"].astype(int)) == sorted(
        expected.loc[expected["matches"] != "yes", "sheet_row"].astype(int)
    )
    final = matching[matching["superseded"] == ""].set_index("entity_id")["outcome"]
    with db.session(empty_db) as sess:
        standing = {
            r["id"]: r["status"]
            for r in db.read(
                sess,
                "MATCH (:Decision {batch: $b})-[:ABOUT]->(n) "
                "RETURN DISTINCT coalesce(n.msisdn, n.device_id, n.person_id, n.account_id) AS id, "
                "n.decision_status AS status",
                b=done.run_id,
            )
        }
    assert standing == final.to_dict()
    twin = record_file(empty_db, FOREIGN / "outcomes-zh" / "outcomes_en.csv")
    assert twin.ok and twin.recorded == 0 and twin.unmatched == done.unmatched, "the same decisions, already on record"
