"""Escalations: tickets left waiting are told to the staff group, then to the supervisors.

Why it looks like this:
- Each pass lists the tickets whose turn is the staff's from the document system's API (any
  system honouring docs/desk-api.yaml, not only the built-in desk) and asks the ladder
  (`escalation_rules.py`) which alerts are due. Their records (`escalation_alerts` in the
  store) make each alert go out once: a restarted notifier, or a second one taking over the
  lease, finds them and sends nothing again.
- A pass runs at most every SCAN_EVERY, not at every tick of the notifier: an alert a minute
  late costs nothing, listing every open ticket every two seconds would.
- Outside office hours nothing is sent; the alerts then due go out at the next opening.
- The group hears first: a ticket's supervisors are told only once its group alert is settled
  (sent, or given up on after MAX_ATTEMPTS). A failed alert is tried again after the waits of
  `notices.retry_delay`, then set aside and logged at ERROR by ticket code.
- The desk being down ends the pass quietly; a refused token propagates to the worker's log.
- `keep` (the sending lease) is asked before each send. Logs name ticket codes only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Protocol

from bot.escalation.client import DeskClient, DeskUnavailable, Ticket
from bot.metrics import NotifierMetrics
from bot.notify.cursor_feed import LEASE_LOST, Keep, utc_now
from bot.notify.escalation_rules import GROUP, STAFFS_TURN, Alert, alerts_due
from bot.notify.notices import MAX_ATTEMPTS, retry_delay
from bot.office_hours.loading import OfficeSchedule
from bot.store.escalation_alerts import FAILED, SENT, SET_ASIDE, AlertMark, EscalationAlerts

log = logging.getLogger(__name__)

SCAN_EVERY = timedelta(minutes=1)
PAGE = 200
MOST_PAGES = 50  # 10,000 open tickets per status: far beyond any province's backlog
# The channels of the alerts, as the metrics name them.
STAFF, SUPERVISOR = "staff", "supervisor"


class EscalationBoard(Protocol):
    """Where alerts go: the staff group, and supervisors privately (Telegram)."""

    async def alert(self, alert: Alert) -> None:
        """Send `alert` to its recipient, or raise."""


@dataclass
class EscalationReport:
    """What one pass did; `ran` is False when it was too soon, `closed` outside office hours."""

    ran: bool = False
    closed: bool = False
    tickets: int = 0
    sent: int = 0
    failed: int = 0
    stopped: str | None = None


class EscalationWatcher:
    """Finds the tickets due for an alert and sends each alert once."""

    def __init__(
        self,
        client: DeskClient,
        board: EscalationBoard,
        alerts: EscalationAlerts,
        schedule: OfficeSchedule,
        clock: Callable[[], datetime] = utc_now,
        every: timedelta = SCAN_EVERY,
        metrics: NotifierMetrics | None = None,
    ) -> None:
        """List with `client`, send to `board`, record in `alerts`; office hours from `schedule`."""
        self._client = client
        self._board = board
        self._alerts = alerts
        self._schedule = schedule
        self._clock = clock
        self._every = every
        self._metrics = metrics
        self._next_pass: datetime | None = None

    async def poll_once(self, keep: Keep | None = None) -> EscalationReport:
        """Send the alerts due now, if a pass is due and the office is open."""
        now = self._clock()
        report = EscalationReport()
        if self._next_pass is not None and now < self._next_pass:
            return report
        self._next_pass = now + self._every
        report.ran = True
        if not self._schedule.hours.is_open(now):
            report.closed = True
            return report
        try:
            tickets = await self._waiting()
        except DeskUnavailable as error:
            log.warning("escalations: the ticket system is unavailable (%s)", type(error).__name__)
            report.stopped = "DeskUnavailable"
            return report
        report.tickets = len(tickets)
        marks = await asyncio.to_thread(self._alerts.marks, [t.code for t in tickets])
        for ticket in tickets:
            group_settled = True
            for alert in alerts_due(ticket, self._schedule, now):
                if alert.recipient != GROUP and not group_settled:
                    break  # the group hears first
                mark = marks.get((ticket.code, alert.level, alert.recipient))
                if mark is not None and not mark.due(_naive(now)):
                    if alert.recipient == GROUP:
                        group_settled = mark.state != FAILED
                    continue
                if keep is not None and not keep():
                    report.stopped = LEASE_LOST
                    return report
                settled = await self._send(alert, mark, now, report)
                if alert.recipient == GROUP:
                    group_settled = settled
        return report

    async def _waiting(self) -> list[Ticket]:
        """Every ticket whose turn is the staff's, page by page."""
        found: list[Ticket] = []
        for status in STAFFS_TURN:
            for number in range(MOST_PAGES):
                page = await self._client.list_tickets(
                    status=status, limit=PAGE, offset=number * PAGE
                )
                found += page.items
                if not page.items or (number + 1) * PAGE >= page.total:
                    break
        return list({ticket.code: ticket for ticket in found}.values())

    async def _send(
        self, alert: Alert, mark: AlertMark | None, now: datetime, report: EscalationReport
    ) -> bool:
        """Send one alert and record it; whether it is settled (sent, or given up on)."""
        attempts = (mark.attempts if mark is not None else 0) + 1
        channel = STAFF if alert.recipient == GROUP else SUPERVISOR
        code, level = alert.ticket.code, alert.level
        try:
            await self._board.alert(alert)
        except Exception as error:
            report.failed += 1
            given_up = attempts >= MAX_ATTEMPTS
            state = SET_ASIDE if given_up else FAILED
            later = None if given_up else _naive(now) + retry_delay(attempts)
            await asyncio.to_thread(
                self._alerts.record, code, level, alert.recipient, state, attempts, later
            )
            if given_up:
                log.error(
                    "ticket %s: %s alert (%s) set aside after %d attempts (%s)",
                    code,
                    level,
                    channel,
                    attempts,
                    type(error).__name__,
                )
            else:
                log.warning(
                    "ticket %s: %s alert (%s) failed (%s), tried again later",
                    code,
                    level,
                    channel,
                    type(error).__name__,
                )
            self._count(channel, "set_aside" if given_up else "failed")
            return given_up
        await asyncio.to_thread(self._alerts.record, code, level, alert.recipient, SENT, attempts)
        log.info("ticket %s: %s alert sent (%s)", code, level, channel)
        report.sent += 1
        self._count(channel, "sent")
        return True

    def _count(self, channel: str, outcome: str) -> None:
        if self._metrics is None:
            return
        if outcome == "sent":
            self._metrics.notice_sent(channel)
        elif outcome == "failed":
            self._metrics.notice_failed(channel)
        else:
            self._metrics.notice_set_aside(channel)


def _naive(moment: datetime) -> datetime:
    """`moment` as the store keeps times: naive UTC."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)
