"""Reading a change feed after a stored cursor, settling each change once: the notifier's core.

Why it looks like this:
- The position read so far is kept in the store (`feed_cursor`, one row per feed), so a
  restarted notifier goes on where it stopped instead of resending everything it ever saw.
- The cursor moves past a change only once it is settled: its notice sent, set aside, or
  needing none. A notice is marked `sent` (`notices.py`) as soon as its channel took it, so a
  crash before the cursor moves does not send it again, and neither does a later pass that
  reads it again because an earlier notice is still failing.
- Changes are handled in feed order. A notice that fails holds up only the later notices of the
  same ticket (an official reads a reply before the "resolved" that followed it); other
  tickets' notices go on. It is tried again next pass, then after longer waits, and after
  MAX_ATTEMPTS set aside: logged at ERROR, counted, and listed by `helpdesk notifier
  --set-aside`, so one notice that can never go out blocks nothing.
- DeskUnavailable (the system is down) ends the pass quietly; the next tick starts again at the
  cursor. A refused token (DeskAuthError) is the configuration's fault, the same for every
  change: it propagates to the worker, which logs it.
- `keep` (the notifier's lease, renewed) is asked before each send: a notifier that lost its
  lease to another stops before sending anything the other may send too.
- Logs name ticket codes and positions only: never recipient ids, phone numbers, tokens or text.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from bot.escalation.client import Change, DeskAuthError, DeskClient, DeskUnavailable
from bot.messages import RecipientUnreachable
from bot.metrics import NotifierMetrics
from bot.notify.notices import SET_ASIDE, Mark, NoticeLog
from bot.store.schema import feed_cursor

log = logging.getLogger(__name__)

DESK_FEED = "desk"
LEASE_LOST = "LeaseLost"
# The channel named for a notice that failed before it knew its channel.
UNKNOWN = "unknown"

# Asked before each send: False when this notifier no longer holds the sending lease.
Keep = Callable[[], bool]


class FeedCursor:
    """The last change position handled for one feed, in the `feed_cursor` table."""

    def __init__(self, engine: Engine, name: str = DESK_FEED) -> None:
        """Use `engine` (migrated) and the row of feed `name`."""
        self._engine = engine
        self.name = name

    def read(self) -> int:
        """The last position handled; 0 before the first."""
        query = select(feed_cursor.c.position).where(feed_cursor.c.name == self.name)
        with self._engine.connect() as connection:
            position = connection.execute(query).scalar_one_or_none()
        return int(position) if position is not None else 0

    def advance(self, position: int) -> None:
        """Record `position` as handled."""
        values = {"position": position, "updated_at": datetime.utcnow()}
        with self._engine.begin() as connection:
            changed = connection.execute(
                update(feed_cursor).where(feed_cursor.c.name == self.name).values(**values)
            )
            if changed.rowcount == 0:
                connection.execute(insert(feed_cursor).values(name=self.name, **values))


@dataclass
class FeedReport:
    """What one `poll_once` did; `stopped` names what ended it before the feed's end."""

    seen: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0  # tried again later
    set_aside: int = 0
    waiting: int = 0  # behind a failure of their ticket, or not due again yet
    kept: int = 0  # kept for their official (outside the window, unreachable, account)
    stopped: str | None = None


@dataclass(frozen=True)
class Delivery:
    """A notice ready to go out, and the channel it goes on (for metrics and the operator).

    `send` may return the state the notice was left in (`bot.notify.delivery`): anything but
    None or "sent" means it is kept for its official, settled as far as the feed goes.
    """

    channel: str
    send: Callable[[], Awaitable[str | None]] = field(repr=False)


# How far back a feed's first pass (no cursor stored yet) still acts: turning a feed on for an
# existing desk does not flood anyone with its history.
BACKLOG = timedelta(days=1)


def utc_now() -> datetime:
    """The time now, in UTC: the feeds' and the escalations' default clock."""
    return datetime.now(timezone.utc)


