import pytest

from bot.escalation.phone import normalize_phone


@pytest.mark.parametrize(
    "typed",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "0084 912 345 678",
        "(+84) 912 345 678",
        "+84 (0) 912 345 678",
        " 0912345678 ",
    ],
)
def test_usual_ways_of_writing_a_mobile_number_are_normalised(typed: str) -> None:
    assert normalize_phone(typed) == "0912345678"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "abc",
        "091234567",  # 9 digits
        "09123456789",  # 11 digits
        "0112345678",  # no such mobile prefix
        "1912345678",
        "0912 345 67a",
        "số tôi là 0912345678 nhé",
        "0243 826 1234",  # a landline: the contract stores 10 digits
        "+1 415 555 0100",
        "0" * 10,
    ],
)
def test_anything_else_is_refused(typed: str) -> None:
    assert normalize_phone(typed) is None
