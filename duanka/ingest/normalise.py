"""Turn validated strings into the values the graph stores."""

from __future__ import annotations

from datetime import timedelta, timezone

import pandas as pd

from duanka import identifiers as ids

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")  # no daylight saving since 1991
_OFFSET = r"(?:Z|[+-]\d{2}:?\d{2})$"


def parse_timestamps(values: pd.Series) -> pd.Series:
    """ISO 8601 to Asia/Shanghai-aware timestamps (NaT where unparsable); no offset means local time."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    present = values.notna()
    if not present.any():
        return out.dt.tz_convert(SHANGHAI)
    text = values[present].astype(str)
    has_offset = text.str.contains(_OFFSET, regex=True)
    with_offset = pd.to_datetime(text[has_offset], format="ISO8601", errors="coerce", utc=True)
    naive = pd.to_datetime(text[~has_offset], format="ISO8601", errors="coerce")
    if len(naive):
        naive = naive.dt.tz_localize(SHANGHAI).dt.tz_convert("UTC")
    out.loc[with_offset.index] = with_offset
    out.loc[naive.index] = naive
    return out.dt.tz_convert(SHANGHAI)


def to_bool(values: pd.Series) -> pd.Series:
    lowered = values.str.lower()
    return lowered.isin(("true", "t", "1", "yes", "y")).where(values.notna())


def normalise(name: str, kind: str, values: pd.Series) -> pd.Series:
    """One column to stored values: object Series of str / int / float / bool / datetime / date / None."""
    if kind == "msisdn":
        out = ids.normalise_msisdn(values)
    elif kind == "id_number":
        out = values.str.upper()
    elif kind == "timestamp":  # ISO text at +08:00: the generated Cypher makes it a DateTime
        stamps = parse_timestamps(values)
        return stamps.dt.strftime("%Y-%m-%dT%H:%M:%S+08:00").astype(object).where(stamps.notna(), None)
    elif kind == "date":
        return parse_timestamps(values).dt.strftime("%Y-%m-%d").astype(object).where(values.notna(), None)
    elif kind == "bool":
        out = to_bool(values)
    elif kind in ("count", "nonneg_int"):
        out = pd.to_numeric(values, errors="coerce").astype("Int64")
    elif kind in ("amount", "money"):
        out = pd.to_numeric(values.str.replace(",", "", regex=False), errors="coerce")
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
    frame["carrier"] = frame["carrier"].where(frame["carrier"].notna(), carrier.astype(object).where(carrier.notna(), None))
    virtual = ids.is_virtual_segment(frame["msisdn"].astype("string")).astype(object)
    frame["is_virtual"] = frame["is_virtual"].where(frame["is_virtual"].notna(), virtual)
    return frame
