"""The office hours file: the shipped one, and every fault named in Vietnamese."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from bot.office_hours.loading import OfficeHoursProblem, Supervisor, office_hours_from, parse
from bot.office_hours.settings import OfficeHoursSettings
from bot.settings import settings_problems

GOOD: dict[str, Any] = {
    "timezone": "Asia/Ho_Chi_Minh",
    "week": {"monday": ["08:00-12:00"], "sunday": []},
    "holidays": ["2027-01-01"],
    "escalation": {
        "first_alert_hours": 2.5,
        "supervisors": [{"name": "Trần Thị Bình", "telegram_id": 123456789}],
    },
}


def test_the_shipped_file_has_a_five_day_week_vietnamese_holidays_and_no_supervisor() -> None:
    schedule = office_hours_from()
    assert sorted(schedule.hours.week) == [0, 1, 2, 3, 4, 5, 6]
    assert [len(schedule.hours.week[day]) for day in range(7)] == [2, 2, 2, 2, 2, 0, 0]
    assert date(2026, 9, 2) in schedule.hours.holidays
    assert str(schedule.hours.zone) == "Asia/Ho_Chi_Minh"
    assert schedule.escalation.first_alert == timedelta(hours=4)
    assert schedule.escalation.supervisors == ()


def test_a_file_gives_its_week_holidays_threshold_and_supervisors() -> None:
    schedule = parse(GOOD)
    assert schedule.hours.holidays == frozenset({date(2027, 1, 1)})
    assert schedule.escalation.first_alert == timedelta(hours=2, minutes=30)
    assert schedule.escalation.supervisors == (Supervisor("Trần Thị Bình", 123456789),)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"timezone": "Asia/Hanoi_Nowhere"}, "múi giờ Asia/Hanoi_Nowhere không có"),
        ({"week": {"mondag": ["08:00-12:00"]}}, "mục mondag trong week"),
        ({"week": {"monday": ["8h-12h"]}}, "khoảng giờ 8h-12h không đúng dạng"),
        ({"week": {"monday": ["12:00-08:00"]}}, "khoảng giờ 12:00-08:00"),
        ({"week": {"monday": ["08:00-12:00", "11:00-13:00"]}}, "chồng lên nhau"),
        ({"week": {"monday": []}}, "không có khoảng giờ làm việc nào"),
        ({"holidays": ["30/04/2027"]}, "ngày nghỉ 30/04/2027"),
        ({"escalation": {"first_alert_hours": 0}}, "first_alert_hours phải là"),
        ({"escalation": {"supervisors": [{"name": "B"}]}}, "người giám sát thứ 1"),
    ],
)
def test_a_wrong_entry_is_refused_naming_it(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(OfficeHoursProblem) as refused:
        parse({**GOOD, **change})
    assert reason in refused.value.reason


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(OfficeHoursProblem, match="phải là một bảng"):
        parse(["monday"])


def test_the_setting_names_the_variable_and_the_fault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = tmp_path / "gio.yml"
    wrong.write_text(yaml.safe_dump({**GOOD, "holidays": ["mai"]}), encoding="utf-8")
    monkeypatch.setenv("HELPDESK_OFFICE_HOURS_FILE", str(wrong))
    with pytest.raises(ValidationError) as refused:
        OfficeHoursSettings()
    [line] = settings_problems(refused.value)
    assert line.startswith("HELPDESK_OFFICE_HOURS_FILE: ngày nghỉ mai không đúng dạng")


def test_a_missing_file_is_refused_by_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HELPDESK_OFFICE_HOURS_FILE", str(tmp_path / "khong-co.yml"))
    with pytest.raises(ValidationError) as refused:
        OfficeHoursSettings()
    assert "không đọc được tệp giờ làm việc" in settings_problems(refused.value)[0]


def test_a_good_file_named_by_the_setting_is_the_one_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "gio.yml"
    mine.write_text(yaml.safe_dump(GOOD, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("HELPDESK_OFFICE_HOURS_FILE", str(mine))
    schedule = OfficeHoursSettings().office_schedule()
    assert schedule.escalation.supervisors == (Supervisor("Trần Thị Bình", 123456789),)


def test_an_office_open_all_day_ends_its_period_at_midnight() -> None:
    every_day = {name: ["00:00-24:00"] for name in ("monday", "saturday", "sunday")}
    hours = parse({**GOOD, "week": every_day}).hours
    saturday_night = datetime(2026, 12, 5, 16, 59, 59)  # 23:59:59 in Vietnam
    assert hours.is_open(saturday_night)
    assert hours.working_time_between(saturday_night, saturday_night + timedelta(seconds=2)) == (
        timedelta(seconds=2)
    )
