"""Columns a file implies but does not carry: where its rows go in the graph.

A text from an SMS port arrives in `calls` / `call_records` with the port code as the caller, and a
report names the number the victim saw, which may be a port code: those rows belong to the port
(SENT_TO, REPORTS_PORT), not to a phone number. A binding's times become the figures its
relationships keep (earliest, latest, longest life). Applied to typed rows just before they are
written, after raw call records are summed, so every path (Bolt, bulk import) writes the same graph.
"""

from __future__ import annotations

import pandas as pd

from duanka.identifiers import is_port_code


def routed(file: str, typed: pd.DataFrame) -> pd.DataFrame:
    """`typed` with the columns the file's writes (duanka/ingest/writes.py) read beyond its own."""
    if file in ("calls", "call_records"):
        return _port_as(typed, "caller_msisdn")
    if file == "reports":
        return _port_as(typed, "msisdn")
    if file == "number_bindings":
        return _binding_figures(typed)
    return typed


def _port_as(typed: pd.DataFrame, column: str) -> pd.DataFrame:
    """A port code in `column` moves to `port_code`; the number column keeps only phone numbers."""
    port = is_port_code(typed[column]).to_numpy()
    out = typed.assign(port_code=typed[column].where(port, None))
    if port.any():
        out[column] = typed[column].where(~port, None)
    return out


def _binding_figures(typed: pd.DataFrame) -> pd.DataFrame:
    bound = pd.to_datetime(typed["bound_at"], format="ISO8601", errors="coerce", utc=True)
    unbound = pd.to_datetime(typed["unbound_at"], format="ISO8601", errors="coerce", utc=True)
    minutes = (unbound - bound).dt.total_seconds() / 60
    return typed.assign(
        middle_msisdn=typed["middle_number"],
        first_bound=typed["bound_at"],
        last_bound=typed["bound_at"],
        last_unbound=typed["unbound_at"],
        longest_minutes=minutes.astype(object).where(minutes.notna(), None),
    )
