"""Which escalation alerts a ticket calls for now: the ladder, free of HTTP and storage.

Why it looks like this:
- Two stages, each counted in working time (`bot.office_hours`): after `first_alert` of working
  time without a staff reply (no note on the ticket) the staff group is told (`unanswered`);
  once the deadline has passed, the group, then each supervisor privately (`overdue`). A ticket
  that reached its deadline before the first alert went out gets only the second: it says more.
- Only tickets whose turn is the staff's count: `new` and `in_progress`. A ticket waiting for
  the official, resolved or closed calls for nothing.
- Outside office hours nothing is due: what would be is postponed to the next opening, when
  working time has moved on again and the same rules find it due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from bot.escalation.client import Ticket
from bot.office_hours.loading import OfficeSchedule

UNANSWERED, OVERDUE = "unanswered", "overdue"
STAFFS_TURN = ("new", "in_progress")
GROUP = "group"


def supervisor_recipient(telegram_id: int) -> str:
    """The recipient name under which a supervisor's alert is recorded."""
    return f"supervisor:{telegram_id}"


@dataclass(frozen=True)
class Alert:
    """One alert to send: about `ticket`, at `level`, to `recipient` (GROUP or a supervisor)."""

    ticket: Ticket
    level: str
    recipient: str
    supervisor_id: int | None = None
    supervisor_name: str = ""


def alerts_due(ticket: Ticket, schedule: OfficeSchedule, now: datetime) -> list[Alert]:
    """The alerts `ticket` calls for at `now` (aware or naive UTC), group first; sent or not."""
    hours = schedule.hours
    if ticket.status not in STAFFS_TURN or not hours.is_open(now):
        return []
    if _utc(ticket.deadline) <= _utc(now):
        supervisors = [
            Alert(ticket, OVERDUE, supervisor_recipient(s.telegram_id), s.telegram_id, s.name)
            for s in schedule.escalation.supervisors
        ]
        return [Alert(ticket, OVERDUE, GROUP), *supervisors]
    if ticket.notes or ticket.created_at is None:
        return []
    waited = hours.working_time_between(_utc(ticket.created_at), _utc(now))
    return [Alert(ticket, UNANSWERED, GROUP)] if waited >= schedule.escalation.first_alert else []


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
