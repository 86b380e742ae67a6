"""Stream a source file as chunks of raw strings, each row indexed by its line in the file.

CSV goes through the csv module so that a quoted field with embedded newlines
keeps its true line number; Parquet is read batch by batch. Nothing is ever
loaded whole.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from duanka.errors import DuankaError

CHUNK_ROWS = 50_000
csv.field_size_limit(64 * 1024 * 1024)  # a huge field is quarantined by validation, not a crash here


@dataclass
class Chunk:
    rows: pd.DataFrame  # string columns, index = line number (header is line 1)
    malformed: list[tuple[int, str, str]] = field(default_factory=list)  # (line, raw, reason)


def find_source_file(source: Path, name: str, named: str | None = None) -> Path | None:
    """`name`.csv or `name`.parquet, or the file a mapping names for it."""
    if named is not None:
        path = source / named
        if not path.is_file():
            raise DuankaError(f"The mapping names {named!r} for {name}, but {source} has no such file.")
        return path
    csv_path, parquet_path = source / f"{name}.csv", source / f"{name}.parquet"
    if csv_path.exists() and parquet_path.exists():
        raise DuankaError(f"{source} holds both {csv_path.name} and {parquet_path.name}; keep one.")
    return csv_path if csv_path.exists() else parquet_path if parquet_path.exists() else None


def check_is_text(path: Path, sample_bytes: int = 1 << 16) -> None:
    """A file that is not CSV text at all (a workbook or archive renamed .csv) fails at once, by name."""
    if path.suffix == ".parquet":
        return
    with path.open("rb") as handle:
        head = handle.read(sample_bytes)
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise DuankaError(f"{path.name} is a spreadsheet workbook or archive, not CSV: save it as CSV (UTF-8) first.")
    if head.count(b"\x00") > 0.05 * len(head):  # UTF-16 text is half NULs; one NUL in a field is a bad row
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        raise DuankaError(
            f"{path.name} is not CSV text: NUL bytes from line {line} on (UTF-16, or a binary file?). "
            "Save it as CSV in UTF-8 or GB18030."
        )


def detect_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """UTF-8 (with or without BOM) unless most of the sample's non-ASCII lines fail as UTF-8: then GB18030.

    Judged line by line, so one GBK row pasted into a UTF-8 file does not turn the whole file
    into mojibake: that row is quarantined as undecodable and the rest load as written.
    """
    with path.open("rb") as handle:
        head = handle.read(sample_bytes)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    lines = head.splitlines()[:-1] or head.splitlines()  # the last line may be cut by the sample's end
    utf8 = broken = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            broken += 1
    return "gb18030" if broken > utf8 else "utf-8"


def header(path: Path, encoding: str | None = None) -> list[str]:
    """A file's column names (its first line, or the Parquet schema)."""
    if path.suffix == ".parquet":
        return list(pq.ParquetFile(path).schema_arrow.names)
    with path.open(encoding=encoding or detect_encoding(path), errors="replace", newline="") as handle:
        first = next(csv.reader(handle), [])
    return [h.strip() for h in first]


def chunks(path: Path, encoding: str | None = None, size: int | None = None) -> Iterator[Chunk]:
    """A CSV or Parquet file in chunks of `size` rows (default CHUNK_ROWS), as text, with source line numbers."""
    size = size or CHUNK_ROWS
    if path.suffix == ".parquet":
        yield from _parquet_chunks(path, size)
    else:
        yield from _csv_chunks(path, encoding or detect_encoding(path), size)


def _frame(records: list[list[str]], lines: list[int], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=columns, index=pd.Index(lines, name="line"), dtype="string")
    return frame


def _csv_chunks(path: Path, encoding: str, size: int) -> Iterator[Chunk]:
    # errors="replace": a byte that is not in the encoding becomes U+FFFD and the row is
    # quarantined by validation ("undecodable bytes"), instead of aborting the whole file.
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, strict=False)
        try:
            columns = [h.strip() for h in next(reader)]
        except StopIteration:
            return
        width = len(columns)
        records: list[list[str]] = []
        lines: list[int] = []
        malformed: list[tuple[int, str, str]] = []
        start = reader.line_num + 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                malformed.append((start, "", f"unreadable CSV: {exc}"))
                start = reader.line_num + 1
                continue
            if not record:  # a blank line is no row
                start = reader.line_num + 1
                continue
            if len(record) != width:
                malformed.append((start, ",".join(record)[:2000], f"expected {width} fields, found {len(record)}"))
            else:
                records.append(record)
                lines.append(start)
            start = reader.line_num + 1
            if len(records) + len(malformed) >= size:
                yield Chunk(_frame(records, lines, columns), malformed)
                records, lines, malformed = [], [], []
        if records or malformed:
            yield Chunk(_frame(records, lines, columns), malformed)


def _parquet_chunks(path: Path, size: int) -> Iterator[Chunk]:
    line = 2  # rows are numbered as if the column names were line 1, like CSV
    for batch in pq.ParquetFile(path).iter_batches(batch_size=size):
        frame = batch.to_pandas().astype("string")
        frame.index = pd.RangeIndex(line, line + len(frame), name="line")
        line += len(frame)
        yield Chunk(frame)
