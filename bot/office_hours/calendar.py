"""Working time: which moments are inside office hours, and how much working time lies between.

Why it looks like this:
- Every computation walks the local calendar day by day (weekly periods such as 07:30-11:30 and
  13:30-17:00, no periods on a holiday), so a lunch break, a weekend and Tết all count as nothing
  without special cases. A week with no working period at all is refused when the file is read,
  so the walks always end.
- Times come in as the rest of the code keeps them: naive means UTC (the desk's columns), aware
  in any zone (the desk client's). What goes out is of the same kind as what came in.
- The zone is the office's (Asia/Ho_Chi_Minh); Vietnam has no daylight saving time, but the
  walk uses real local dates, so another zone would work too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

# A walk looks this far ahead at most: ten years of holidays in a row is a broken file.
_LONGEST_WALK = 3660


@dataclass(frozen=True)
class Period:
    """One stretch of a working day, in local time: 07:30 to 11:30 (`time.max`: to midnight)."""

    start: time
    end: time


@dataclass(frozen=True)
class OfficeHours:
    """The office's week (weekday 0 is Monday), its public holidays and its zone."""

    zone: ZoneInfo
    week: Mapping[int, tuple[Period, ...]]
    holidays: frozenset[date]

    def is_open(self, moment: datetime) -> bool:
        """Whether staff are at work at `moment`."""
        local = _aware(moment).astimezone(self.zone)
        return any(start <= local < end for start, end in self._periods(local.date()))

    def next_opening(self, moment: datetime) -> datetime:
        """`moment` if the office is open then, else the next time it opens."""
        local = _aware(moment).astimezone(self.zone)
        for start, end in self._walk(local.date()):
            if local < end:
                return _like(moment, max(start, local))
        raise _no_hours()

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much working time lies between `start` and `end` (nothing if end is earlier)."""
        since, until = _aware(start).astimezone(self.zone), _aware(end).astimezone(self.zone)
        total = timedelta(0)
        if until <= since:
            return total
        for begins, ends in self._walk(since.date()):
            if begins >= until:
                break
            total += max(timedelta(0), min(ends, until) - max(begins, since))
        return total

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The moment `amount` of working time after `start`: a deadline counted in work hours."""
        local = _aware(start).astimezone(self.zone)
        left = amount
        for begins, ends in self._walk(local.date()):
            if ends <= local:
                continue
            begins = max(begins, local)
            if left <= ends - begins:
                return _like(start, begins + left)
            left -= ends - begins
        raise _no_hours()

    def _walk(self, first: date) -> Iterator[tuple[datetime, datetime]]:
        """The working periods from the day `first` on, as local aware times, in order."""
        for offset in range(_LONGEST_WALK):
            yield from self._periods(first + timedelta(days=offset))

    def _periods(self, day: date) -> list[tuple[datetime, datetime]]:
        if day in self.holidays:
            return []
        return [
            (datetime.combine(day, period.start, tzinfo=self.zone), self._end(day, period))
            for period in self.week.get(day.weekday(), ())
        ]

    def _end(self, day: date, period: Period) -> datetime:
        """The end of `period` on `day`; `time.max` is midnight, the start of the next day."""
        if period.end == time.max:
            return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)
        return datetime.combine(day, period.end, tzinfo=self.zone)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _like(original: datetime, moment: datetime) -> datetime:
    """`moment` as `original` was given: naive UTC, or aware in UTC."""
    in_utc = moment.astimezone(timezone.utc)
    return in_utc.replace(tzinfo=None) if original.tzinfo is None else in_utc


def _no_hours() -> ValueError:
    return ValueError("no working period within ten years")
