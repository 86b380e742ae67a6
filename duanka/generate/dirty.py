"""Malformed rows of every kind the input contract rejects, and where they were put.

Each dirty row is a copy of a real row with one value broken and, where the
file has a key, a fresh key: a broken copy never shadows the clean original,
so a test can demand that exactly the listed rows are quarantined.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from duanka.generate.world import World

Breaker = tuple[str, str, Callable[[World, str], str]]


def _const(value: str) -> Callable[[World, str], str]:
    return lambda world, old: value


def _bad_check_digit(world: World, old: str) -> str:
    return old[:-1] + str((int(old[-1]) + 1) % 10) if old[-1:].isdigit() else old[:-1] + "0"


def _bad_id_number(world: World, old: str) -> str:
    return old[:-1] + ("0" if old[-1] == "X" else "X")


def _bad_credit_check(world: World, old: str) -> str:
    """A unified social credit code whose check character is another of the alphabet's."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return old[:-1] + alphabet[(alphabet.index(old[-1]) + 1) % len(alphabet)] if old[-1:] in alphabet else old + "0"


def _unlisted_msisdn(world: World, old: str) -> str:
    return str(world.alloc.msisdns(1)[0])


BREAKERS: dict[str, list[Breaker]] = {
    "persons": [
        ("id_number", "checksum", _bad_id_number),
        ("person_id", "missing", _const("")),
        ("birth_date", "date", _const("1990-02-30")),
    ],
    "sims": [
        ("msisdn", "msisdn", _const("1381234567")),
        ("activated_at", "timestamp", _const("2023-13-01 25:00")),
        ("imsi", "imsi", _const("310150123456789")),
        ("holder_person_id", "reference", _const("P-NOBODY")),
        ("status", "enum", _const("stolen")),
        ("is_virtual", "bool", _const("maybe")),
    ],
    "bank_accounts": [
        ("account_id", "luhn", _bad_check_digit),
        ("holder_person_id", "reference", _const("P-NOBODY")),
        ("opened_at", "timestamp", _const("not a date")),
        ("status", "enum", _const("lost")),
        ("bound_msisdn", "msisdn", _const("12345")),
    ],
    "devices": [("device_id", "luhn", _bad_check_digit), ("device_kind", "enum", _const("toaster"))],
    "sim_device_links": [
        ("msisdn", "reference", _unlisted_msisdn),
        ("device_id", "missing", _const("")),
        ("first_seen", "timestamp", _const("yesterday")),
        ("days_seen", "integer", _const("-4")),
    ],
    "account_device_links": [
        ("account_id", "reference", _const("WX-NOT-ON-RECORD")),
        ("last_seen", "timestamp", _const("2026-02-31T10:00:00")),
    ],
    "transfers": [
        ("amount", "amount", _const("-500.00")),
        ("amount", "number", _const("abc")),
        ("ts", "missing", _const("")),
        ("from_account", "missing", _const("")),
    ],
    "calls": [
        ("caller_msisdn", "msisdn", _const("999")),
        ("count", "integer", _const("0")),
        ("kind", "enum", _const("fax")),
    ],
    "enterprises": [
        ("credit_code", "checksum", _bad_credit_check),
        ("credit_code", "credit code", _const("91440300MA5FOO0X1Q")),
        ("legal_person_id", "reference", _const("P-NOBODY")),
        ("registered_at", "timestamp", _const("2026-02-30")),
    ],
    "sms_ports": [
        ("port_code", "port code", _const("10612")),
        ("status", "enum", _const("lost")),
        ("opened_at", "timestamp", _const("soon")),
    ],
    "number_bindings": [
        ("middle_number", "msisdn", _const("12345")),
        ("middle_number", "port code", _const("106900001234")),
        ("bound_at", "timestamp", _const("yesterday")),
    ],
    "outlets": [("outlet_id", "missing", _const("")), ("outlet_kind", "enum", _const("kiosk"))],
    "reports": [
        ("msisdn", "missing", _const("")),
        ("fraud_type", "enum", _const("alien_abduction")),
        ("reported_at", "timestamp", _const("2026/99/99")),
    ],
}


def _fresh_key(world: World, table: str) -> Callable[[], str] | None:
    return {
        "persons": lambda: world.serials("PD", 1)[0],
        "sims": lambda: str(world.alloc.msisdns(1)[0]),
        "bank_accounts": lambda: world.alloc.cards(1)[0][0],
        "devices": lambda: str(world.alloc.imeis(1)[0]),
        "transfers": lambda: world.serials("TD", 1)[0],
        "outlets": lambda: world.serials("OD", 1)[0],
        "enterprises": lambda: world.serials("ED", 1)[0],
        "sms_ports": lambda: world.serials("10699", 1, width=8)[0],
        "reports": lambda: world.serials("RPD", 1)[0],
    }.get(table)


def inject(world: World, table: str, frame: pd.DataFrame, fraction: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Insert broken copies among the rows; returns the table and the list of what was broken."""
    n = round(len(frame) * fraction)
    if n == 0 or table not in BREAKERS:
        return frame, pd.DataFrame(columns=["file", "line", "column", "problem"])
    rng = world.rng
    key = frame.columns[0]
    fresh = _fresh_key(world, table)
    copies = frame.iloc[rng.integers(0, len(frame), n)].copy().reset_index(drop=True)
    breakers = BREAKERS[table]
    chosen = rng.integers(0, len(breakers), n)
    problems = []
    for i, which in enumerate(chosen):
        column, problem, breaker = breakers[which]
        if fresh is not None:
            copies.at[i, key] = fresh()
        copies.at[i, column] = breaker(world, str(copies.at[i, column]))
        if table == "reports" and column == "msisdn":
            copies.at[i, "account_id"] = ""
        problems.append((column, problem))
    # Interleave: positions in the final file for the broken copies.
    total = len(frame) + n
    where = np.sort(rng.choice(total, n, replace=False))
    mask = np.zeros(total, bool)
    mask[where] = True
    out = pd.DataFrame(index=range(total), columns=frame.columns, dtype=object)
    out.loc[~mask] = frame.to_numpy()
    out.loc[mask] = copies.to_numpy()
    listed = pd.DataFrame(
        {"file": table, "line": where + 2, "column": [p[0] for p in problems], "problem": [p[1] for p in problems]}
    )
    return out, listed
