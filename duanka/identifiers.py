"""Chinese telecom and banking identifiers: segments, checksums, normalisation.

Vectorised over pandas Series so that a million rows validate in seconds;
the generator uses the same rules to make identifiers that pass them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CARRIER_SEGMENTS: dict[str, tuple[str, ...]] = {
    "CMCC": (
        "134",
        "135",
        "136",
        "137",
        "138",
        "139",
        "147",
        "150",
        "151",
        "152",
        "157",
        "158",
        "159",
        "178",
        "182",
        "183",
        "184",
        "187",
        "188",
        "198",
    ),
    "CUCC": ("130", "131", "132", "145", "155", "156", "166", "175", "176", "185", "186"),
    "CTCC": ("133", "149", "153", "173", "177", "180", "181", "189", "191", "199"),
    "CBN": ("192",),
}
VIRTUAL_SEGMENTS: tuple[str, ...] = ("170", "171", "162", "165", "167")
SEGMENT_CARRIER = {seg: c for c, segs in CARRIER_SEGMENTS.items() for seg in segs}
SEGMENT_CARRIER.update({seg: "MVNO" for seg in VIRTUAL_SEGMENTS})

GB11643_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
GB11643_CHECK = np.array(list("10X98765432"))

_MSISDN_NOISE = r"[\s\-()（）]"


def digits_matrix(values: pd.Series, width: int) -> np.ndarray:
    """Rows of `width` ASCII digits as an int matrix (caller guarantees the shape)."""
    raw = values.to_numpy(dtype=f"S{width}")
    return (np.frombuffer(raw.tobytes(), dtype=np.uint8).reshape(-1, width) - 48).astype(np.int64)


def luhn_check_digit(body: np.ndarray) -> np.ndarray:
    """Luhn check digits for rows of digits (without the check digit)."""
    doubled = body[:, ::-1].copy()
    doubled[:, ::2] *= 2
    doubled[doubled > 9] -= 9
    return (10 - doubled.sum(axis=1) % 10) % 10


def luhn_valid(values: pd.Series) -> pd.Series:
    """True where every character is a digit and the Luhn check holds."""
    out = pd.Series(False, index=values.index)
    is_digits = values.str.fullmatch(r"\d+").fillna(False).astype(bool)
    lengths = values.str.len()
    for width in lengths[is_digits].unique():
        mask = is_digits & (lengths == width)
        digits = digits_matrix(values[mask], int(width))
        out[mask] = luhn_check_digit(digits[:, :-1]) == digits[:, -1]
    return out


def gb11643_check_char(body17: np.ndarray) -> np.ndarray:
    """The check character of each 17-digit resident-identity body (GB 11643)."""
    return GB11643_CHECK[(body17 * GB11643_WEIGHTS).sum(axis=1) % 11]


def id_number_valid(values: pd.Series) -> pd.Series:
    """18-character resident identity numbers (upper-cased) with a valid birth date and check character."""
    out = pd.Series(False, index=values.index)
    shaped = values.str.fullmatch(r"\d{17}[\dX]").fillna(False).astype(bool)
    if shaped.any():
        ids = values[shaped]
        body = digits_matrix(ids.str[:17], 17)
        check_ok = gb11643_check_char(body) == ids.str[17].to_numpy()
        born = pd.to_datetime(ids.str[6:14], format="%Y%m%d", errors="coerce")
        out[shaped] = check_ok & born.notna().to_numpy() & (ids.str[:6].str[0] != "0").to_numpy()
    return out


def normalise_msisdn(values: pd.Series) -> pd.Series:
    """Mainland mobile numbers to 11 digits; anything else becomes NA.

    Numbers already in shape (nearly all, in practice) skip the cleaning regexes.
    """
    shaped = values.str.fullmatch(r"1[3-9]\d{9}").fillna(False).astype(bool)
    if shaped.all():
        return values
    out = values.where(shaped)
    rest = values[~shaped & values.notna()]
    if len(rest):
        out.loc[rest.index] = _clean_msisdn(rest)
    return out


def _clean_msisdn(values: pd.Series) -> pd.Series:
    cleaned = values.str.replace(_MSISDN_NOISE, "", regex=True)
    cleaned = cleaned.str.replace(r"^(?:\+?86|0086)(?=1\d{10}$)", "", regex=True)
    return cleaned.where(cleaned.str.fullmatch(r"1[3-9]\d{9}").fillna(False).astype(bool))


def carrier_of(msisdn: pd.Series) -> pd.Series:
    """The carrier a mobile number's three-digit segment was issued to."""
    return msisdn.str[:3].map(SEGMENT_CARRIER)


