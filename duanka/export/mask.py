"""Masking of identifiers and names: the one rule book for everything that leaves the analysis environment.

One identifier (`mask_id`), by what it is when known, else by its shape; never shown whole:

* mobile numbers (11 digits from 1): `138****5678` (leads contract);
* identity numbers (17 digits and a digit or X): `110***********123X` (contract);
* bank cards (16-19 digits): `622202******1234`, issuer and last four (contract);
* other numbers of 14 digits or more (IMEI, IMSI): first 3 and last 4;
* tokens (16 or more of letters, digits, `+/_-=`: 32/64-hex pseudonyms, base64, Android IDs): first 4 and last 4
  (in text, `/` ends a token: paths and addresses stay readable);
* anything else, by length: 8 or more characters keep their first and last 2 (`P0*****23`, a 7-digit
  account at 8 digits `12****78`); 5-7 keep their first and last 1 (`1*****7`); 2-4 keep their first
  (`A**`); a single character is `*`. Nothing shows more than half its characters, bar the contract's
  phone format (7 of 11).

Stars stand one for each hidden character, at most `MAX_STARS` (a very long id cannot stretch a table).

Names: a person's name keeps its family name (`张**`, `mask_name`). Legal persons are persons, and an
enterprise's name may carry one (an individual business without a trade name is registered under its
operator's name, "张三个体工商户"; small firms take their owner's, "李四贸易商行"): `mask_enterprise_name`
masks every person's name it is given inside it, and by shape the name before 个体工商户 / 个体户.

Free text (reasons, notes, error messages: `mask_text`) is masked where identifiers are recognised by
shape — mobile numbers also dashed, spaced or with +86 (`138-0013-8000`), digit runs of 7 or more,
grouped card and identity numbers (`6222 0212 3456 1234`), MAC addresses, fingerprints (letters and
3 or more digits joined by `-` or `:`, `DEV-a81f0c77`), tokens with a digit and a letter — and where a word is one of the identifiers in `Known` (the export's own and those the graph
holds: a device id may have no shape to go by). duanka's own run ids, UUIDs and ISO dates and times
are left as they are: they identify runs and moments, not people.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_STARS = 24
DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{7,}[Xx]?(?![0-9A-Za-z])")
TOKEN = re.compile(r"[A-Za-z0-9+/_=-]{16,}")
_TEXT = re.compile(
    "|".join(
        (
            r"(?P<keep>\b[a-z]+-\d{8}T\d{6}Z-[0-9a-f]{6}\b|\b[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}\b"
            r"|(?<![0-9A-Za-z])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)",
            r"(?<![0-9A-Za-z+])(?P<phone>(?:\+?86[ -]?)?1\d{2}(?:[ -]?\d{4}){2})(?![0-9A-Za-z])",
            r"(?<![0-9A-Za-z])(?P<grouped>\d{3,8}(?:[ -]\d{3,8}){2,4}[Xx]?)(?![0-9A-Za-z])",
            r"(?<![0-9A-Za-z])(?P<digits>\d{7,}[Xx]?)(?![0-9A-Za-z])",
            r"(?<![0-9A-Za-z:-])(?P<mac>[0-9A-Fa-f]{2}(?P<sep>[:-])[0-9A-Fa-f]{2}(?:(?P=sep)[0-9A-Fa-f]{2}){4})(?![0-9A-Za-z:-])",
            r"(?<![0-9A-Za-z:-])(?P<fingerprint>(?=[0-9A-Za-z:-]*[A-Za-z])(?=(?:[A-Za-z:-]*\d){3})[0-9A-Za-z]+(?:[:-][0-9A-Za-z]+)+)"
            r"(?![0-9A-Za-z:-])",
            r"(?<![A-Za-z0-9+_=-])(?P<token>(?=[A-Za-z0-9+_-]*\d)(?=[A-Za-z0-9+_-]*[A-Za-z])[A-Za-z0-9+_-]{16,}={0,2})"
            r"(?![A-Za-z0-9+_=-])",
        )
    )
)
_KINDS = ("keep", "phone", "grouped", "digits", "mac", "fingerprint", "token")
# A word of text as an identifier may stand in it: no spaces, no Chinese (ids sit between Chinese words).
_WORD = re.compile(r"[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+")
_OPENING, _CLOSING = "([{'\"<", ".,;:!?)]}'\">"


def _starred(value: str, first: int, last: int) -> str:
    hidden = len(value) - first - last
    return value[:first] + "*" * min(hidden, MAX_STARS) + (value[-last:] if last else "")


def mask_phone(value: str) -> str:
    """138****8000: enough to tell numbers apart on paper, not to call one."""
    return value[:3] + "****" + value[-4:]


def mask_card(value: str) -> str:
    """622202******1234: bank and last four kept (6+4), as card numbers are shown to customers."""
    return _starred(value, 6, 4)


def mask_id_number(value: str) -> str:
    """First three and last four characters kept (110***********123X): the province, not the person."""
    return _starred(value, 3, 4)


def mask_token(value: str) -> str:
    """First and last four of a pseudonym (hex digest, base64): enough to match it against the issuer's list."""
    return _starred(value, 4, 4)


def mask_other(value: str) -> str:
    """By length: first and last 2 characters from 8 on, first and last 1 from 5, the first alone from 2."""
    n = len(value)
    if n >= 8:
        return _starred(value, 2, 2)
    if n >= 5:
        return _starred(value, 1, 1)
    return _starred(value, 1 if n >= 2 else 0, 0)


def mask_name(value: str) -> str:
    """张三丰 → 张**: the family name stays, as on Chinese official notices."""
    return value[:1] + "*" * (len(value) - 1) if value else value


