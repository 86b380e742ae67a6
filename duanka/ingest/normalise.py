"""Turn validated strings into the values the graph stores."""

from __future__ import annotations

from datetime import timedelta, timezone

import pandas as pd

from duanka import identifiers as ids

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991
# A time of day followed by an offset: `Z`, `+08:00`, `+0800` or `+08`. Anchored on the time so
# that a date alone (`2025-04-03`, whose day looks like `-03`) is not read as carrying one.
_OFFSET = r"[T ]\d{2}(?::?\d{2}){0,2}(?:[.,]\d+)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"
_DATE_ONLY = r"\d{4}-?\d{2}-?\d{2}$"


def parse_timestamps(values: pd.Series) -> pd.Series:
    """ISO 8601 in any common form, mixed within a column, to Asia/Shanghai-aware timestamps (NaT if unparsable).

    No offset means Shanghai local time and a date alone means local midnight (the input
    contract): both get `+08:00` written on, so every value is parsed once, as an instant.
    """
    return _parsed(_upper(values))[0]


def timestamp_text(values: pd.Series) -> pd.Series:
    """Each value as the graph stores it: ISO text at +08:00 (None where missing or unparsable)."""
    text = _upper(values)
    stamps, local_seconds = _parsed(text)
    if local_seconds:  # already the stored form but for its offset: no formatting
        return (text + "+08:00").astype(object).where(stamps.notna(), None)
    return iso_text(stamps)


# Nearly every extract writes local time to the second (`2026-07-10T10:26:51`): such a column is
# parsed by one fixed format and stored by appending the offset — sampled at medium, 20 s of the
# validating process's 56 s went to the general path's regexes, concatenations and strftime.
_LOCAL_SECONDS = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"
_LOCAL_SECONDS_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _upper(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.upper()  # `t` and `z` are valid ISO 8601 too


def _parsed(text: pd.Series) -> tuple[pd.Series, bool]:
    """`text` (stripped, upper case) as Shanghai-aware timestamps, and whether every value was local
    time to the second or missing (then parsed by the one fixed format)."""
    if (text.str.fullmatch(_LOCAL_SECONDS) | text.isna()).fillna(True).all():
        return pd.to_datetime(text, format=_LOCAL_SECONDS_FORMAT, errors="coerce").dt.tz_localize(SHANGHAI), True
    local = ~text.str.contains(_OFFSET, regex=True).fillna(False)
    dated = text.str.fullmatch(_DATE_ONLY).fillna(False)
    text = text.mask(local & dated, text + "T00:00:00+08:00").mask(local & ~dated, text + "+08:00")
    return pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce").dt.tz_convert(SHANGHAI), False


def iso_text(stamps: pd.Series) -> pd.Series:
    """Timestamps as ISO text at +08:00, fractions of a second kept where there are any; None where missing."""
    text = stamps.dt.strftime("%Y-%m-%dT%H:%M:%S")
    micros = stamps.dt.microsecond
    fractional = (micros > 0).fillna(False).to_numpy(bool)
    if fractional.any():  # rare: only those rows pay for the fraction's text
        digits = micros[fractional].astype("int64").astype(str).str.zfill(6).str.rstrip("0")
        text[fractional] = text[fractional] + "." + digits
    return (text + "+08:00").astype(object).where(stamps.notna(), None)


def to_bool(values: pd.Series) -> pd.Series:
    """true/t/1/yes/y (any case) as True, other text False, missing stays missing."""
    lowered = values.str.lower()
    return lowered.isin(("true", "t", "1", "yes", "y")).where(values.notna())


def normalise(name: str, kind: str, values: pd.Series, forms: tuple[str, ...] = ("mobile",)) -> pd.Series:
    """One column to stored values: object Series of str / int / float / bool / datetime / date / None.

    `forms`: a number column's valid forms (mobile, service, port), as its contract column says."""
    if kind == "msisdn":
        out = ids.normalise_number(values, forms)
    elif kind in ("id_number", "credit_code"):
        out = values.str.upper()
    elif kind == "timestamp":  # ISO text at +08:00: the generated Cypher makes it a DateTime
        return timestamp_text(values)
    elif kind == "date":
        stamps = parse_timestamps(values)
        return stamps.dt.strftime("%Y-%m-%d").astype(object).where(stamps.notna(), None)
    elif kind == "bool":
        out = to_bool(values)
    elif kind in ("count", "nonneg_int"):
        out = pd.to_numeric(values, errors="coerce").astype("Int64")
    elif kind in ("amount", "money"):
        out = pd.to_numeric(values.str.replace(",", "", regex=False), errors="coerce").astype(
            "float64"
        )  # yuan: always a float
    else:
        out = values
    return out.astype(object).where(out.notna(), None)


def derive_carrier(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill carrier and is_virtual from the number segment where the extract left them empty."""
    if "carrier" not in frame.columns:
        frame["carrier"] = None
    if "is_virtual" not in frame.columns:
        frame["is_virtual"] = None
    carrier = ids.carrier_of(frame["msisdn"].astype("string"))
    frame["carrier"] = frame["carrier"].where(
        frame["carrier"].notna(), carrier.astype(object).where(carrier.notna(), None)
    )
    virtual = ids.is_virtual_segment(frame["msisdn"].astype("string")).astype(object)
    frame["is_virtual"] = frame["is_virtual"].where(frame["is_virtual"].notna(), virtual)
    return frame
