"""Moments of the shipped office hours' calendar that tests pin the clock to."""

from __future__ import annotations

from datetime import datetime, timezone

# Monday 7 December 2026, 09:00 in Vietnam: the office is open.
MONDAY_MORNING = datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)
# Saturday 5 December 2026, 18:42 in Vietnam: closed until Monday 07:30.
SATURDAY_EVENING = datetime(2026, 12, 5, 11, 42, tzinfo=timezone.utc)


def in_office_hours() -> datetime:
    """A clock stopped on a working Monday morning."""
    return MONDAY_MORNING


def on_saturday_evening() -> datetime:
    """A clock stopped on a Saturday evening, outside office hours."""
    return SATURDAY_EVENING
