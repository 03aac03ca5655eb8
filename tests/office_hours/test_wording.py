"""When a person will answer, as the official reads it."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.office_hours.loading import office_hours_from
from bot.office_hours.wording import opening_words


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 12, 7, 0, 30), "7 giờ 30 sáng thứ Hai 7/12"),
        (datetime(2026, 12, 7, 6, 30), "13 giờ 30 chiều thứ Hai 7/12"),
        (datetime(2026, 12, 13, 1, 0, tzinfo=timezone.utc), "8 giờ sáng Chủ nhật 13/12"),
    ],
)
def test_a_moment_is_said_with_its_hour_part_of_the_day_weekday_and_date(
    moment: datetime, words: str
) -> None:
    assert opening_words(office_hours_from().hours, moment) == words
