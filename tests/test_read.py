"""Reading a CSV: Arrow where every line is one plain row, the csv module from the first line that is not."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from duanka.ingest import read

COLUMNS = ["id", "name", "amount"]
FIELDS = st.one_of(
    st.sampled_from(["", "a", "13800138000", "中文", " padded ", 'quo"te', '"', "a,b", "line\nbreak", "\r", "x\r\ny"]),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8),
)
ROW = st.lists(FIELDS, min_size=len(COLUMNS), max_size=len(COLUMNS))
LINE = st.one_of(  # what turns up between well-formed rows in files nobody here wrote
    ROW.map(lambda r: ("row", r)),
    st.lists(FIELDS, min_size=1, max_size=5).map(lambda r: ("ragged", r)),
    st.sampled_from(["", 'a"b,"c"d,e', ' "x",y,z', "1,2,3\r"]).map(lambda t: ("text", t)),
)


def chunks_both_ways(path: Path, size: int) -> tuple[list[read.Chunk], list[read.Chunk]]:
    return list(read._csv_chunks(path, "utf-8", size)), list(read._csv_chunks(path, "utf-8", size, arrow=False))


def assert_same(path: Path, size: int) -> None:
    fast, slow = chunks_both_ways(path, size)
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        pd.testing.assert_frame_equal(a.rows, b.rows)
        assert a.malformed == b.malformed


def write(path: Path, lines: list[tuple[str, object]], quote_all: bool, crlf: bool) -> None:
    end = "\r\n" if crlf else "\n"
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator=end)
        out.writerow(COLUMNS)
        for kind, value in lines:
            if kind == "text":
                handle.write(f"{value}{end}")
            else:
                out.writerow(value)


@hyp_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(st.one_of(ROW.map(lambda r: ("row", r)), LINE), max_size=30),
    quote_all=st.booleans(),
    crlf=st.booleans(),
    size=st.integers(1, 12),
)
def test_arrow_reads_what_the_csv_module_reads_row_for_row(tmp_path_factory, lines, quote_all, crlf, size) -> None:  # type: ignore[no-untyped-def]
    """Any file, any chunk size: the same rows, values, line numbers and malformed lines either way."""
    path = tmp_path_factory.mktemp("read") / "sims.csv"
    write(path, lines, quote_all, crlf)
    assert_same(path, size)


def handovers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lines at which the csv module is handed the rest of a file."""
    started: list[int] = []
    by_module = read._module_chunks

    def module_chunks(handle, size, columns, start):  # type: ignore[no-untyped-def]
        started.append(start)
        return by_module(handle, size, columns, start)

    monkeypatch.setattr(read, "_module_chunks", module_chunks)
    return started


def test_a_plain_file_never_reaches_the_csv_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "sims.csv"
    write(path, [("row", [str(i), f'n"{i}', f"{i}.00"]) for i in range(1, 101)], quote_all=True, crlf=True)
    started = handovers(monkeypatch)
    chunks = list(read._csv_chunks(path, "utf-8", 30))
    assert [len(c.rows) for c in chunks] == [30, 30, 30, 10]
    assert chunks[-1].rows.index[-1] == 101 and chunks[0].rows.iloc[0].tolist() == ["1", 'n"1', "1.00"]
    assert started == [102]  # handed over at the end, with nothing left to read


def test_the_csv_module_takes_over_at_the_first_chunk_that_is_not_plain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quoted line break in the third chunk: two chunks by Arrow, then the true line numbers go on."""
    rows = [("row", [str(i), "x", "1"]) for i in range(10)]
    rows[5] = ("row", ["5", "two\nlines", "1"])
    path = tmp_path / "sims.csv"
    write(path, rows, quote_all=False, crlf=False)
    assert_same(path, 2)
    started = handovers(monkeypatch)
    chunks = list(read._csv_chunks(path, "utf-8", 2))
    assert started == [6]
    assert [c.rows.index.tolist() for c in chunks] == [[2, 3], [4, 5], [6, 7], [9, 10], [11, 12]]
    assert chunks[2].rows.loc[7, "name"] == "two\nlines"
