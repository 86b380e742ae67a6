"""An outcomes file as case teams write it, read into one row per entity worked.

Real files come from many hands: CSV in UTF-8 (with or without a BOM) or GB18030, or an Excel workbook;
English or Chinese headers, sometimes under a title row; outcomes in either language; dates as Excel
date cells, ISO text or `2026/11/28`, `2026年11月28日`; numbers a spreadsheet turned into `13800138000.0`.
The reader is liberal in what it takes and says exactly which column it could not find. Nothing is
judged here beyond reading: a value that cannot be read is kept, with its reason, for the unmatched list.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

from duanka.entity_keys import entity_key
from duanka.errors import DuankaError
from duanka.ingest.normalise import parse_timestamps
from duanka.ingest.read import detect_encoding

FIELDS = ("entity", "outcome", "by", "decided_at", "note")
REQUIRED = ("entity", "outcome")

# Header names per field, compared after `_key` (case, spaces, dashes and brackets' contents ignored).
# A header that is none of these exactly but contains one of the longer names is taken too.
ALIASES: dict[str, tuple[str, ...]] = {
    "entity": (
        "entity", "ref", "entity_ref", "实体", "对象", "号码", "手机号", "手机号码", "电话号码",
        "账号", "账户", "卡号", "银行卡号", "设备号", "涉诈号码", "涉案号码", "涉诈账户", "身份证号",
    ),
    "lead_ref": ("lead_ref", "lead", "线索编号", "线索"),
    "entity_type": ("entity_type", "type", "实体类型", "对象类型", "类型"),
    "entity_id": ("entity_id", "id", "标识", "编号"),
    "outcome": (
        "outcome", "decision", "result", "verdict", "结论", "认定结果", "核查结果", "处理结果", "认定结论", "结果",
        "status", "状态",
    ),
    "by": ("by", "decided_by", "investigator", "officer", "认定人", "核查人", "侦查员", "经办人", "办案人", "民警"),
    "decided_at": (
        "decided_at", "decided_on", "date", "at", "time", "when", "认定时间", "认定日期", "核查时间", "核查日期",
        "日期", "时间",
    ),
    "note": ("note", "notes", "comment", "comments", "remark", "remarks", "grounds", "备注", "说明", "依据",
             "认定依据", "核查情况", "情况说明"),
}  # fmt: skip

# Outcome words, after `_key`; English keys and the leads' own `status` column as shown (`confirmed 已由…`) too.
OUTCOMES: dict[str, str] = {
    **{w: "confirmed" for w in ("confirmed", "confirm", "确认", "确认涉诈", "已确认", "涉诈", "已由侦查员确认")},
    **{w: "dismissed" for w in ("dismissed", "dismiss", "排除", "误报", "已排除", "不涉诈", "非涉诈")},
    **{w: "under_review" for w in ("under_review", "review", "reviewing", "核查中", "待核查", "审核中", "核实中")},
}
ALLOWED = "confirmed (确认, 确认涉诈), dismissed (排除, 误报), under_review (核查中, 待核查)"
HEADER_ROWS = 10  # a header may stand under a title row or two: looked for in the first rows


@dataclass(frozen=True)
class OutcomeRows:
    """The file's rows (index: line number, the header's line being 1 for a plain file), as read."""

    path: Path
    rows: pd.DataFrame  # entity, outcome (canonical or None), outcome_text, by, decided_at (ISO or None), …
    columns: dict[str, str]  # field → the header it was read from


def _key(text: object) -> str:
    """A header or value as compared: no brackets' contents, no spaces or dashes, lower case."""
    s = str(text or "").replace("\ufeff", "").strip()
    s = re.sub(r"[（(【\[].*?[）)】\]]", "", s)
    return re.sub(r"[\s\-_/]+", "_", s).strip("_").lower()


def outcome_of(value: object) -> str | None:
    """The canonical outcome a case team's word means, or None."""
    text = _key(value)
    if text in OUTCOMES:
        return OUTCOMES[text]
    first = text.split("_")[0] if text else ""  # `confirmed 已由侦查员确认`, as lead lists print a status
    return OUTCOMES.get(first)


