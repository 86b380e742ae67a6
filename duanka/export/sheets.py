"""Spreadsheet files case teams open: CSV with a BOM and an xlsx workbook, both formula-safe."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that Excel would read as a formula gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet would run as formulas neutralised (a leading quote); numbers untouched."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """UTF-8 with a byte-order mark, so Excel on a Chinese-locale Windows opens it as UTF-8."""
    safe(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return path


def write_xlsx(sheets: dict[str, tuple[pd.DataFrame, dict[str, str]]], path: Path) -> Path:
    """One sheet per table: Chinese header labels, frozen header row, filters, readable widths.

    `sheets` maps a sheet name to (frame, {column: label}); every string is written as a
    string (never a formula), neutralised as in the CSV.
    """
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    header = book.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1, "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for name, (frame, labels) in sheets.items():
        sheet = book.add_worksheet(name)
        data = safe(frame)
        for col, column in enumerate(data.columns):
            sheet.write_string(0, col, labels.get(column, column), header)
            values = data[column].tolist()
            for row, value in enumerate(values, start=1):
                if value is None or (isinstance(value, float) and pd.isna(value)):
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    sheet.write_number(row, col, value)
                else:
                    sheet.write_string(row, col, str(value))
            longest = max([len(labels.get(column, column)) * 2, *(len(str(v)) for v in values[:200])], default=8)
            sheet.set_column(col, col, min(max(8, longest + 2), 80), wrap if longest > 60 else None)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(data), 1), max(len(data.columns) - 1, 0))
    book.close()
    return path
