"""The pieces every score is built from: noisy-OR of evidence terms, counts of kinds of evidence, and the
reasons that go with them, in English and Chinese side by side."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd

SHANGHAI = timezone(timedelta(hours=8))


def noisy_or(*terms: np.ndarray) -> np.ndarray:
    """1 − Π(1 − t): any one strong term carries the score; weak ones add up slowly."""
    out = np.ones_like(np.asarray(terms[0], dtype=float))
    for t in terms:
        out *= 1.0 - np.clip(np.asarray(t, dtype=float), 0, 1)
    return 1.0 - out


def day(ts: float | int | None) -> str:
    """An epoch second as a Beijing-time date, '?' when unknown."""
    if ts is None or pd.isna(ts):
        return "?"
    return datetime.fromtimestamp(int(ts), SHANGHAI).strftime("%Y-%m-%d")


class Reasons:
    """Evidence sentences collected in English and Chinese side by side."""

    def __init__(self) -> None:
        self.en: list[str] = []
        self.zh: list[str] = []

    def add(self, en: str, zh: str) -> None:
        """One piece of evidence, in both languages."""
        self.en.append(en)
        self.zh.append(zh)

    def joined(self) -> tuple[str, str]:
        """The evidence as one English and one Chinese sentence list."""
        return "; ".join(self.en), "；".join(self.zh)


REPORTED = ("named in a victim report", "被受害人报案指认")


def attach(out: pd.DataFrame, reasons: list[Reasons]) -> pd.DataFrame:
    """`out` with each row's reasons in both languages, in the columns every scored table shares."""
    pairs = [r.joined() for r in reasons]
    out["reasons_en"] = [en for en, _ in pairs]
    out["reasons_zh"] = [zh for _, zh in pairs]
    return out


def kinds(*evidence: pd.Series) -> pd.Series:
    """How many distinct kinds of evidence an entity has (each a yes/no per entity): corroboration counts them."""
    return sum((e.astype(bool).astype(int) for e in evidence), start=pd.Series(0, index=evidence[0].index))


def share(part: pd.Series, whole: pd.Series) -> np.ndarray:
    """part / whole, 0 where there is no whole."""
    return np.where(whole > 0, part / whole.clip(lower=1), 0.0)
