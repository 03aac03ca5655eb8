"""Working time on the shipped calendar: lunch breaks, weekends and holidays count as nothing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.office_hours.calendar import OfficeHours
from bot.office_hours.loading import office_hours_from

UTC = timezone.utc


def vn(day: int, hour: int, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    """A moment given in Vietnam time, as naive UTC (how the desk stores it)."""
    return datetime(year, month, day, hour, minute) - timedelta(hours=7)


@pytest.fixture(scope="module")
def hours() -> OfficeHours:
    return office_hours_from().hours


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (vn(7, 7, 29), False),  # Monday, before opening
        (vn(7, 7, 30), True),
        (vn(7, 11, 30), False),  # lunch break
        (vn(7, 13, 30), True),
        (vn(7, 17, 0), False),  # closing time
        (vn(5, 10, 0), False),  # Saturday
        (vn(2, 10, 0, month=9), False),  # Quốc khánh
    ],
)
def test_the_office_is_open_only_in_its_weekday_periods_and_not_on_holidays(
    hours: OfficeHours, moment: datetime, open_: bool
) -> None:
    assert hours.is_open(moment) is open_


def test_the_next_opening_after_a_saturday_evening_is_monday_at_half_past_seven(
    hours: OfficeHours,
) -> None:
    assert hours.next_opening(vn(5, 18, 42)) == vn(7, 7, 30)


def test_the_next_opening_while_open_is_now_and_over_lunch_is_half_past_one(
    hours: OfficeHours,
) -> None:
    assert hours.next_opening(vn(7, 9, 15)) == vn(7, 9, 15)
    assert hours.next_opening(vn(7, 12, 0)) == vn(7, 13, 30)


def test_an_aware_moment_gives_an_aware_answer_in_utc(hours: OfficeHours) -> None:
    saturday = vn(5, 18, 42).replace(tzinfo=UTC)
    assert hours.next_opening(saturday) == vn(7, 7, 30).replace(tzinfo=UTC)


def test_working_time_skips_lunch_and_the_night(hours: OfficeHours) -> None:
    assert hours.working_time_between(vn(7, 7, 30), vn(7, 17, 0)) == timedelta(hours=7, minutes=30)
    assert hours.working_time_between(vn(7, 16, 0), vn(8, 8, 30)) == timedelta(hours=2)
    assert hours.working_time_between(vn(8, 8, 0), vn(7, 8, 0)) == timedelta(0)


def test_working_time_over_a_weekend_counts_only_friday_afternoon_and_monday_morning(
    hours: OfficeHours,
) -> None:
    assert hours.working_time_between(vn(4, 16, 0), vn(7, 8, 30)) == timedelta(hours=2)


def test_eight_working_hours_from_a_saturday_end_on_tuesday_at_eight(hours: OfficeHours) -> None:
    assert hours.add_working_time(vn(5, 18, 42), timedelta(hours=8)) == vn(8, 8, 0)


def test_adding_working_time_jumps_the_lunch_break(hours: OfficeHours) -> None:
    assert hours.add_working_time(vn(7, 11, 0), timedelta(hours=1)) == vn(7, 14, 0)


def test_a_deadline_over_tet_waits_for_the_holiday_to_end(hours: OfficeHours) -> None:
    friday_before_tet = vn(13, 16, 0, month=2)
    deadline = hours.add_working_time(friday_before_tet, timedelta(hours=2))
    assert deadline == vn(23, 8, 30, month=2)  # Monday after the week of Tết


def test_adding_then_measuring_gives_back_the_same_working_time(hours: OfficeHours) -> None:
    start = vn(9, 10, 17)
    for amount in (timedelta(minutes=5), timedelta(hours=4), timedelta(hours=24)):
        end = hours.add_working_time(start, amount)
        assert hours.working_time_between(start, end) == amount
