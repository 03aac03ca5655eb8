"""Reading what staff type: codes as they come, Vietnamese status words, the text after."""

from __future__ import annotations

import pytest

from bot.channels.telegram.staff.commands import (
    arguments_of,
    code_in,
    split_code,
    status_for,
    ticket_code,
)
from bot.desk.models import STATUSES
from bot.texts import texts


@pytest.mark.parametrize(
    ("arguments", "code", "rest"),
    [
        ("HT-000123 Anh/chị thử lại", "HT-000123", "Anh/chị thử lại"),
        ("ht-123 dòng một\ndòng hai", "HT-000123", "dòng một\ndòng hai"),
        ("  HT 42", "HT-000042", ""),
        ("HT123 xong", "HT-000123", "xong"),
        ("HT-1234567 quá dài", None, "HT-1234567 quá dài"),
        ("HT-000000", None, "HT-000000"),
        ("Anh/chị xem phiếu HT-000001", None, "Anh/chị xem phiếu HT-000001"),
        ("", None, ""),
    ],
)
def test_only_a_leading_code_counts_however_it_is_typed(
    arguments: str, code: str | None, rest: str
) -> None:
    assert split_code(arguments) == (code, rest)


@pytest.mark.parametrize(
    ("text", "arguments"),
    [
        ("/traloi HT-000001 a\nb", " HT-000001 a\nb"),
        ("/traloi@helpdesk_test_bot HT-000001", " HT-000001"),
        ("/dong", ""),
    ],
)
def test_the_arguments_follow_the_command_with_their_line_breaks(text: str, arguments: str) -> None:
    assert arguments_of(text) == arguments


@pytest.mark.parametrize(
    ("words", "status"),
    [
        ("Đang xử lý", "in_progress"),
        ("dang xu ly", "in_progress"),
        ("  “CHỜ PHẢN HỒI”. ", "waiting_official"),
        ("xong", "resolved"),
        ("Đã đóng", "closed"),
        ("mới", "new"),
        ("waiting_official", "waiting_official"),
        ("bay lên trời", None),
        ("đang", None),
    ],
)
def test_status_words_are_read_without_case_or_diacritics(words: str, status: str | None) -> None:
    assert status_for(words) == status


def test_every_status_word_names_a_status_of_the_desk_contract() -> None:
    words = texts("bot.channels.telegram").section("staff.status_words")
    assert (
        set(words)
        == set(STATUSES)
        == set(texts("bot.channels.telegram").section("staff.status_names"))
    )
    for status, spellings in words.items():
        assert all(status_for(word) == status for word in spellings)


def test_the_bots_own_messages_give_back_their_code() -> None:
    assert code_in("🆕 Phiếu mới HT-000045\nTrích yếu: HT-000046") == "HT-000045"
    assert code_in("Các lệnh của cán bộ hỗ trợ") is None
    assert code_in(None) is None
    assert ticket_code(7) == "HT-000007"
