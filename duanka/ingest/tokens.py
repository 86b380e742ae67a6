"""Pseudonymised extracts: which identifier columns hold tokens, and of what shape.

Data shared under the personal-information law often arrives with every number, card and device id
replaced at the source by a token (a salted hash: 32 or 64 hex characters, or base64). Such an
extract is a normal case (shared/spec/input-contract.md, "Pseudonymised extracts"): a token is a key,
kept as written and compared exactly, never normalised or checksum-validated.

The decision is taken once per identifier *kind* across the whole extract, from the first rows of
every column of that kind, so that a `sims.msisdn` token and the same token in `calls.caller_msisdn`
are read alike and meet. A mapping file can also declare a column's tokens (docs/mapping.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from duanka import identifiers as ids

MIN_LENGTH = 16  # shorter values are too easily ordinary ids
MAX_LENGTH = 128  # a SHA-512 in hex; anything longer is not a pseudonym
SAMPLE = 1000  # first non-empty values per column the decision looks at

# Identifier kinds with a plain form the contract validates; a column of one of them may hold tokens.
PLAIN: dict[str, tuple[str, object]] = {
    "msisdn": ("mainland mobile number", lambda s: ids.normalise_msisdn(s).notna()),
    "id_number": ("resident identity number", lambda s: ids.id_number_valid(s.str.upper())),
    "device_id": ("IMEI", ids.imei_valid),
    "account_id": ("bank card number", lambda s: s.str.fullmatch(r"\d{16,19}").fillna(False) & ids.luhn_valid(s)),
    "imsi": ("IMSI", ids.imsi_valid),
}
KINDS = tuple(PLAIN)
# Kinds whose plain values have one strict form: any token among them is out of place. Device and
# account ids also take free-form fingerprints, so among those only a digest's shape is a token.
STRICT = ("msisdn", "id_number", "imsi")

ALPHABETS: dict[str, tuple[str, str]] = {  # name -> (characters, how a user would say it)
    "hex": ("0-9a-f", "hexadecimal characters"),
    "HEX": ("0-9A-F", "upper-case hexadecimal characters"),
    "base64": ("A-Za-z0-9+/_=-", "base64 characters"),
}
# A digest's shapes: hex of MD5, SHA-1, SHA-256; base64 with its own `+`, `/` or padding.
DIGEST = r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|(?=.*[+/=])[A-Za-z0-9+/]{20,}={0,2}"
TOKEN_AMONG_PLAIN = "a pseudonymised token among the column's plain values"
PLAIN_AMONG_TOKENS = "a plain value in a column of pseudonymised tokens"


@dataclass(frozen=True)
class Shape:
    """What every token of a kind looks like: one alphabet, one length (None: any, for a declared column)."""

    alphabet: str
    length: int | None = None

    @property
    def pattern(self) -> str:
        """The regular expression a token of this shape's alphabet matches in full (its length is checked
        apart: a repetition count the length of a hostile 3,000-character value is beyond Arrow's regex)."""
        return f"[{ALPHABETS[self.alphabet][0]}]+"

    def fits(self, values: pd.Series) -> pd.Series:
        """Which values are tokens of this shape (missing values: False)."""
        fits = values.str.fullmatch(self.pattern)
        if self.length:
            fits = fits & (values.str.len() == self.length)
        return fits.fillna(False).astype(bool)

    def __str__(self) -> str:
        return f"{self.length or 'any number of'} {ALPHABETS[self.alphabet][1]}"


def shape_of(values: pd.Series, declared: bool = False) -> Shape | None:
    """The one token shape most of `values` have, or None.

    Auto-detected tokens share one length of at least 16 characters, hold a letter (a column of digits
    is a column of numbers) and are most of the values; a declared column's tokens need only share
    an alphabet, their length is kept when they share it.
    """
    values = values.dropna()
    if values.empty:
        return None
    lengths = values.str.len()
    length = int(lengths.mode().iloc[0])
    common = values[lengths == length]
    if not declared and (not MIN_LENGTH <= length <= MAX_LENGTH or 2 * len(common) <= len(values)):
        return None
    if declared and (lengths != length).any():
        common, length = values, 0
    chars = set("".join(common.sample(min(len(common), 200), random_state=0)))
    if not declared and not chars & set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"):
        return None
    for name, (spec, _) in ALPHABETS.items():
        shape = Shape(name, length or None)
        if re.fullmatch(f"[{spec}]+", "".join(chars)) and 2 * int(shape.fits(values).sum()) > len(values):
            return shape
    return None


