from datetime import datetime, timedelta, timezone

import pytest

from bot.display import shorten, vietnam_time

NOW = datetime(2026, 11, 22, 7, 5, tzinfo=timezone.utc)


def test_times_are_shown_in_vietnam_time() -> None:
    assert vietnam_time(NOW) == "14:05 22/11/2026"
    assert vietnam_time(datetime(2026, 12, 31, 18, 30)) == "01:30 01/01/2027"  # naive is UTC
    assert vietnam_time(NOW.astimezone(timezone(timedelta(hours=-5)))) == "14:05 22/11/2026"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ngắn gọn", "Ngắn gọn"),
        ("  nhiều   khoảng\ntrắng ", "nhiều khoảng trắng"),
        ("Không đăng nhập được phần mềm quản lý văn bản", "Không đăng nhập…"),
        ("x" * 30, "x" * 19 + "…"),
    ],
)
def test_a_summary_is_cut_at_a_word(text: str, expected: str) -> None:
    shortened = shorten(text, 20)
    assert shortened == expected
    assert len(shortened) <= 20
