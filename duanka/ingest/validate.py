"""Validate a chunk of raw rows against the contract with pandera; say why each bad row is bad.

Every check is vectorised, and so is gathering what fails: each failing value
with its row index — which is the file's line number — so the quarantine can
name file, line, column, value and reason. A column of pseudonymised tokens
(tokens.py) is checked for its tokens' shape instead of its kind's format.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from duanka import identifiers as ids
from duanka.ingest import tokens
from duanka.ingest.contract import WINDOWS, Column, FileSpec
from duanka.ingest.normalise import parse_timestamps

MAX_FIELD = 1024
TRUE_WORDS = ("true", "t", "1", "yes", "y")
FALSE_WORDS = ("false", "f", "0", "no", "n")


def _numeric(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.str.replace(",", "", regex=False), errors="coerce")


def _check(fn: Callable[[pd.Series], pd.Series], reason: str) -> pa.Check:
    return pa.Check(lambda s: fn(s).fillna(False).astype(bool), error=reason, name=reason)


CHECKS: dict[str, Callable[[Column], list[pa.Check]]] = {
    "text": lambda c: [],
    "region": lambda c: [_check(lambda s: s.str.fullmatch(r"[1-9]\d{5}"), "not a 6-digit region code")],
    "msisdn": lambda c: [_check(lambda s: ids.normalise_number(s, c.numbers).notna(), _not_a_number(c.numbers))],
    "credit_code": lambda c: [
        _check(
            lambda s: ids.credit_code_valid(s.str.upper()),
            "unified social credit code fails GB 32100 (format or check character)",
        )
    ],
    "id_number": lambda c: [
        _check(
            lambda s: ids.id_number_valid(s.str.upper()),
            "identity number fails GB 11643 (format, birth date or check character)",
        )
    ],
    "device_id": lambda c: [_check(ids.device_id_valid, "15-digit IMEI fails its Luhn check")],
    "account_id": lambda c: [_check(ids.account_id_valid, "card number fails its Luhn check")],
    "imsi": lambda c: [_check(ids.imsi_valid, "not a 15-digit IMSI with MCC 460")],
    "timestamp": lambda c: [_check(lambda s: parse_timestamps(s).notna(), "not an ISO 8601 timestamp")],
    "date": lambda c: [_check(lambda s: parse_timestamps(s).notna(), "not an ISO 8601 date")],
    "bool": lambda c: [_check(lambda s: s.str.lower().isin(TRUE_WORDS + FALSE_WORDS), "not a boolean (true/false)")],
    "count": lambda c: [_check(lambda s: s.str.fullmatch(r"\d{1,9}") & (_numeric(s) >= 1), "not a whole number ≥ 1")],
    "nonneg_int": lambda c: [_check(lambda s: s.str.fullmatch(r"\d{1,12}"), "not a whole number ≥ 0")],
    "amount": lambda c: [_check(lambda s: _numeric(s) > 0, "amount is not a number > 0")],
    "money": lambda c: [_check(lambda s: _numeric(s) >= 0, "amount is not a number ≥ 0")],
    "enum": lambda c: [_check(lambda s: s.isin(c.values), f"not one of {', '.join(c.values)}")],
}
NUMBER_WORDS = {
    "mobile": "a mainland mobile number",
    "service": "a service number (95…, 96…, 400…)",
    "port": "an SMS port code (106 + 5–17 digits)",
}


def _not_a_number(forms: tuple[str, ...]) -> str:
    """The reason a number column gives: what it would have accepted."""
    if forms == ("mobile",):
        return "not a mainland mobile number"
    words = [NUMBER_WORDS[f] for f in forms]
    return "not " + (", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0])


PORT_CALLED = "an SMS port code as the called side: texts through a port name it as the caller"
SCIENTIFIC = r"[+-]?\d+(?:\.\d*)?[eE][+-]?\d+"
LOST_DIGITS = "scientific notation: a spreadsheet has dropped its digits"
SPREADSHEET = [_check(lambda s: ~s.str.fullmatch(SCIENTIFIC), LOST_DIGITS)]
CLEAN_TEXT = [
    _check(lambda s: s.str.len() <= MAX_FIELD, f"longer than {MAX_FIELD} characters"),
    _check(lambda s: ~s.str.contains("\ufffd", regex=False), "bytes that are not valid in the file's encoding"),
    _check(lambda s: ~s.str.contains(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", regex=True), "control characters"),
]


Shapes = tuple[tuple[str, tokens.Shape], ...]  # (column, shape of its tokens) of one file


@cache
def schema(spec: FileSpec, shapes: Shapes = ()) -> pa.DataFrameSchema:
    """The pandera schema of one contract file: formats, ranges and codes per column; a column of
    pseudonymised tokens (`shapes`) is checked for its tokens' shape instead of its kind's format."""
    token = dict(shapes)
    columns = {
        c.name: pa.Column(
            "string",
            nullable=not c.required,
            required=False,
            checks=CLEAN_TEXT + (_token_checks(c, token[c.name]) if c.name in token else _plain_checks(c)),
        )
        for c in spec.columns
    }
    return pa.DataFrameSchema(columns, strict=False)


def _plain_checks(c: Column) -> list[pa.Check]:
    among = (
        [_check(lambda s: ~tokens.token_like(c.kind, s), tokens.TOKEN_AMONG_PLAIN)] if c.kind in tokens.KINDS else []
    )
    return among + (SPREADSHEET if c.numeric else []) + CHECKS[c.kind](c)


def _token_checks(c: Column, shape: tokens.Shape) -> list[pa.Check]:
    """A token is a key: its shape is all there is to check (no normalising, no checksum)."""

    def plain(s: pd.Series) -> pd.Series:
        return tokens.plain_valid(c.kind, s)

    return [
        _check(lambda s: ~plain(s), tokens.PLAIN_AMONG_TOKENS),
        _check(lambda s: shape.fits(s) | plain(s), f"not a token of this extract's shape ({shape})"),
    ]


# Reasons that say what happened to a value: where one is given, the kind's own check is not also.
SPECIFIC = (LOST_DIGITS, tokens.TOKEN_AMONG_PLAIN)


def clean_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Trim every value; an empty string is a missing value."""
    out = frame.apply(lambda s: s.str.strip())
    return out.mask(out == "")


