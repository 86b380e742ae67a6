"""Identifier rules against published examples and hand-made counter-examples."""

import pandas as pd

from duanka import identifiers as ids


def s(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype="string")


def test_luhn_known_numbers() -> None:
    # 79927398713 is the textbook Luhn example; 490154203237518 a published IMEI.
    assert ids.luhn_valid(s("79927398713", "490154203237518", "4111111111111111")).all()
    assert not ids.luhn_valid(s("79927398710", "490154203237519", "41111111111x1111")).any()


def test_gb11643_known_number() -> None:
    # 11010519491231002X is the standard's own worked example.
    assert ids.id_number_valid(s("11010519491231002X")).all()
    assert not ids.id_number_valid(s("110105194912310021", "11010519491331002X", "1101051949123100")).any()


def test_msisdn_normalisation() -> None:
    out = ids.normalise_msisdn(
        s(
            "13812345678",
            "+86 138-1234-5678",
            "8613812345678",
            "(138)1234 5678",
            "12345678901",
            "1381234567",
            "2381234567X",
        )
    )
    assert out.tolist()[:4] == ["13812345678"] * 4
    assert out[4:].isna().all()


def test_carrier_and_virtual_from_segment() -> None:
    nums = s("13812345678", "17012345678", "19212345678", "18912345678")
    assert ids.carrier_of(nums).tolist() == ["CMCC", "MVNO", "CBN", "CTCC"]
    assert ids.is_virtual_segment(nums).tolist() == [False, True, False, False]


def test_device_and_account_rules() -> None:
    assert ids.device_id_valid(s("490154203237518", "fp:abc123", "SIMBOX-7")).all()
    assert not ids.device_id_valid(s("490154203237519")).any()
    assert ids.account_id_valid(s("4111111111111111", "WX0012345678", "6222020200112233")).tolist() == [
        True,
        True,
        False,
    ]
    assert ids.imsi_valid(s("460001234567890", "310150123456789")).tolist() == [True, False]