def is_virtual_segment(msisdn: pd.Series) -> pd.Series:
    """Whether a number lies in a virtual-operator (MVNO) segment."""
    return msisdn.str[:3].isin(VIRTUAL_SEGMENTS)


def imei_valid(values: pd.Series) -> pd.Series:
    """15 digits with a valid Luhn check digit."""
    return values.str.fullmatch(r"\d{15}").fillna(False).astype(bool) & luhn_valid(values)


def device_id_valid(values: pd.Series) -> pd.Series:
    """A 15-digit id is an IMEI and must pass Luhn; any other fingerprint is accepted."""
    looks_imei = values.str.fullmatch(r"\d{15}").fillna(False).astype(bool)
    return ~looks_imei | luhn_valid(values)


def account_id_valid(values: pd.Series) -> pd.Series:
    """Card numbers (16-19 digits) must pass Luhn; other account ids are taken as given."""
    looks_card = values.str.fullmatch(r"\d{16,19}").fillna(False).astype(bool)
    return ~looks_card | luhn_valid(values)


def imsi_valid(values: pd.Series) -> pd.Series:
    """15 digits starting with a Chinese mobile country code (460)."""
    return values.str.fullmatch(r"460\d{12}").fillna(False).astype(bool)


# Numbers other than mobile ones, where the contract allows them (calls, call_records, reports, middle numbers):
# national service numbers (95xxx, 96xxx, 400 xxx xxxx) and SMS port codes (106 + 5–17 digits).
SERVICE_NUMBER = r"95\d{3,6}|96\d{3,6}|400\d{7}"
PORT_CODE = r"106\d{5,17}"
NUMBER_FORMS: dict[str, str] = {"mobile": r"1[3-9]\d{9}", "service": SERVICE_NUMBER, "port": PORT_CODE}


def normalise_number(values: pd.Series, forms: tuple[str, ...] = ("mobile",)) -> pd.Series:
    """A number in one of `forms` (mobile, service, port) in its stored form; anything else becomes NA.

    Mobile numbers are normalised as `normalise_msisdn` does; a service number or port code loses its
    spaces, dashes and brackets only (it has no country-code form)."""
    if forms == ("mobile",):
        return normalise_msisdn(values)
    out = normalise_msisdn(values) if "mobile" in forms else pd.Series(pd.NA, index=values.index, dtype=object)
    others = "|".join(NUMBER_FORMS[f] for f in forms if f != "mobile")
    rest = values[out.isna() & values.notna()]
    if len(rest):
        cleaned = rest.str.replace(_MSISDN_NOISE, "", regex=True)
        out = out.astype(object)
        out.loc[rest.index] = cleaned.where(cleaned.str.fullmatch(others).fillna(False).astype(bool))
    return out


def is_port_code(values: pd.Series) -> pd.Series:
    """Which stored numbers are SMS port codes (`106` + 5–17 digits): never a mobile or service number."""
    return values.astype("string").str.fullmatch(PORT_CODE).fillna(False).astype(bool)


# GB 32100-2015: the unified social credit code's 31 characters (no I, O, S, V, Z) and the weights of its
# first 17; the 18th is the check character, (31 - weighted sum mod 31) mod 31.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
_CREDIT_VALUE = {c: i for i, c in enumerate(CREDIT_ALPHABET)}


def credit_check_char(body17: str) -> str:
    """The GB 32100 check character of a 17-character code body."""
    total = sum(_CREDIT_VALUE[c] * int(w) for c, w in zip(body17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_valid(values: pd.Series) -> pd.Series:
    """18-character unified social credit codes: the GB 32100 alphabet, a 6-digit region in places 3–8,
    and a valid check character."""
    shaped = values.str.fullmatch(r"[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}").fillna(False).astype(bool)
    out = pd.Series(False, index=values.index)
    if shaped.any():
        out[shaped] = [credit_check_char(v[:17]) == v[17] for v in values[shaped]]
    return out
