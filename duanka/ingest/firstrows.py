"""What an extract's first rows say before anything loads: which columns hold tokens, and which files fail whole.

Both are judged from the first rows of every file (at most `ROWS`), read, mapped and validated as the
load will. A file whose first rows all fail on the same column (nearly always the same check) is not bad row by row:
it is pseudonymised and not recognised, read through a wrong mapping, or shifted by a column. Then
nothing of the extract loads, and one error says what the column holds, what was expected, and why
that may be (shared/spec/input-contract.md, "Bad input").
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from duanka.errors import DuankaError
from duanka.export.mask import mask_id
from duanka.ingest import read, tokens
from duanka.ingest.contract import SPECS
from duanka.ingest.mapping import SourceMapping
from duanka.ingest.normalise import parse_timestamps
from duanka.ingest.prepare import _with_defaults, prepare
from duanka.ingest.tokens import Pseudonyms
from duanka.ingest.validate import clean_strings, unfloat

ROWS = 1000  # first rows of each file judged
WHOLE_FROM = 100  # a file fails as a whole only when at least this many of its first rows fail alike
EXPECTED = {
    "msisdn": "a mainland mobile number (11 digits, 13… to 19…; +86, spaces and dashes allowed)",
    "id_number": "an 18-character resident identity number",
    "device_id": "an IMEI (15 digits) or another device fingerprint",
    "account_id": "a card number (16–19 digits) or another account id",
    "imsi": "a 15-digit IMSI starting 460",
    "timestamp": "an ISO 8601 timestamp",
    "date": "an ISO 8601 date",
}


def first_rows(paths: dict[str, Path], encoding: str | None) -> dict[str, read.Chunk]:
    """The first chunk (at most ROWS rows) of every file, as read."""
    out = {}
    for name, path in paths.items():
        chunk = next(read.chunks(path, encoding, size=ROWS), None)
        if chunk is not None:
            out[name] = chunk
    return out


def pseudonyms(first: dict[str, read.Chunk], mapping: SourceMapping) -> Pseudonyms:
    """The extract's token columns, decided per identifier kind over every file's first rows."""
    samples: dict[tuple[str, str], tuple[str, pd.Series]] = {}
    declared: list[tuple[str, str]] = []
    for name, chunk in first.items():
        spec, file_map = SPECS[name], mapping.of(name)
        frame = _with_defaults(spec, unfloat(spec, file_map.apply(clean_strings(chunk.rows))))
        declared += [(name, c) for c in file_map.tokens]
        for column in spec.columns:
            if column.kind in tokens.KINDS:
                samples[(name, column.name)] = (column.kind, frame[column.name].dropna().head(tokens.SAMPLE))
    return tokens.decide(samples, declared)


def fail_fast(first: dict[str, read.Chunk], paths: dict[str, Path], mapping: SourceMapping, found: Pseudonyms) -> None:
    """Raise one error naming every file whose first rows all fail the same check on the same column."""
    whole = [
        failed
        for name, chunk in first.items()
        if (failed := _whole_failure(name, chunk, paths[name], mapping, found)) is not None
    ]
    if whole:
        raise DuankaError("Nothing was loaded. " + " ".join(whole))


def _whole_failure(name: str, chunk: read.Chunk, path: Path, mapping: SourceMapping, found: Pseudonyms) -> str | None:
    rows = len(chunk.rows)
    if rows < WHOLE_FROM:
        return None
    problems = prepare(SPECS[name], chunk, mapping.of(name), found.of(name)).problems
    if len(problems) < rows:
        return None
    lines = problems.groupby("column", sort=False)["line"].nunique()
    alike = lines[lines == rows]
    if alike.empty:
        return None
    column = alike.index[0]
    failed = problems[problems["column"] == column]
    reason = failed["reason"].mode().iloc[0]  # hex tokens such as `35660e4299` also read as scientific notation
    values = failed["value"].dropna()
    kind = SPECS[name].column(column).kind
    sample = ", ".join(mask_id(v) for v in values.drop_duplicates().head(3))
    expected = EXPECTED.get(kind, f"a value that passes: {reason}")
    return (
        f"{path.name} fails as a whole: all of its first {rows:,} rows fail on column {column!r} ({reason}). "
        f"The column holds {describe(values)} (e.g. {sample}); expected {expected}. "
        f"Likely cause: {_cause(kind, column, values, found)}."
    )


def describe(values: pd.Series) -> str:
    """The shape of some values in words: `64 hexadecimal characters`, `11 digits`, `timestamps`."""
    values = values.dropna().astype(str)
    if values.empty:
        return "nothing (every value is empty)"
    lengths = values.str.len()
    size = f"{lengths.min()}" if lengths.min() == lengths.max() else f"{lengths.min()}–{lengths.max()}"
    for pattern, words in (
        (r"\d+", "digits"),
        (r"[0-9a-f]+", "hexadecimal characters"),
        (r"[0-9A-F]+", "upper-case hexadecimal characters"),
        (r"[A-Za-z0-9+/]+={0,2}", "base64 characters"),
        (r"[A-Za-z0-9_-]+={0,2}", "base64url characters"),
    ):
        if values.str.fullmatch(pattern).all():
            return f"{size} {words}"
    if parse_timestamps(values.astype("string")).notna().all():
        return "timestamps"
    return f"text of {size} characters"


def _cause(kind: str, column: str, values: pd.Series, found: Pseudonyms) -> str:
    values = values.dropna().astype(str)
    shape = found.shape(kind)
    if shape is not None and not shape.fits(values.astype("string")).any():
        return (
            f"the extract's other {kind} columns hold tokens of {shape}, this one does not: tokens of another "
            "scheme (they would never meet), or a wrong mapping or shifted column"
        )
    shaped = kind in tokens.KINDS and tokens.shape_of(values.astype("string"), declared=True) is not None
    if shaped and bool(values.str.contains(r"[A-Za-z]").any()):
        return (
            "the column is pseudonymised with tokens duanka did not recognise (shorter than "
            f"{tokens.MIN_LENGTH} characters or of varying length?): declare it in the mapping file, "
            f'tokens = ["{column}"] (docs/mapping.md); or a wrong mapping, or a shifted column'
        )
    if parse_timestamps(values.astype("string")).notna().all():
        return "a shifted column (the values are timestamps) or a wrong mapping"
    return "a wrong mapping (which source column is mapped here?) or a column shifted by a missing field"
