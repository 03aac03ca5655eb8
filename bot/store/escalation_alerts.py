"""What became of each escalation alert, in `escalation_alerts`: sent once, retried, set aside.

Why it looks like this:
- An alert is named by its ticket, its level (`unanswered`, `overdue`) and its recipient (the
  staff group, or one supervisor), so each person hears of each stage of a ticket exactly once,
  whatever the notifier restarts or however often it looks.
- Only the lease holder writes (the notifier's sending lease), so "update, else insert" does not
  race. Only the state and counts are kept: no text, no error message.
- Every method blocks; the notifier calls them in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine, Row

from bot.store.schema import escalation_alerts

SENT, FAILED, SET_ASIDE = "sent", "failed", "set_aside"


@dataclass(frozen=True)
class AlertMark:
    """One alert's record."""

    ticket_code: str
    level: str
    recipient: str
    state: str
    attempts: int
    next_attempt_at: datetime | None

    def due(self, now: datetime) -> bool:
        """Whether the alert is still to be sent at `now` (naive UTC)."""
        if self.state != FAILED:
            return False
        return self.next_attempt_at is None or self.next_attempt_at <= now


class EscalationAlerts:
    """The `escalation_alerts` table, on a migrated engine."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = datetime.utcnow) -> None:
        """Use `engine`; `clock` (naive UTC) dates each record."""
        self._engine = engine
        self._clock = clock

    def marks(self, codes: Iterable[str]) -> dict[tuple[str, str, str], AlertMark]:
        """The records of these tickets' alerts, by (ticket code, level, recipient)."""
        wanted = list(codes)
        if not wanted:
            return {}
        query = select(escalation_alerts).where(escalation_alerts.c.ticket_code.in_(wanted))
        with self._engine.connect() as connection:
            found = [_mark(row) for row in connection.execute(query)]
        return {(m.ticket_code, m.level, m.recipient): m for m in found}

    def record(
        self,
        ticket_code: str,
        level: str,
        recipient: str,
        state: str,
        attempts: int,
        next_attempt_at: datetime | None = None,
    ) -> None:
        """Write what became of the alert."""
        key = {"ticket_code": ticket_code[:32], "level": level, "recipient": recipient[:40]}
        values = {
            "state": state,
            "attempts": attempts,
            "next_attempt_at": next_attempt_at,
            "updated_at": self._clock(),
        }
        table = escalation_alerts.c
        with self._engine.begin() as connection:
            changed = connection.execute(
                update(escalation_alerts)
                .where(
                    table.ticket_code == key["ticket_code"],
                    table.level == level,
                    table.recipient == key["recipient"],
                )
                .values(**values)
            )
            if changed.rowcount == 0:
                connection.execute(insert(escalation_alerts).values(**key, **values))


def _mark(row: Row) -> AlertMark:
    return AlertMark(
        ticket_code=row.ticket_code,
        level=row.level,
        recipient=row.recipient,
        state=row.state,
        attempts=int(row.attempts),
        next_attempt_at=row.next_attempt_at,
    )
