import unicodedata

import pytest

from bot.vietnamese import comparable, fold, has_diacritics, normalize_word, words_with_offsets


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("hoà", "hòa"),
        ("thuý", "thúy"),
        ("Khoẻ", "Khỏe"),
        ("HOÀ", "HÒA"),
        ("hoàn", "hoàn"),  # the tone stays on a vowel followed by a consonant
        ("quyển", "quyển"),
        ("Ðăng", "Đăng"),  # Icelandic eth typed for Đ
        (unicodedata.normalize("NFD", "mật khẩu"), "mật khẩu"),
    ],
)
def test_normalize_word_applies_nfc_and_one_tone_placement(typed: str, normalised: str) -> None:
    assert normalize_word(typed) == normalised


def test_fold_removes_every_diacritic_and_lowercases() -> None:
    assert fold("Đăng nhập QLVB, Ủy quyền") == "dang nhap qlvb, uy quyen"


def test_has_diacritics_tells_bare_words_apart() -> None:
    assert has_diacritics("mật")
    assert has_diacritics("đi")
    assert not has_diacritics("usb")


def test_words_keep_offsets_into_decomposed_text() -> None:
    text = unicodedata.normalize("NFD", "Quên mật khẩu 😀 HT-000123, 0912.345.678 vb.Em")
    spans = words_with_offsets(text)
    assert [s.text for s in spans][-4:] == ["HT-000123", "0912.345.678", "vb", "Em"]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_comparable_ignores_case_punctuation_and_diacritics() -> None:
    assert comparable("Quên mật khẩu thì làm sao???") == comparable("quen  mat khau thi lam sao")
