"""Masking of identifiers and names, in the formats of the leads contract.

Phones `138****5678`, cards `622202******1234` (the issuer's six digits and the last four, as
bank-card displays show them), identity numbers
`110***********123X`; anything else keeps its first and last two characters.
The same rules mask identifiers quoted inside free text (reasons), where
they are recognised by shape: a run of 7 or more digits (with an optional
trailing X), or a token that is a known identifier of the export.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{7,}[Xx]?(?![0-9A-Za-z])")


def mask_phone(value: str) -> str:
    """138****8000: enough to tell numbers apart on paper, not to call one."""
    return value[:3] + "****" + value[-4:]


def mask_card(value: str) -> str:
    """622202******1234: bank and last four kept (6+4), as card numbers are shown to customers."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_id_number(value: str) -> str:
    """First three and last four characters kept (110***********123X): the province, not the person."""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_other(value: str) -> str:
    """First and last two characters kept, the rest starred (one character for short values)."""
    if len(value) <= 4:
        return value[:1] + "*" * (len(value) - 1)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def mask_name(value: str) -> str:
    """张三丰 → 张**: the family name stays, as on Chinese official notices."""
    return value[:1] + "*" * (len(value) - 1) if value else value


def mask_id(value: str | None, entity_type: str | None = None) -> str:
    """One identifier, by what it is (when known) and by its shape."""
    if value is None or value == "":
        return ""
    v = str(value)
    if entity_type == "sim" or (len(v) == 11 and v.isdigit() and v[0] == "1"):
        return mask_phone(v)
    if len(v) == 18 and v[:17].isdigit() and (v[17].isdigit() or v[17] in "Xx") and entity_type != "account":
        return mask_id_number(v)
    if 16 <= len(v) <= 19 and v.isdigit():
        return mask_card(v)
    if v.isdigit() and len(v) >= 7:  # IMEI, IMSI and other long numbers
        return v[:3] + "*" * (len(v) - 7) + v[-4:]
    return mask_other(v)


def mask_text(text: str | None, known: re.Pattern[str] | None = None) -> str:
    """Mask every identifier quoted in a sentence: long digit runs, and the export's own ids (`known_ids`)."""
    if not text:
        return text or ""
    out = DIGITS.sub(lambda m: mask_id(m.group(0).upper()), text)
    return known.sub(lambda m: mask_id(m.group(0)), out) if known is not None else out


def known_ids(ids: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern for the ids that the digit rule cannot see (fingerprints like 'DEV-a81f…'), longest first."""
    words = sorted({i for i in ids if i and len(i) >= 4 and not DIGITS.fullmatch(i)}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None
