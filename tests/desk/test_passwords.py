import hashlib
import unicodedata
from typing import Any

import pytest

from bot.desk import passwords
from tests.desk.conftest import PASSWORD, REAL_COST


def test_the_real_cost_is_djangos_for_scrypt_and_a_hash_carries_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert (REAL_COST.n, REAL_COST.r, REAL_COST.p) == (2**14, 8, 1)
    monkeypatch.setattr(passwords, "COST", REAL_COST)
    stored = passwords.hash_password(PASSWORD)
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(salt) == 22 and len(key) == 43  # 16 and 32 bytes, unpadded base64
    assert passwords.verify(PASSWORD, stored)
    assert not passwords.verify(PASSWORD + "!", stored)


def test_a_password_checks_against_its_own_hash_only() -> None:
    stored = passwords.hash_password(PASSWORD)
    assert passwords.verify(PASSWORD, stored)
    for other in ("", PASSWORD[:-1], PASSWORD.upper(), PASSWORD + " ", "mật khẩu khác"):
        assert not passwords.verify(other, stored)


def test_each_hash_has_its_own_salt() -> None:
    first, second = passwords.hash_password(PASSWORD), passwords.hash_password(PASSWORD)
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]
    assert PASSWORD not in first


def test_a_hash_made_at_another_cost_still_checks() -> None:
    stored = passwords.hash_password(PASSWORD, passwords.Cost(n=32, r=4, p=2))
    assert stored.startswith("scrypt$32$4$2$")
    assert passwords.verify(PASSWORD, stored)


def test_vietnamese_typed_composed_or_decomposed_is_the_same_password() -> None:
    stored = passwords.hash_password(unicodedata.normalize("NFC", PASSWORD))
    assert passwords.verify(unicodedata.normalize("NFD", PASSWORD), stored)


@pytest.mark.parametrize(
    "stored",
    ["", "plain", "scrypt$16$8$1$salt", "md5$16$8$1$c2FsdA$a2V5", "scrypt$15$8$1$c2FsdA$a2V5"],
)
def test_a_malformed_hash_matches_nothing(stored: str) -> None:
    assert not passwords.verify(PASSWORD, stored)
    assert not passwords.verify("", stored)


def test_a_name_without_an_account_costs_one_hash_as_a_wrong_password_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stored = passwords.hash_password(PASSWORD)
    worked: list[tuple[int, int, int]] = []
    scrypt = hashlib.scrypt

    def counted(password: bytes, **options: Any) -> bytes:
        worked.append((options["n"], options["r"], options["p"]))
        return scrypt(password, **options)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    assert not passwords.verify("sai", stored)
    passwords.spend_time("sai")
    assert not passwords.verify("sai", "not a hash")
    assert worked == [(16, 8, 1)] * 3
