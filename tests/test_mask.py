"""The masking rules (duanka/export/mask.py): no identifier is ever shown whole, in a field or in text."""

from __future__ import annotations

import logging

import pytest

from duanka.export import mask


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("13812345678", "138****5678"),
        ("6222021234561234", "622202******1234"),
        ("11010519491231002X", "110***********002X"),
        ("868915039137963", "868********7963"),  # IMEI
        ("1234567", "1*****7"),  # a 7-digit account id: not shown whole
        ("12345678", "12****78"),
        ("P00000123", "P0*****23"),
        ("Q7", "Q*"),
        ("7", "*"),
        ("DEV-a81f0c77", "DE********77"),
        ("AA:BB:CC:DD:EE:FF", "AA*************FF"),
        ("9774d56d682e549c", "9774********549c"),  # Android ID: a token
        ("e3b0c44298fc1c149afbf4c8996fb924", "e3b0************************b924"),  # 32 hex
        ("dGhpcyBpcyBhIHNlY3JldCB0b2tlbg==", "dGhp************************bg=="),  # base64
    ],
)
def test_one_identifier_is_never_shown_whole(value: str, shown: str) -> None:
    assert mask.mask_id(value) == shown


def test_a_very_long_id_is_shown_short() -> None:
    assert mask.mask_id("x9" * 200) == "x9x9" + "*" * mask.MAX_STARS + "x9x9"


@pytest.mark.parametrize(
    "written",
    ["138-1234-5678", "138 1234 5678", "+86 138 1234 5678", "+86-138-1234-5678", "+8613812345678", "8613812345678"],
)
def test_phone_numbers_in_text_are_masked_however_written(written: str) -> None:
    assert mask.mask_text(f"called {written}, twice") == "called 138****5678, twice"


def test_text_masks_grouped_numbers_macs_and_tokens_but_not_dates_or_runs() -> None:
    text = (
        "card 6222 0212 3456 1234, id 110105 19491231 002X, mac aa:bb:cc:dd:ee:ff, token 9774d56d682e549c, "
        "2024-03-01 to 2024-04-01, 12 cards, 1,234,567 yuan, run detect-20261207T061912Z-ab12cd"
    )
    assert mask.mask_text(text) == (
        "card 622202******1234, id 110***********002X, mac aa*************ff, token 9774********549c, "
        "2024-03-01 to 2024-04-01, 12 cards, 1,234,567 yuan, run detect-20261207T061912Z-ab12cd"
    )


def test_known_ids_are_masked_in_any_language_and_punctuation() -> None:
    known = mask.known_ids(["DEV-a81f0c77", "1234567", "$\\foo{$", "AB 12"])
    text = "ran in device DEV-a81f0c77, paid (1234567); 由设备DEV-a81f0c77操作 $\\foo{$ and AB 12."
    assert mask.mask_text(text, known) == (
        "ran in device DE********77, paid (1*****7); 由设备DE********77操作 $*****$ and A***2."
    )
    assert mask.words_of([text]) >= {"DEV-a81f0c77", "1234567", "$\\foo{$"}


def test_log_records_are_masked_with_their_traceback() -> None:
    record = logging.LogRecord("prefect.flow_runs", logging.ERROR, __file__, 1, "row %s failed", ("13812345678",), None)
    try:
        raise ValueError("bad row 11010519491231002X")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert mask.MaskingFilter().filter(record)
    assert record.getMessage() == "row 138****5678 failed"
    assert "11010519491231002X" not in (record.exc_text or "") and "110***********002X" in (record.exc_text or "")


@pytest.mark.parametrize(
    ("name", "legal", "shown"),
    [
        ("张三个体工商户", [], "张*个体工商户"),  # an individual business under its operator's name, by shape
        ("深圳市南山区张三丰个体工商户", [], "深圳市南山区张**个体工商户"),  # the place stays, the person does not
        ("广州市天河区王小明（个体工商户）", [], "广州市天河区王**（个体工商户）"),
        ("李四贸易商行", ["李四"], "李*贸易商行"),  # a legal person's name inside a trade name
        ("深圳市陈建国李四网络科技有限公司", ["李四", "陈建国"], "深圳市陈**李*网络科技有限公司"),
        ("华为技术有限公司", ["李四"], "华为技术有限公司"),  # no person in it: shown as it is
        ("", ["李四"], ""),
    ],
)
def test_a_person_s_name_inside_an_enterprise_name_is_masked(name: str, legal: list[str], shown: str) -> None:
    assert mask.mask_enterprise_name(name, legal) == shown


def test_an_enterprise_name_never_shows_its_legal_person_s_given_name() -> None:
    """The generator names young shops after their owners: none of those names survives masking."""
    import numpy as np

    from duanka.generate.alloc import Allocator

    names = Allocator(np.random.default_rng(3)).names(200)
    for person, form in zip(names, ["个体工商户", "贸易商行", "餐饮店", "美容工作室"] * 50, strict=True):
        masked = mask.mask_enterprise_name(f"{person}{form}", [person])
        assert person not in masked and masked.startswith(person[0]) and masked.endswith(form), masked