# The forms of an individual business (个体工商户) that stand right after its operator's name when it has no
# trade name; a name is 2-4 Han characters after the start, a place (省/市/区/县/镇/乡/街道) or a bracket.
_SOLE_TRADER = re.compile(
    r"(?:^|(?<=[省市区县镇乡道(（\s]))(?P<name>[\u4e00-\u9fff]{2,4}?)(?=[(（]?(?:个体工商户|个体户)[)）]?)"
)


def mask_enterprise_name(name: object, persons: Iterable[object] = ()) -> str:
    """An enterprise's name with every person's name in it masked as a name is (`张三个体工商户` → `张*个体工商户`):
    the names in `persons` (its legal person's, or all the extract's legal persons'; longest first, two
    characters or more), and by shape an individual business's operator named before 个体工商户."""
    if name is None or name == "" or (isinstance(name, float) and name != name):
        return ""
    out = str(name)
    known = sorted({str(p) for p in persons if isinstance(p, str) and len(p.strip()) >= 2}, key=len, reverse=True)
    if known:
        out = re.sub("|".join(map(re.escape, known)), lambda m: mask_name(m.group(0)), out)
    return _SOLE_TRADER.sub(lambda m: mask_name(m.group("name")), out)


def mask_id(value: object, entity_type: str | None = None) -> str:
    """One identifier, by what it is (when known) and by its shape."""
    if value is None or value == "":
        return ""
    v = str(value)
    if (
        len(v) >= 20 and not v.isdigit() and TOKEN.fullmatch(v)
    ):  # a pseudonym, whatever entity it names (no plain id is this long)
        return mask_token(v)
    if len(v) == 11 and v.isdigit() and (v[0] == "1" or entity_type == "sim"):
        return mask_phone(v)
    if len(v) == 18 and v[:17].isdigit() and (v[17].isdigit() or v[17] in "Xx") and entity_type != "account":
        return mask_id_number(v)
    if 16 <= len(v) <= 19 and v.isdigit():
        return mask_card(v)
    if v.isdigit() and len(v) >= 14:  # IMEI, IMSI and other long numbers
        return _starred(v, 3, 4)
    if TOKEN.fullmatch(v):
        return mask_token(v)
    return mask_other(v)


@dataclass(frozen=True)
class Known:
    """Identifiers to find in text whatever their shape: word by word, or by pattern for those with spaces."""

    words: frozenset[str]
    spaced: re.Pattern[str] | None

    def mask_words(self, text: str) -> str:
        """Each word of `text` that is a known identifier (maybe in brackets or before a comma), masked."""
        if self.spaced is not None:
            text = self.spaced.sub(lambda m: mask_id(m.group(0)), text)
        return _WORD.sub(lambda m: self._word(m.group(0)), text) if self.words else text

    def _word(self, word: str) -> str:
        for start in range(len(word)):
            for end in range(len(word), start, -1):
                if word[start:end] in self.words:
                    return word[:start] + mask_id(word[start:end]) + word[end:]
                if word[end - 1] not in _CLOSING:
                    break
            if word[start] not in _OPENING:
                break
        return word


def known_ids(ids: Iterable[object]) -> Known:
    """The identifiers the shape rules cannot see (fingerprints like 'DEV-a81f…', short account ids)."""
    words = {str(i) for i in ids if i is not None and i == i and str(i) != ""}  # i == i: not NaN
    spaced = sorted((w for w in words if not _WORD.fullmatch(w)), key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, spaced))) if spaced else None
    return Known(frozenset(w for w in words if _WORD.fullmatch(w)), pattern)


def words_of(texts: Iterable[object]) -> set[str]:
    """The words of some texts that might be identifiers, as `Known` would look them up (with and
    without the brackets and punctuation around them)."""
    found: set[str] = set()
    for text in texts:
        if not isinstance(text, str):
            continue
        for word in _WORD.findall(text):
            found.add(word)
            found.add(word.lstrip(_OPENING))
            found.add(word.rstrip(_CLOSING))
            found.add(word.lstrip(_OPENING).rstrip(_CLOSING))
    found.discard("")
    return found


def _shape(m: re.Match[str]) -> str:
    kind, value = next(k for k in _KINDS if m.group(k) is not None), m.group(0)
    if kind == "keep":
        return value
    if kind == "phone":
        digits = re.sub(r"\D", "", value)
        return mask_phone(digits[-11:])
    if kind == "grouped":
        plain = re.sub(r"[ -]", "", value)
        return mask_id(plain.upper()) if len(plain) >= 12 else value
    if kind == "token":
        return mask_token(value)
    return mask_id(value.upper() if kind == "digits" else value)


def mask_text(text: object, known: Known | None = None) -> str:
    """Mask every identifier quoted in a sentence: those of a known shape, and the `known` ones."""
    if text is None or text == "" or (isinstance(text, float) and text != text):  # None, "", NaN
        return ""
    out = known.mask_words(str(text)) if known is not None else str(text)
    return _TEXT.sub(_shape, out)


class MaskingFilter(logging.Filter):
    """Log records with their identifiers masked (message, arguments and traceback), for log handlers
    whose records leave the process (Prefect's API log handler, the console)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place (every later handler sees it masked); never drop it."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let logging report it as it would
            return True
        record.msg, record.args = mask_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True


LOGGERS = ("", "prefect", "prefect.flow_runs", "prefect.task_runs", "prefect.extra")


def mask_logs(loggers: Iterable[str] = LOGGERS) -> None:
    """Put `MaskingFilter` on the handlers of `loggers` (the root and Prefect's, whose API handler stores
    every flow and task run's records in the Prefect database): once per handler."""
    for name in loggers:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, MaskingFilter) for f in handler.filters):
                handler.addFilter(MaskingFilter())
