"""Stream a source file as chunks of raw strings, each row indexed by its line in the file.

A UTF-8 CSV is parsed by Arrow a chunk of lines at a time while every line is
one well-formed row (the common case; two to three times faster than the csv
module in a loop, docs/benchmarks.md). From the first chunk that is not — a
quoted newline, a row of the wrong width, a stray quote, a bare carriage
return — the csv module takes over, so a quoted field with embedded newlines
keeps its true line number and a bad row is named. Parquet is read batch by
batch. Nothing is ever loaded whole.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from duanka.errors import DuankaError

CHUNK_ROWS = 50_000
ARROW_ENCODINGS = ("utf-8", "utf-8-sig")
READ_BYTES = 8 << 20
QUOTE, LF = ord('"'), ord("\n")
_OPENS = np.isin(np.arange(256), list(b',\n"'))  # what may stand before a quote: it opens a field, or doubles one
_CLOSES = np.isin(np.arange(256), list(b',\r\n"'))  # after a quote: it closes a field, or is doubled
csv.field_size_limit(64 * 1024 * 1024)  # a huge field is quarantined by validation, not a crash here


@dataclass
class Chunk:
    rows: pd.DataFrame  # string columns, index = line number (header is line 1)
    malformed: list[tuple[int, str, str]] = field(default_factory=list)  # (line, raw, reason)


def find_source_file(source: Path, name: str, named: str | None = None) -> Path | None:
    """`name`.csv or `name`.parquet, or the file a mapping names for it."""
    if named is not None:
        path = source / named
        if not path.resolve().is_relative_to(source.resolve()):  # absolute and '..' names: refused when read
            raise DuankaError(
                f"The mapping's [{name}] file {named!r} leads outside the extract {source} through a symbolic link: "
                "refused. Copy the file into the extract."
            )
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


def _csv_chunks(path: Path, encoding: str, size: int, arrow: bool = True) -> Iterator[Chunk]:
    with path.open("rb") as raw:
        columns = _plain_header(raw, encoding) if arrow and encoding in ARROW_ENCODINGS else None
        line = 1
        if columns is not None:
            line = yield from _arrow_chunks(raw, columns, size)
        else:
            raw.seek(0)
        # errors="replace": a byte that is not in the encoding becomes U+FFFD and the row is
        # quarantined by validation ("undecodable bytes"), instead of aborting the whole file.
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        yield from _module_chunks(text, size, columns, line)


def _plain_header(raw: io.BufferedReader, encoding: str) -> list[str] | None:
    """The column names when the first line holds them whole, the file then at the second line."""
    first = raw.readline()
    if encoding == "utf-8-sig" and first.startswith(b"\xef\xbb\xbf"):
        first = first[3:]
    if not _plain(first):  # a quoted name goes on to the next line
        return None
    try:
        (names,) = csv.reader([first.decode("utf-8").rstrip("\r\n")])
    except (UnicodeDecodeError, ValueError):
        return None
    return [h.strip() for h in names]


def _arrow_chunks(raw: io.BufferedReader, columns: list[str], size: int) -> Generator[Chunk, None, int]:
    """Chunks of `size` lines parsed by Arrow; returns the line the csv module must go on from, `raw` there."""
    line, offset, pending, ended, count = 2, raw.tell(), b"", False, 0  # count: newlines pending
    while True:
        while not ended and count < size:
            more = raw.read(READ_BYTES)
            ended, pending, count = not more, pending + more, count + more.count(b"\n")
        if not pending:
            return line
        ends = np.flatnonzero(np.frombuffer(pending, np.uint8) == LF)
        cut = int(ends[size - 1]) + 1 if len(ends) >= size else len(pending)  # else: the file's last lines
        block, lines = pending[:cut], min(size, len(ends)) + (0 if pending[cut - 1 : cut] == b"\n" else 1)
        frame = _arrow_frame(block, columns, lines)
        if frame is None:
            raw.seek(offset)
            return line
        frame.index = pd.RangeIndex(line, line + lines, name="line")
        yield Chunk(frame)
        line, offset, pending, count = line + lines, offset + cut, pending[cut:], count - min(size, len(ends))


def _arrow_frame(block: bytes, columns: list[str], lines: int) -> pd.DataFrame | None:
    """The block's rows as text, or None unless each of its `lines` lines is exactly one well-formed row."""
    if not _plain(block):
        return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(block),
            read_options=pacsv.ReadOptions(column_names=columns, use_threads=False, block_size=len(block) + 1),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:  # a ragged row, bytes that are not UTF-8
        return None
    if table.num_rows != lines:  # a row over two lines, or a blank line
        return None
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)


def _plain(block: bytes) -> bool:
    """No bare carriage return, no quoted field left open at the end, and no quote that neither opens nor
    closes a field nor is doubled in one: where the csv module and Arrow could read a line differently."""
    if block.count(b"\r") != block.count(b"\r\n"):
        return False
    text = np.frombuffer(block, np.uint8)
    quote = np.flatnonzero(text == QUOTE)
    if len(quote) % 2:
        return False
    if not len(quote):
        return True
    before = text[np.maximum(quote - 1, 0)]
    after = text[np.minimum(quote + 1, len(text) - 1)]
    at_edge = (quote == 0) | (quote == len(text) - 1)
    return bool((at_edge | _OPENS[before] | _CLOSES[after]).all())


def _module_chunks(handle: io.TextIOWrapper, size: int, columns: list[str] | None, start: int) -> Iterator[Chunk]:
    """The csv module from line `start` (the header first when `columns` is None)."""
    reader = csv.reader(handle, strict=False)
    if columns is None:
        try:
            columns = [h.strip() for h in next(reader)]
        except StopIteration:
            return
        start = reader.line_num + 1
    base = start - 1 - reader.line_num  # reader.line_num counts from where the handle began
    width = len(columns)
    records: list[list[str]] = []
    lines: list[int] = []
    malformed: list[tuple[int, str, str]] = []
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            malformed.append((start, "", f"unreadable CSV: {exc}"))
            start = base + reader.line_num + 1
            continue
        if not record:  # a blank line is no row
            start = base + reader.line_num + 1
            continue
        if len(record) != width:
            malformed.append((start, ",".join(record)[:2000], f"expected {width} fields, found {len(record)}"))
        else:
            records.append(record)
            lines.append(start)
        start = base + reader.line_num + 1
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
