"""The escalation ladder as a table: a ticket's state and the time decide the alerts due."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.escalation.client import Note, Ticket
from bot.notify.escalation_rules import (
    GROUP,
    OVERDUE,
    UNANSWERED,
    alerts_due,
    supervisor_recipient,
)
from bot.office_hours.loading import Escalation, OfficeSchedule, Supervisor, office_hours_from

UTC = timezone.utc
SCHEDULE = OfficeSchedule(
    office_hours_from().hours,
    Escalation(timedelta(hours=4), (Supervisor("A", 1), Supervisor("B", 2))),
)


def vn(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of December 2026 given in Vietnam time."""
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC) - timedelta(hours=7)


# Opened Monday 7 December at 08:00; due Tuesday at 08:00 (8 working hours on).
OPENED, DEADLINE = vn(7, 8), vn(8, 8)
REPLY = Note(1, "Cán bộ B", "Em đang kiểm tra", vn(7, 9))


def ticket(status: str = "new", replied: bool = False) -> Ticket:
    notes = (REPLY,) if replied else ()
    return Ticket("HT-000001", status, DEADLINE, OPENED, notes, created_at=OPENED)


@pytest.mark.parametrize(
    ("status", "replied", "now", "expected"),
    [
        ("new", False, vn(7, 11, 29), []),  # 3 h 29 of working time
        ("new", False, vn(7, 14, 0), [(UNANSWERED, GROUP)]),  # 4 h: 3 h 30 + 30 min after lunch
        ("in_progress", False, vn(7, 14, 0), [(UNANSWERED, GROUP)]),
        ("new", True, vn(7, 14, 0), []),  # a staff reply
        ("new", False, vn(7, 20, 0), []),  # due, but the office is closed
        ("waiting_official", False, vn(8, 9, 0), []),
        ("resolved", False, vn(8, 9, 0), []),
        (
            "new",
            True,
            vn(8, 8, 0),
            [
                (OVERDUE, GROUP),
                (OVERDUE, supervisor_recipient(1)),
                (OVERDUE, supervisor_recipient(2)),
            ],
        ),
        (
            "in_progress",
            False,
            vn(8, 9, 0),
            [
                (OVERDUE, GROUP),
                (OVERDUE, supervisor_recipient(1)),
                (OVERDUE, supervisor_recipient(2)),
            ],
        ),
    ],
)
def test_the_alerts_due_follow_the_ladder_in_working_time(
    status: str, replied: bool, now: datetime, expected: list[tuple[str, str]]
) -> None:
    due = alerts_due(ticket(status, replied), SCHEDULE, now)
    assert [(alert.level, alert.recipient) for alert in due] == expected


def test_a_naive_time_is_taken_as_utc() -> None:
    naive = vn(7, 14, 0).replace(tzinfo=None)
    assert [a.level for a in alerts_due(ticket(), SCHEDULE, naive)] == [UNANSWERED]


def test_a_system_that_gives_no_creation_time_gets_only_the_deadline_alerts() -> None:
    unknown = Ticket("HT-000001", "new", DEADLINE, OPENED)
    assert alerts_due(unknown, SCHEDULE, vn(7, 14, 0)) == []
    assert alerts_due(unknown, SCHEDULE, vn(8, 9, 0))[0].level == OVERDUE
