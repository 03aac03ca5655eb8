"""Reading the office hours file: the week, the holidays and the escalation, checked entry by entry.

Why it looks like this:
- One file holds everything about "when": the desk's deadlines, the notifier's escalations and
  the assistant's "a person will answer from ..." all read it, so they cannot disagree.
- Every refusal names the entry at fault in Vietnamese (`OfficeHoursProblem`), which the
  settings turn into "HELPDESK_OFFICE_HOURS_FILE: ..." when a process starts: a wrong file
  stops the process rather than silently counting deadlines on a wrong week.
- Read once per process (`office_hours_from`): a changed file takes effect at the next start.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.office_hours.calendar import OfficeHours, Period
from bot.texts import texts

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PERIOD = re.compile(r"^\s*([0-2][0-9]):([0-5][0-9])\s*-\s*([0-2][0-9]):([0-5][0-9])\s*$")


class OfficeHoursProblem(ValueError):
    """The file cannot be used; `reason` says why in Vietnamese, naming the entry."""

    def __init__(self, key: str, **values: object) -> None:
        """The reason is `problems.<key>` of the package's texts."""
        self.reason = texts("bot.office_hours").say(f"problems.{key}", **values)
        super().__init__(self.reason)


@dataclass(frozen=True)
class Supervisor:
    """A supervisor told privately of an overdue ticket."""

    name: str
    telegram_id: int


@dataclass(frozen=True)
class Escalation:
    """When staff, then supervisors, are told of a waiting ticket."""

    first_alert: timedelta
    supervisors: tuple[Supervisor, ...]


@dataclass(frozen=True)
class OfficeSchedule:
    """The whole file: office hours and the escalation."""

    hours: OfficeHours
    escalation: Escalation


def default_file() -> Path:
    """The shipped file, used when HELPDESK_OFFICE_HOURS_FILE is not set."""
    return Path(str(resources.files("bot.office_hours").joinpath("default.yml")))


@cache
def office_hours_from(path: Path | None = None) -> OfficeSchedule:
    """The schedule in `path` (the shipped default if None), read once; OfficeHoursProblem."""
    source = path or default_file()
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        raise OfficeHoursProblem("unreadable") from None
    return parse(data)


def parse(data: object) -> OfficeSchedule:
    """The schedule the file's `data` describes; OfficeHoursProblem on the first fault."""
    if not isinstance(data, dict):
        raise OfficeHoursProblem("not_a_mapping")
    hours = OfficeHours(_zone(data.get("timezone")), _week(data.get("week")), _holidays(data))
    return OfficeSchedule(hours, _escalation(data.get("escalation") or {}))


def _zone(name: object) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise OfficeHoursProblem("timezone", where=name) from None


def _week(data: object) -> dict[int, tuple[Period, ...]]:
    if not isinstance(data, dict):
        raise OfficeHoursProblem("no_hours")
    week: dict[int, tuple[Period, ...]] = {}
    for name, periods in data.items():
        if str(name).lower() not in WEEKDAYS:
            raise OfficeHoursProblem("weekday", where=name)
        parsed = tuple(_period(text) for text in periods or ())
        if any(later.start < earlier.end for earlier, later in itertools.pairwise(parsed)):
            raise OfficeHoursProblem("overlap", where=name)
        week[WEEKDAYS.index(str(name).lower())] = parsed
    if not any(week.values()):
        raise OfficeHoursProblem("no_hours")
    return week


def _period(text: object) -> Period:
    """ "07:30-11:30" as a Period; "24:00" ends a period at midnight (an office open all day)."""
    found = _PERIOD.match(str(text))
    if found is None:
        raise OfficeHoursProblem("period", where=text)
    hour, minute, end_hour, end_minute = (int(part) for part in found.groups())
    midnight = (end_hour, end_minute) == (24, 0)
    if hour > 23 or (end_hour > 23 and not midnight) or (hour, minute) >= (end_hour, end_minute):
        raise OfficeHoursProblem("period", where=text)
    return Period(time(hour, minute), time.max if midnight else time(end_hour, end_minute))


def _holidays(data: dict[str, Any]) -> frozenset[date]:
    found = set()
    for entry in data.get("holidays") or ():
        if isinstance(entry, date):
            found.add(entry)
            continue
        try:
            found.add(date.fromisoformat(str(entry)))
        except ValueError:
            raise OfficeHoursProblem("holiday", where=entry) from None
    return frozenset(found)


def _escalation(data: object) -> Escalation:
    if not isinstance(data, dict):
        raise OfficeHoursProblem("first_alert")
    hours = data.get("first_alert_hours", 4)
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or hours <= 0:
        raise OfficeHoursProblem("first_alert")
    supervisors = []
    for number, entry in enumerate(data.get("supervisors") or (), start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        telegram_id = entry.get("telegram_id") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip() or not _whole(telegram_id):
            raise OfficeHoursProblem("supervisor", where=number)
        supervisors.append(Supervisor(name.strip(), int(telegram_id)))  # type: ignore[arg-type]
    return Escalation(timedelta(hours=hours), tuple(supervisors))


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