def plain_valid(kind: str, values: pd.Series) -> pd.Series:
    """Which values are valid plain identifiers of `kind` (an 11-digit mobile number, an IMEI, …)."""
    check = PLAIN[kind][1]
    assert callable(check)
    return pd.Series(check(values), index=values.index).fillna(False).astype(bool)


def token_like(kind: str, values: pd.Series) -> pd.Series:
    """Values that look like pseudonyms in a column of plain `kind` values: for a strict kind (a mobile
    number) any long run of token characters with a letter and a digit; for device and account ids,
    which take free-form fingerprints (`android-8f14e45f…`), only a digest's shape with a letter."""
    out = pd.Series(False, index=values.index)
    long = (values.str.len() >= MIN_LENGTH).fillna(False).to_numpy(bool)  # nearly always none: no regex then
    if long.any():
        some = values[long]
        if kind in STRICT:
            shaped = some.str.fullmatch(r"[A-Za-z0-9+/_=-]{16,}") & some.str.contains(r"\d")
        else:
            shaped = some.str.fullmatch(DIGEST)
        shaped = (shaped & some.str.contains(r"[A-Za-z]")).fillna(False).astype(bool)
        out[long] = (shaped & ~plain_valid(kind, some)).to_numpy()  # `…123X` is an identity number
    return out


@dataclass(frozen=True)
class Pseudonyms:
    """The extract's token kinds and the columns read as tokens."""

    kinds: tuple[tuple[str, Shape], ...] = ()  # kind -> shape of its tokens
    columns: tuple[tuple[str, str, str], ...] = ()  # (file, column, kind) read as tokens
    declared: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # (file, column) the mapping declared

    def shape(self, kind: str) -> Shape | None:
        """The shape of `kind`'s tokens, None when the extract's values of that kind are plain."""
        return dict(self.kinds).get(kind)

    def of(self, file: str) -> tuple[tuple[str, Shape], ...]:
        """(column, shape) of `file`'s token columns: hashable, so a file's schema is built once."""
        shapes = dict(self.kinds)
        return tuple((column, shapes[kind]) for f, column, kind in self.columns if f == file)

    def described(self) -> dict[str, str]:
        """`file.column` → the shape of its tokens, as the summary, manifest and report say it."""
        shapes, declared = dict(self.kinds), set(self.declared)
        return {
            f"{f}.{c}": str(shapes[k]) + (" (declared in the mapping)" if (f, c) in declared else "")
            for f, c, k in self.columns
        }


def decide(samples: dict[tuple[str, str], tuple[str, pd.Series]], declared: Iterable[tuple[str, str]]) -> Pseudonyms:
    """From the first values of each identifier column ((file, column) → (kind, values)), the token kinds.

    A kind is read as tokens when a column of it is declared so, or when, over all its columns, values
    of one token shape outnumber the plain identifiers; then every column of the kind is read as tokens
    (a column of plain values among them is then quarantined row by row, and fails fast when wholly so).
    """
    declared = set(declared)
    kinds: dict[str, Shape] = {}
    for kind in KINDS:
        columns = {fc: values for fc, (k, values) in samples.items() if k == kind}
        if not columns:
            continue
        told = [values for fc, values in columns.items() if fc in declared]
        if told:
            shape = shape_of(pd.concat(told, ignore_index=True), declared=True)
            if shape is not None:
                kinds[kind] = shape
            continue
        every = pd.concat(list(columns.values()), ignore_index=True).dropna()
        tokens = [v for v in columns.values() if shape_of(v) is not None]
        shape = shape_of(pd.concat(tokens, ignore_index=True)) if tokens else None
        plain = plain_valid(kind, every)  # `…424X` fits a base64 shape, and is an identity number
        if shape is not None and (shape.fits(every) & ~plain).sum() > plain.sum():
            kinds[kind] = shape
    columns_read = tuple((f, c, k) for (f, c), (k, _) in samples.items() if k in kinds)
    return Pseudonyms(tuple(kinds.items()), columns_read, tuple(sorted(declared)))