class Backlog:
    """A feed's first pass passes over changes older than BACKLOG; later passes take them all."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        """Read the time (UTC) from `clock`."""
        self._clock = clock
        self._oldest: datetime | None = None

    def pass_starts(self, position: int) -> None:
        """A pass starts at the stored `position` (0: no cursor stored yet)."""
        self._oldest = self._clock() - BACKLOG if position == 0 else None

    def too_old(self, change: Change) -> bool:
        """Whether this pass passes over `change` (naive times are the desk's UTC)."""
        if self._oldest is None:
            return False
        at = change.at if change.at.tzinfo is not None else change.at.replace(tzinfo=timezone.utc)
        return at < self._oldest


class CursorFeed:
    """Reads the change feed after a stored cursor, oldest first, and settles each change.

    Subclasses say what a change calls for in `_delivery`: None when nothing is to be sent.
    """

    what = "notice"  # what the logs call one

    def __init__(
        self,
        client: DeskClient,
        engine: Engine,
        feed: str,
        batch: int,
        *,
        notices: NoticeLog | None = None,
        metrics: NotifierMetrics | None = None,
    ) -> None:
        """Read with `client`, keep the cursor of `feed` in `engine`, `batch` changes a page."""
        if not 1 <= batch <= 500:
            raise ValueError("the contract allows 1 to 500 changes a page")
        self._client = client
        self._cursor = FeedCursor(engine, feed)
        self._batch = batch
        self._notices = notices or NoticeLog(engine)
        self._metrics = metrics

    @property
    def position(self) -> int:
        """The last position settled, as stored."""
        return self._cursor.read()

    async def poll_once(self, keep: Keep | None = None) -> FeedReport:
        """Settle every change after the cursor, oldest first; ask `keep` before each send."""
        report = FeedReport()
        cursor = first = self._cursor.read()
        self._pass_starts(cursor)
        scan, clear, blocked = cursor, True, set[str]()
        while True:
            try:
                changes = await self._client.changes(after=scan, limit=self._batch)
            except DeskUnavailable:
                report.stopped = DeskUnavailable.__name__
                break
            start = scan
            marks = self._notices.marks(self._cursor.name, [c.position for c in changes])
            for change in changes:
                if change.position <= scan:
                    continue  # already handled; a feed must only move forward
                scan = change.position
                report.seen += 1
                settled = await self._settle(change, marks.get(scan), keep, blocked, report)
                if settled is None:
                    break
                if settled and clear:
                    self._cursor.advance(scan)
                    cursor = scan
                clear = clear and settled
            if report.stopped or len(changes) < self._batch or scan == start:
                break
        if cursor > first:
            self._notices.forget_sent(self._cursor.name, cursor)
        return report

    async def _settle(
        self,
        change: Change,
        mark: Mark | None,
        keep: Keep | None,
        blocked: set[str],
        report: FeedReport,
    ) -> bool | None:
        """True once `change` is settled, False if it waits for a later pass, None to stop."""
        if mark is not None and mark.settled:
            return True
        later = mark.next_attempt_at if mark is not None else None
        if change.code in blocked or (later is not None and later > self._notices.now()):
            blocked.add(change.code)
            report.waiting += 1
            return False
        try:
            delivery = await self._delivery(change, report)
        except DeskUnavailable:
            report.stopped = DeskUnavailable.__name__
            return None
        except DeskAuthError:
            raise
        except Exception as error:
            return await self._failed(change, UNKNOWN, error, blocked, report)
        if delivery is None:
            return True
        if keep is not None and not keep():
            report.stopped = LEASE_LOST
            return None
        try:
            state = await delivery.send()
        except RecipientUnreachable:
            log.warning("ticket %s: the recipient cannot be reached", change.code)
            report.skipped += 1
            return True
        except Exception as error:
            return await self._failed(change, delivery.channel, error, blocked, report)
        self._notices.sent(self._cursor.name, change.position, change.code, delivery.channel)
        if state not in (None, "sent"):
            report.kept += 1
            return True
        report.sent += 1
        if self._metrics is not None:
            self._metrics.notice_sent(delivery.channel)
        return True

    async def _failed(
        self, change: Change, channel: str, error: Exception, blocked: set[str], report: FeedReport
    ) -> bool:
        """Count a failed attempt; True when it was the last one and the notice is set aside."""
        kind = type(error).__name__
        mark = self._notices.failed(self._cursor.name, change.position, change.code, channel, kind)
        if mark.state == SET_ASIDE:
            log.error(
                "ticket %s: %s set aside after %d failed attempts (the last %s); "
                "`helpdesk notifier --set-aside` lists them",
                change.code,
                self.what,
                mark.attempts,
                kind,
            )
            report.set_aside += 1
            if self._metrics is not None:
                self._metrics.notice_set_aside(channel)
            await self._set_aside(change)
            return True
        log.warning(
            "ticket %s: %s not sent (%s), attempt %d, tried again later",
            change.code,
            self.what,
            kind,
            mark.attempts,
        )
        blocked.add(change.code)
        report.failed += 1
        if self._metrics is not None:
            self._metrics.notice_failed(channel)
        return False

    async def _set_aside(self, change: Change) -> None:
        """Called when the notice of `change` is set aside."""

    def _pass_starts(self, position: int) -> None:
        """Called with the stored position before each pass."""

    async def _delivery(self, change: Change, report: FeedReport) -> Delivery | None:
        """What `change` calls for; None when nothing is to be sent (counted skips included)."""
        raise NotImplementedError