def read(path: Path, sheet: str | None = None) -> OutcomeRows:
    """Rows of an outcomes file (.csv, .xlsx/.xlsm), each with its line number; a clear error when the file
    cannot be read or lacks a required column."""
    if not path.is_file():
        raise DuankaError(f"No outcomes file {path}.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        raw = _xlsx_rows(path, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        raw = _csv_rows(path)
    else:
        raise DuankaError(f"{path.name}: an outcomes file is .csv or .xlsx (an .xls workbook: save it as .xlsx).")
    at, columns = _header(raw, path)
    records = []
    for line, cells in raw[at + 1 :]:
        if not any(c is not None and str(c).strip() for c in cells):
            continue  # a blank line, or the empty rows a workbook keeps below its data
        records.append({"line": line, **_fields(cells, columns)})
    frame = pd.DataFrame(records, columns=["line", "entity", "outcome_text", "by", "decided_at_text", "note"])
    frame = frame.set_index("line")
    frame["outcome"] = frame["outcome_text"].map(outcome_of)
    frame["decided_at"] = decided_at(frame["decided_at_text"])
    names = {f: str(raw[at][1][i]) for f, i in columns.items() if i >= 0}
    return OutcomeRows(path, frame, names)


def _csv_rows(path: Path) -> list[tuple[int, list[Any]]]:
    with path.open("rb") as handle:
        if handle.read(4).startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise DuankaError(f"{path.name} is a workbook, not CSV text: name it .xlsx.")
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(1 << 16)
        handle.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        reader = csv.reader(handle, delimiter=delimiter)
        return [(reader.line_num, row) for row in reader]


def _xlsx_rows(path: Path, sheet: str | None) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or encrypted file
        raise DuankaError(f"{path.name} cannot be opened as an Excel workbook: {exc}") from exc
    try:
        names = [sheet] if sheet else book.sheetnames
        if sheet and sheet not in book.sheetnames:
            raise DuankaError(f"{path.name} has no sheet {sheet!r} (it has {', '.join(book.sheetnames)}).")
        found: list[tuple[int, list[Any]]] = []
        for name in names:  # the first sheet with a header duanka recognises
            rows = [(i, list(r)) for i, r in enumerate(book[name].iter_rows(values_only=True), start=1)]
            try:
                _header(rows, path)
            except DuankaError:
                if sheet or name == names[-1]:
                    found = found or rows
                continue
            return rows
        return found
    finally:
        book.close()


def _header(raw: list[tuple[int, list[Any]]], path: Path) -> tuple[int, dict[str, int]]:
    """Where the header is (the first of the first rows naming an entity and an outcome) and each field's column."""
    best: tuple[int, dict[str, int]] | None = None
    for at, (_, cells) in enumerate(raw[:HEADER_ROWS]):
        columns = _columns(cells)
        if all(f in columns for f in REQUIRED):
            return at, columns
        if best is None and any(columns):
            best = (at, columns)
    if not raw:
        raise DuankaError(f"{path.name} is empty: an outcomes file has a header row and one row per entity.")
    at, columns = best if best else (0, {})
    missing = [f for f in REQUIRED if f not in columns]
    headers = ", ".join(str(c) for c in raw[at][1] if c is not None and str(c).strip())
    wanted = "; ".join(f"{f}: {' / '.join(ALIASES[f][:6])}" for f in missing)
    raise DuankaError(
        f"{path.name} has no {' and no '.join(missing)} column (its header: {headers or 'none'}). Name it ({wanted})."
    )


def _columns(cells: list[Any]) -> dict[str, int]:
    """Each field's column in a header row. An alias named earlier in ALIASES wins over a later one (an
    `outcome` column over a lead list's own `status`); then a header holding a longer Chinese name
    (`认定结果（确认/排除）`). `entity` may instead be an `entity_type` / `entity_id` pair or a `lead_ref`."""
    keys = [_key(c) for c in cells]
    found: dict[str, int] = {}
    for field, aliases in ALIASES.items():
        for alias in aliases:
            hits = [i for i, k in enumerate(keys) if k == alias and i not in found.values()]
            if hits:
                found[field] = hits[0]
                break
    for field, aliases in ALIASES.items():
        if field in found:
            continue
        for alias in (a for a in aliases if len(a) >= 2 and not a.isascii()):
            hits = [i for i, k in enumerate(keys) if alias in k and i not in found.values()]
            if hits:
                found[field] = hits[0]
                break
    if "entity" not in found and ("entity_id" in found or "lead_ref" in found):
        found["entity"] = -1  # named by the pair of columns, or by the lead reference alone
    return found


def _fields(cells: list[Any], columns: dict[str, int]) -> dict[str, Any]:
    def cell(field: str) -> Any:
        i = columns.get(field, -1)
        return cells[i] if 0 <= i < len(cells) else None

    entity = _text(cell("entity"))
    if not entity and (ident := _text(cell("entity_id"))):
        kind = _text(cell("entity_type")).lower()
        entity = entity_key(kind, ident) if kind else ident
    ref = _text(cell("lead_ref"))
    if ref and (not entity or "*" in entity):  # a masked id (a lead list sent back): its lead_ref names it
        entity = ref
    when = cell("decided_at")
    return {
        "entity": entity,
        "outcome_text": _text(cell("outcome")),
        "by": _text(cell("by")),
        "decided_at_text": when if isinstance(when, (datetime, date, int, float)) else _text(when),
        "note": _text(cell("note")),
    }


def _text(value: Any) -> str:
    """A cell as text: an integer a spreadsheet wrote as a float (`13800138000.0`) as the integer."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = str(value).strip()
    if re.fullmatch(r"\d+\.0+", text):
        return text.split(".")[0]
    return text


_CN_DATE = re.compile(r"^(\d{4})\s*[年/.]\s*(\d{1,2})\s*[月/.]\s*(\d{1,2})\s*日?")


def decided_at(values: pd.Series) -> pd.Series:
    """When each row was decided, as ISO text at +08:00: Excel date cells and serial numbers, ISO 8601 text
    in any form the input contract takes, `2026/11/28`, `2026.11.28`, `2026年11月28日 10:00`; None when absent
    or unreadable (the text beside it tells the two apart)."""

    def one(v: Any) -> str | None:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, datetime):
            return v.isoformat()
        if isinstance(v, date):
            return datetime.combine(v, time()).isoformat()
        if isinstance(v, (int, float)) or re.fullmatch(r"\d{5}(\.\d+)?", str(v).strip()):
            serial = float(v)
            if 20_000 <= serial <= 80_000:  # an Excel date serial (1954–2119) in a cell not formatted as a date
                return (pd.Timestamp("1899-12-30") + pd.Timedelta(days=serial)).isoformat()
            return str(v)
        text = str(v).strip()
        if m := _CN_DATE.match(text):
            rest = text[m.end() :].strip()
            return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}" + (f" {rest}" if rest else "")
        return text

    stamps = parse_timestamps(values.map(one).astype("string"))
    return stamps.map(lambda t: t.isoformat(), na_action="ignore").astype(object).where(stamps.notna(), None)
