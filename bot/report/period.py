"""The days a report covers, as Vietnam's calendar counts them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from bot.display import VIETNAM

DEFAULT_DAYS = 30
_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


class BadDate(ValueError):
    """A date the trainer typed that is not one."""

    def __init__(self, value: str) -> None:
        """Keep what was typed, for the message."""
        super().__init__(value)
        self.value = value


def parse_date(value: str) -> date:
    """2025-03-31 or 31/03/2025."""
    for pattern in _FORMATS:
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise BadDate(value)


@dataclass(frozen=True)
class Period:
    """From the start of `since` to the end of `until`, both Vietnam dates."""

    since: date
    until: date

    @classmethod
    def of(cls, since: str | None, until: str | None, today: date) -> Period:
        """The dates given, else the DEFAULT_DAYS days ending `today` (or ending `until`)."""
        end = parse_date(until) if until else today
        start = parse_date(since) if since else end - timedelta(days=DEFAULT_DAYS - 1)
        return cls(start, end)

    @property
    def start(self) -> datetime:
        """The first moment, in UTC."""
        return datetime.combine(self.since, time(), VIETNAM).astimezone(timezone.utc)

    @property
    def end(self) -> datetime:
        """The moment after the last, in UTC."""
        following = self.until + timedelta(days=1)
        return datetime.combine(following, time(), VIETNAM).astimezone(timezone.utc)

    def days(self) -> list[date]:
        """Every day of the period, in order."""
        return [self.since + timedelta(days=n) for n in range((self.until - self.since).days + 1)]

    def contains(self, moment: datetime) -> bool:
        """Whether `moment` (naive means UTC) falls in the period."""
        return self.start <= _aware(moment) < self.end


def day_of(moment: datetime) -> date:
    """The Vietnam date of `moment` (naive means UTC)."""
    return _aware(moment).astimezone(VIETNAM).date()


def today() -> date:
    """Today in Vietnam."""
    return datetime.now(VIETNAM).date()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def shown(day: date) -> str:
    """A date as Vietnamese write it: 31/03/2025."""
    return day.strftime("%d/%m/%Y")
