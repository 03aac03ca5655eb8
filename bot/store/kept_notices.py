"""Every notice for an official, kept until it is delivered: the `kept_notices` table.

Why it looks like this:
- A notice the channel cannot take now (Zalo's window closed, the account's quota spent) is
  not lost: it waits here, per official, and goes out when it can; one official's waiting
  notice holds back no one else's.
- `parts_sent` is written after each part the channel took, so a notice cut in parts and
  interrupted goes on from the next part: no part reaches the official twice.
- A notice is `claim`ed (a committed conditional update) before it is sent: the notifier and the
  gateway (which delivers waiting notices when the official writes) may both try, and only one
  sends. A claim lapses after CLAIM_FOR, so a process that died mid-send frees it.
- `key` names the source once ("desk:42"), so storing the same change again finds its row.
- Every method blocks; async callers run them in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import IntegrityError

from bot.store.schema import contacts, kept_notices

# Stored, not yet settled; being sent; taken whole; waiting for the official to write; the
# official cannot be reached; given up (reason says why). A pending notice with a
# `next_attempt_at` is tried again then (an account problem, a failed send).
PENDING, SENDING, SENT, WAITING, UNREACHABLE, FAILED = (
    "pending",
    "sending",
    "sent",
    "waiting",
    "unreachable",
    "failed",
)
OPEN = (PENDING, SENDING, WAITING)
CLAIM_FOR = timedelta(minutes=2)


@dataclass(frozen=True)
class KeptNotice:
    """One stored notice."""

    id: int
    key: str
    channel: str
    recipient: str
    ticket_code: str
    text: str
    short_text: str
    parts_sent: int
    template_sent: bool
    state: str
    reason: str | None
    attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime


class KeptNotices:
    """The `kept_notices` table on a migrated engine; times are naive UTC from `clock`."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = datetime.utcnow) -> None:
        """Use `engine`; take times from `clock`."""
        self._engine = engine
        self._clock = clock

    def keep(
        self,
        key: str,
        channel: str,
        recipient: str,
        ticket_code: str,
        text: str,
        short: str,
        claim: bool = False,
    ) -> tuple[KeptNotice, bool]:
        """The notice stored under `key`, and whether it was stored (and, if `claim`, claimed) now.

        A notice found stored is returned as it is, unclaimed.
        """
        found = self.by_key(key)
        if found is not None:
            return found, False
        now = self._clock()
        row = {
            "key": key[:96],
            "channel": channel[:20],
            "recipient": recipient[:128],
            "ticket_code": ticket_code[:32],
            "text": text,
            "short_text": short,
            "parts_sent": 0,
            "template_sent": False,
            "state": SENDING if claim else PENDING,
            "claimed_until": now + CLAIM_FOR if claim else None,
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(kept_notices).values(row))
        except IntegrityError:
            stored = self.by_key(key)  # stored by another process in between: its row is the one
            assert stored is not None  # inserted, and rows are never deleted here
            return stored, False
        stored = self.by_key(key)
        assert stored is not None
        return stored, True

    def by_key(self, key: str) -> KeptNotice | None:
        """The notice stored under `key`, if any."""
        query = select(kept_notices).where(kept_notices.c.key == key[:96])
        with self._engine.connect() as connection:
            row = connection.execute(query).one_or_none()
        return _notice(row) if row is not None else None

    def get(self, notice_id: int) -> KeptNotice:
        """The notice `notice_id`."""
        query = select(kept_notices).where(kept_notices.c.id == notice_id)
        with self._engine.connect() as connection:
            return _notice(connection.execute(query).one())

    def claim(self, notice_id: int) -> KeptNotice | None:
        """Take the notice for sending; None when it is settled or another process holds it."""
        now = self._clock()
        free = or_(
            kept_notices.c.state.in_((PENDING, WAITING)),
            and_(kept_notices.c.state == SENDING, kept_notices.c.claimed_until < now),
        )
        values = {"state": SENDING, "claimed_until": now + CLAIM_FOR, "updated_at": now}
        with self._engine.begin() as connection:
            taken = connection.execute(
                update(kept_notices).where(kept_notices.c.id == notice_id, free).values(**values)
            )
        return self.get(notice_id) if taken.rowcount else None

    def part_sent(self, notice_id: int, parts_sent: int) -> None:
        """The channel took the notice's parts up to `parts_sent`."""
        self._set(notice_id, parts_sent=parts_sent)

    def template_sent(self, notice_id: int) -> None:
        """The official was told outside the window that this notice is waiting."""
        self._set(notice_id, template_sent=True)

    def settle(
        self,
        notice_id: int,
        state: str,
        reason: str | None = None,
        next_attempt_at: datetime | None = None,
        count_attempt: bool = True,
        parts_sent: int | None = None,
    ) -> None:
        """Leave the notice in `state` (and free its claim); an attempt is counted.

        `parts_sent` records the last part in the same write (one commit fewer per notice).
        """
        values: dict[str, object] = {
            "state": state,
            "reason": reason[:32] if reason else None,
            "next_attempt_at": next_attempt_at,
            "claimed_until": None,
        }
        if parts_sent is not None:
            values["parts_sent"] = parts_sent
        if count_attempt:
            values["attempts"] = kept_notices.c.attempts + 1
        self._set(notice_id, **values)

    def open_before(self, channel: str, recipient: str, notice_id: int) -> bool:
        """Whether an earlier notice of this official is not settled yet (order matters)."""
        query = select(func.count()).where(
            kept_notices.c.channel == channel,
            kept_notices.c.recipient == recipient,
            kept_notices.c.state.in_(OPEN),
            kept_notices.c.id < notice_id,
        )
        with self._engine.connect() as connection:
            return bool(connection.execute(query).scalar_one())

    def open_for(self, channel: str, recipient: str) -> list[KeptNotice]:
        """The official's notices not settled yet, oldest first."""
        query = (
            select(kept_notices)
            .where(
                kept_notices.c.channel == channel,
                kept_notices.c.recipient == recipient,
                kept_notices.c.state.in_(OPEN),
            )
            .order_by(kept_notices.c.id)
        )
        with self._engine.connect() as connection:
            return [_notice(row) for row in connection.execute(query)]

    def officials_with_open(self, limit: int = 500) -> list[tuple[str, str]]:
        """(channel, recipient) of officials with notices not settled, by their oldest notice."""
        query = (
            select(kept_notices.c.channel, kept_notices.c.recipient)
            .where(kept_notices.c.state.in_(OPEN))
            .group_by(kept_notices.c.channel, kept_notices.c.recipient)
            .order_by(func.min(kept_notices.c.id))
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [(str(c), str(r)) for c, r in connection.execute(query)]

    def due_officials(self, now: datetime, limit: int = 500) -> list[tuple[str, str]]:
        """Officials with a notice due now: its retry time come, they wrote since it waited, or
        its sender died."""
        joined = kept_notices.outerjoin(
            contacts,
            and_(
                contacts.c.channel == kept_notices.c.channel,
                contacts.c.recipient == kept_notices.c.recipient,
            ),
        )
        due = or_(
            and_(kept_notices.c.state == PENDING, kept_notices.c.next_attempt_at <= now),
            # A sender that died mid-notice: its claim lapsed, the parts it sent are recorded.
            and_(kept_notices.c.state == SENDING, kept_notices.c.claimed_until < now),
            and_(
                kept_notices.c.state == WAITING,
                contacts.c.last_interaction_at > kept_notices.c.updated_at,
            ),
        )
        query = (
            select(kept_notices.c.channel, kept_notices.c.recipient)
            .select_from(joined)
            .where(due)
            .group_by(kept_notices.c.channel, kept_notices.c.recipient)
            .order_by(func.min(kept_notices.c.id))
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [(str(c), str(r)) for c, r in connection.execute(query)]

    def by_ticket(self, ticket_code: str) -> list[KeptNotice]:
        """The ticket's notices, oldest first (for the staff: which are still undelivered)."""
        query = (
            select(kept_notices)
            .where(kept_notices.c.ticket_code == ticket_code)
            .order_by(kept_notices.c.id)
        )
        with self._engine.connect() as connection:
            return [_notice(row) for row in connection.execute(query)]

    def undelivered(self, limit: int = 100) -> list[KeptNotice]:
        """Notices waiting for their official, unreachable or given up, newest change first."""
        query = (
            select(kept_notices)
            .where(kept_notices.c.state.in_((WAITING, UNREACHABLE, FAILED)))
            .order_by(kept_notices.c.updated_at.desc(), kept_notices.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [_notice(row) for row in connection.execute(query)]

    def counts(self) -> dict[str, int]:
        """How many notices are in each state."""
        query = select(kept_notices.c.state, func.count()).group_by(kept_notices.c.state)
        with self._engine.connect() as connection:
            return {str(state): int(n) for state, n in connection.execute(query)}

    def _set(self, notice_id: int, **values: object) -> None:
        values["updated_at"] = self._clock()
        with self._engine.begin() as connection:
            connection.execute(
                update(kept_notices).where(kept_notices.c.id == notice_id).values(**values)
            )


def _notice(row: Row) -> KeptNotice:
    return KeptNotice(
        id=int(row.id),
        key=row.key,
        channel=row.channel,
        recipient=row.recipient,
        ticket_code=row.ticket_code,
        text=row.text,
        short_text=row.short_text,
        parts_sent=int(row.parts_sent),
        template_sent=bool(row.template_sent),
        state=row.state,
        reason=row.reason,
        attempts=int(row.attempts),
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