def unfloat(spec: FileSpec, frame: pd.DataFrame, tokens: Collection[str] = ()) -> pd.DataFrame:
    """`13800138000.0` → `13800138000` in whole-number columns: what a spreadsheet adds, nothing the source meant.
    Columns of `tokens` are keys as written."""
    for column in spec.columns:
        if column.whole and column.name in frame.columns and column.name not in tokens:
            values = frame[column.name]
            dotted = values.str.contains(".", regex=False).fillna(False).astype(bool)
            if dotted.any():  # rare: a back-reference is replaced in Python, value by value
                frame.loc[dotted, column.name] = values[dotted].str.replace(r"^(\d+)\.0*$", r"\1", regex=True)
    return frame


def failures(spec: FileSpec, frame: pd.DataFrame, shapes: Shapes = ()) -> pd.DataFrame:
    """One row per problem: line, column, value, reason. Empty when the chunk is clean."""
    found = _column_failures(schema(spec, shapes), frame)
    found.extend(_cross_field(spec, frame))
    if not found:
        return pd.DataFrame(columns=["line", "column", "value", "reason"])
    out = pd.concat(found, ignore_index=True)
    specific = out["reason"].isin(SPECIFIC).to_numpy()
    if specific.any():  # the one reason that says what happened: not also "not a mobile number"
        cell = pd.MultiIndex.from_frame(out[["line", "column"]])
        out = out[~cell.isin(pd.MultiIndex.from_frame(out.loc[specific, ["line", "column"]])) | specific]
    return out.reset_index(drop=True)


def _column_failures(declared: pa.DataFrameSchema, frame: pd.DataFrame) -> list[pd.DataFrame]:
    """The schema's checks, column by column, each failing cell with the check's reason.

    The schema's own checks are run as pandera would run them (on the values present; a missing value
    fails only a required column), but the failures are gathered as whole columns: pandera's lazy
    report formats a message per failing row, which took most of the time of a file whose rows fail
    one by one (bench/quarantine.py)."""
    found = []
    for name, column in declared.columns.items():
        if name not in frame.columns:
            continue
        values = frame[name]
        present = values.notna().to_numpy(bool)
        if not column.nullable and not present.all():
            found.append(_problems(frame.index[~present], name, pd.NA, "required value is missing"))
        if not present.any():
            continue
        given = values[present]
        for check in column.checks:
            bad = ~np.asarray(check._check_fn(given), dtype=bool)
            if bad.any():
                found.append(_problems(given.index[bad], name, given[bad].to_numpy(), str(check.error)))
    return found


def _cross_field(spec: FileSpec, frame: pd.DataFrame) -> list[pd.DataFrame]:
    out = []
    if spec.name == "reports" and {"msisdn", "account_id"} <= set(frame.columns):
        bad = frame["msisdn"].isna() & frame["account_id"].isna()
    elif spec.name == "reports":
        present = [c for c in ("msisdn", "account_id") if c in frame.columns]
        bad = frame[present].isna().all(axis=1) if present else pd.Series(True, index=frame.index)
    else:
        bad = None
    if bad is not None and bad.any():
        out.append(_problems(frame.index[bad], "msisdn", "", "a report names neither msisdn nor account_id"))
    if spec.name in ("calls", "call_records") and "callee_msisdn" in frame.columns:
        callee = frame["callee_msisdn"]
        bad = ids.is_port_code(callee.astype("string").str.replace(r"[\s\-()（）]", "", regex=True))
        if bad.any():
            out.append(_problems(frame.index[bad], "callee_msisdn", callee[bad], PORT_CALLED))
    window = WINDOWS.get(spec.name)
    if window and set(window) <= set(frame.columns):
        first, last = parse_timestamps(frame[window[0]]), parse_timestamps(frame[window[1]])
        bad = (first > last).fillna(False).astype(bool)
        if bad.any():
            out.append(
                _problems(frame.index[bad], window[0], frame.loc[bad, window[0]], f"{window[0]} is after {window[1]}")
            )
    return out


def _problems(lines: pd.Index, column: str, value: object, reason: str) -> pd.DataFrame:
    return pd.DataFrame({"line": lines.to_numpy(), "column": column, "value": value, "reason": reason})
