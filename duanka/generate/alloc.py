"""Unique, valid identifiers drawn from a seeded generator."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from duanka.identifiers import (
    CARRIER_SEGMENTS,
    GB11643_CHECK,
    GB11643_WEIGHTS,
    VIRTUAL_SEGMENTS,
    luhn_check_digit,
)

# Share of each operator's segments among ordinary subscribers.
CARRIER_SHARE = {"CMCC": 0.55, "CUCC": 0.22, "CTCC": 0.21, "CBN": 0.02}
MVNO_BRANDS = ("蜗牛移动", "远特通信", "小米移动", "京东通信", "阿里通信", "苏宁互联")
# Real card BINs and their issuers; length of the full card number.
BINS = (
    ("622202", "中国工商银行", 19),
    ("621700", "中国建设银行", 19),
    ("622848", "中国农业银行", 19),
    ("621661", "中国银行", 19),
    ("622588", "招商银行", 16),
    ("622262", "交通银行", 19),
    ("621799", "中国邮政储蓄银行", 19),
    ("622155", "平安银行", 16),
    ("622689", "中信银行", 16),
)
TACS = ("35328509", "35391110", "86891503", "86754603", "35882109", "86012304", "35468811", "86466304")
REGIONS = (
    "110105",
    "110108",
    "310104",
    "310115",
    "440106",
    "440305",
    "330106",
    "510107",
    "420106",
    "320102",
    "350203",
    "410105",
    "430104",
    "360102",
    "500103",
    "610113",
    "370102",
    "210102",
    "350583",
    "441581",
    "452501",
    "530102",
    "450102",
    "130102",
    "340104",
    "220102",
)
SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹")
GIVEN = tuple("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅鑫宇浩然子轩欣怡")


class Allocator:
    """Hands out identifiers that are valid and never repeat within one scenario."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._msisdn: set[int] = set()
        self._imei: set[int] = set()
        self._card: set[int] = set()

    def _unique(self, used: set[int], draw: Callable[[int], np.ndarray], n: int) -> np.ndarray:
        out: list[np.ndarray] = []
        need = n
        while need:
            cand = np.unique(draw(need + need // 50 + 8)).tolist()
            fresh = np.array([c for c in cand if c not in used], dtype=np.int64)
            fresh = self.rng.permutation(fresh)[:need]
            used.update(fresh.tolist())
            out.append(fresh)
            need -= len(fresh)
        return np.concatenate(out) if out else np.empty(0, np.int64)

    def msisdns(self, n: int, virtual_share: float = 0.03) -> np.ndarray:
        """Numbers as int64, carriers weighted by market share, some on MVNO segments."""
        carriers = list(CARRIER_SHARE)
        segs: list[str] = []
        weights: list[float] = []
        for c in carriers:
            segs += CARRIER_SEGMENTS[c]
            weights += [CARRIER_SHARE[c] * (1 - virtual_share) / len(CARRIER_SEGMENTS[c])] * len(CARRIER_SEGMENTS[c])
        segs += VIRTUAL_SEGMENTS
        weights += [virtual_share / len(VIRTUAL_SEGMENTS)] * len(VIRTUAL_SEGMENTS)
        seg_values = np.array([int(s) for s in segs], dtype=np.int64)
        p = np.array(weights) / sum(weights)

        def draw(k: int) -> np.ndarray:
            return seg_values[self.rng.choice(len(segs), k, p=p)] * 10**8 + self.rng.integers(0, 10**8, k)

        return self._unique(self._msisdn, draw, n)

    def imeis(self, n: int) -> np.ndarray:
        """`n` distinct valid IMEIs (real TAC prefixes, Luhn check digit)."""
        tacs = np.array([int(t) for t in TACS], dtype=np.int64)

        def draw(k: int) -> np.ndarray:
            body = tacs[self.rng.integers(0, len(tacs), k)] * 10**6 + self.rng.integers(0, 10**6, k)
            return body * 10 + luhn_check_digit(_digits(body, 14))

        return self._unique(self._imei, draw, n)

    def cards(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Card numbers (as strings) with Luhn digits, and the issuing bank of each."""
        pick = self.rng.integers(0, len(BINS), n)
        numbers = np.empty(n, dtype=object)
        for i, (bin_, _, length) in enumerate(BINS):
            mask = pick == i
            k = int(mask.sum())
            if not k:
                continue
            tail = length - 7

            def draw(m: int, bin_: str = bin_, tail: int = tail, length: int = length) -> np.ndarray:
                body = int(bin_) * 10**tail + self.rng.integers(0, 10**tail, m)
                return body * 10 + luhn_check_digit(_digits(body, length - 1))

            numbers[mask] = self._unique(self._card, draw, k).astype(str)
        banks = np.array([b[1] for b in BINS], dtype=object)[pick]
        return numbers, banks

    def id_numbers(self, regions: np.ndarray, births: np.ndarray) -> np.ndarray:
        """GB 11643 numbers: region, birth date, sequence, check character."""
        n = len(regions)
        seq = self.rng.integers(0, 1000, n)
        body = pd.Series(regions.astype(str)) + pd.Series(births.astype(str)) + pd.Series(seq).astype(str).str.zfill(3)
        digits = (np.frombuffer(body.to_numpy(dtype="S17").tobytes(), np.uint8).reshape(-1, 17) - 48).astype(np.int64)
        check = GB11643_CHECK[(digits * GB11643_WEIGHTS).sum(axis=1) % 11]
        return (body + pd.Series(check)).to_numpy(dtype=object)

    def names(self, n: int) -> np.ndarray:
        """`n` Chinese names: a common surname and one or two given-name characters."""
        sur = np.array(SURNAMES, dtype=object)[self.rng.integers(0, len(SURNAMES), n)]
        g1 = np.array(GIVEN, dtype=object)[self.rng.integers(0, len(GIVEN), n)]
        g2 = np.array(GIVEN, dtype=object)[self.rng.integers(0, len(GIVEN), n)]
        two = self.rng.random(n) < 0.6
        return np.where(two, sur + g1 + g2, sur + g1)


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers) % 10


def carrier_columns(msisdn: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """carrier and is_virtual as an operator's extract would have them (MVNO brands by name)."""
    from duanka.identifiers import SEGMENT_CARRIER

    seg = (msisdn // 10**8).astype(str)
    carrier = pd.Series(seg).map(SEGMENT_CARRIER).to_numpy(dtype=object)
    virtual = carrier == "MVNO"
    brands = np.array(MVNO_BRANDS, dtype=object)[rng.integers(0, len(MVNO_BRANDS), len(msisdn))]
    carrier[virtual] = brands[virtual]
    return carrier, virtual
