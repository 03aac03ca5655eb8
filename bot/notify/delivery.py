"""Delivering each official's notices by what their channel allows now, and keeping the rest.

Why it looks like this:
- Every notice is kept (`bot.store.kept_notices`) before it is tried, per official: one that
  cannot go now waits there, and neither the change feed nor any other official waits for it.
- Before sending, the official's reach (`bot.store.contacts`) says what is allowed. Inside the
  window (or on a channel without one) the notice goes out part by part, each part recorded,
  so an interrupted notice never repeats a part. Outside Zalo's window a template tells the
  official a notice waits, if the operator configured one; the notice itself waits for them.
- What a refusal calls for (`bot.messages.outcome_of`): outside the window, hold; unreachable,
  mark the official and stop; the account's quota or billing, count it for the operators
  (`account_problems` in /metrics), log it and try again every ACCOUNT_RETRY; a rate limit or
  anything else, try again later (from the feed, its bounded retries; from here, ours).
- Waiting notices go out first thing when the official writes again (`official_wrote`, called
  by the gateway on every channel before the turn reaches Rasa), and, as a backstop, at the
  notifier's next tick (`redeliver`). Claims in the store keep the two from sending one twice.
- `on_held` tells the staff (their group, the desk) when a notice cannot reach the official.
- Logs name ticket codes and states only: never recipients, phone numbers, tokens or text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.messages import (
    AccountProblem,
    Notifier,
    OutgoingMessage,
    OutsideWindow,
    RecipientUnreachable,
    WindowedChannel,
    outcome_of,
    parts_of,
)
from bot.notify.notices import MAX_ATTEMPTS, retry_delay
from bot.store.contacts import UNKNOWN_REASON, Contacts, Reach, reach_of
from bot.store.kept_notices import (
    FAILED,
    PENDING,
    SENT,
    UNREACHABLE,
    WAITING,
    KeptNotice,
    KeptNotices,
)

log = logging.getLogger(__name__)

ACCOUNT_RETRY = timedelta(minutes=15)
# Reasons a kept notice is pending or waiting, as the staff and the metrics name them.
BEHIND, ACCOUNT, GAVE_UP = "behind", "account", "gave_up"

OnHeld = Callable[[KeptNotice, str], Awaitable[None]]


class DeliveryMetrics(Protocol):
    """The counters delivery keeps (the notifier's, or the gateway's)."""

    def account_problem(self, channel: str, code: str) -> None:
        """The channel refused the operator's account (quota, package, billing)."""

    def notice_held(self, channel: str, state: str) -> None:
        """A notice could not reach its official now: `waiting` or `unreachable`."""


class NoticeDelivery:
    """Keeps and delivers officials' notices through `notifier`'s channels."""

    def __init__(
        self,
        notifier: Notifier,
        engine: Engine,
        *,
        metrics: DeliveryMetrics | None = None,
        on_held: OnHeld | None = None,
        clock: Callable[[], datetime] = datetime.utcnow,
        contacts: Contacts | None = None,
    ) -> None:
        """Send through `notifier`; keep notices and reach in `engine`; times from `clock`."""
        self._notifier = notifier
        self.contacts = contacts or Contacts(engine, clock=clock)
        self.kept = KeptNotices(engine, clock=clock)
        self._metrics = metrics
        self._on_held = on_held
        self._clock = clock

    async def deliver(
        self,
        key: str,
        channel: str,
        recipient: str,
        code: str,
        message: OutgoingMessage,
        short: str,
        *,
        caller_retries: bool = True,
    ) -> str:
        """Keep the notice under `key` and send it if its channel allows; its state after.

        With `caller_retries` (the feed's way), raises what a send raised when it is worth
        trying again soon; otherwise the notice is tried again here, by `redeliver`.
        """
        notice, claimed = await asyncio.to_thread(
            self.kept.keep, key, channel, recipient, code, message.text, short, True
        )
        if not claimed and notice.state not in (PENDING, WAITING):
            return notice.state
        if await asyncio.to_thread(self.kept.open_before, channel, recipient, notice.id):
            # An earlier notice of this official waits: this one goes after it, in order.
            await self._settle(notice, PENDING, BEHIND, self._clock(), count=False)
            return PENDING
        state = await self._attempt(notice, from_feed=caller_retries, claimed=claimed)
        if state == SENT:
            await self._deliver_official(channel, recipient)
        return state

    async def official_wrote(self, channel: str, recipient: str) -> None:
        """Record the interaction, then deliver what waits for the official; never raises."""
        try:
            await asyncio.to_thread(self.contacts.interacted, channel, recipient)
            if channel in self._notifier:
                await self._deliver_official(channel, recipient)
        except Exception as error:  # the official's own message must go on regardless
            log.warning("waiting notices not delivered on %s (%s)", channel, type(error).__name__)

    async def official_left(self, channel: str, recipient: str, reason: str) -> None:
        """The official left the channel (Zalo `unfollow`): unreachable until they come back."""
        try:
            await asyncio.to_thread(self.contacts.unreachable, channel, recipient, reason)
        except SQLAlchemyError as error:
            log.warning("an official's leaving not recorded (%s)", type(error).__name__)

    async def redeliver(self, keep: Callable[[], bool] | None = None) -> int:
        """Deliver notices that became due (window open again, retry time come); how many."""
        officials = await asyncio.to_thread(self.kept.due_officials, self._clock())
        sent = 0
        for channel, recipient in officials:
            if keep is not None and not keep():
                break
            if channel in self._notifier:
                sent += await self._deliver_official(channel, recipient)
        return sent

    async def give_up(self, key: str) -> None:
        """The feed set the notice under `key` aside: it is failed, and no longer tried."""
        notice = await asyncio.to_thread(self.kept.by_key, key)
        if notice is not None and notice.state in (PENDING, WAITING):
            await self._settle(notice, FAILED, GAVE_UP, None)

    async def _deliver_official(self, channel: str, recipient: str) -> int:
        """Send the official's open notices in order, stopping at the first that cannot go."""
        sent = 0
        now = self._clock()
        for notice in await asyncio.to_thread(self.kept.open_for, channel, recipient):
            later = notice.next_attempt_at
            if (
                notice.state == PENDING
                and notice.reason != BEHIND
                and (later is None or later > now)
            ):
                break  # the feed is retrying it, or its time has not come
            if await self._attempt(notice, from_feed=False) != SENT:
                break
            sent += 1
        return sent

    async def _attempt(self, notice: KeptNotice, from_feed: bool, claimed: bool = False) -> str:
        contact = await asyncio.to_thread(self.contacts.get, notice.channel, notice.recipient)
        reach = reach_of(contact, self.contacts.window(notice.channel), self._clock())
        if reach is Reach.UNREACHABLE:
            why = contact.unreachable_reason if contact is not None else None
            return await self._unreachable(notice, why, record=False)
        if reach is Reach.OUTSIDE_WINDOW:
            return await self._hold(notice)
        mine = notice if claimed else await asyncio.to_thread(self.kept.claim, notice.id)
        if mine is None:
            return (await asyncio.to_thread(self.kept.get, notice.id)).state
        return await self._send(mine, from_feed)

    async def _send(self, claimed: KeptNotice, from_feed: bool) -> str:
        """Send the claimed notice's parts not sent yet, recording each; its state after."""
        channel = self._notifier.channel(claimed.channel)
        parts = parts_of(channel, OutgoingMessage(claimed.text))
        try:
            for index in range(claimed.parts_sent, len(parts)):
                await channel.send(claimed.recipient, parts[index])
                if index + 1 < len(parts):
                    await asyncio.to_thread(self.kept.part_sent, claimed.id, index + 1)
        except OutsideWindow:
            await asyncio.to_thread(self.contacts.window_closed, claimed.channel, claimed.recipient)
            return await self._hold(claimed)
        except RecipientUnreachable as error:
            return await self._unreachable(claimed, error.reason, record=True)
        except AccountProblem as error:
            self._account_problem(claimed, error)
            await self._settle(claimed, PENDING, ACCOUNT, self._clock() + ACCOUNT_RETRY)
            return PENDING
        except Exception as error:
            return await self._failed(claimed, error, from_feed)
        await asyncio.to_thread(self.kept.settle, claimed.id, SENT, None, None, True, len(parts))
        return SENT

    async def _hold(self, notice: KeptNotice) -> str:
        """Keep the notice for when the official writes; tell them by template if one is set."""
        channel = self._notifier.channel(notice.channel)
        if not notice.template_sent and isinstance(channel, WindowedChannel):
            try:
                told = await channel.send_waiting_notice(
                    notice.recipient, notice.ticket_code, notice.short_text
                )
            except OutsideWindow:
                told = False
            except RecipientUnreachable as error:
                return await self._unreachable(notice, error.reason, record=True)
            except AccountProblem as error:
                self._account_problem(notice, error)
                told = False
            except Exception as error:
                log.warning(
                    "ticket %s: template not sent (%s)", notice.ticket_code, outcome_of(error)
                )
                told = False
            if told:
                await asyncio.to_thread(self.kept.template_sent, notice.id)
                log.info("ticket %s: told by template that a notice waits", notice.ticket_code)
        await self._settle(notice, WAITING, "outside_window", None, count=False)
        if notice.state != WAITING:
            await self._held(notice, WAITING)
        return WAITING

    async def _unreachable(self, notice: KeptNotice, reason: str | None, record: bool) -> str:
        why = reason or UNKNOWN_REASON
        if record:
            await asyncio.to_thread(
                self.contacts.unreachable, notice.channel, notice.recipient, why
            )
        log.warning("ticket %s: unreachable on %s (%s)", notice.ticket_code, notice.channel, why)
        await self._settle(notice, UNREACHABLE, why, None)
        await self._held(notice, UNREACHABLE)
        return UNREACHABLE

    async def _failed(self, notice: KeptNotice, error: Exception, from_feed: bool) -> str:
        kind = outcome_of(error)
        attempts = notice.attempts + 1
        if from_feed:
            # The feed counts, waits and sets aside (cursor_feed.py); the parts stay recorded.
            await self._settle(notice, PENDING, kind, None)
            raise error
        if attempts >= MAX_ATTEMPTS:
            log.error(
                "ticket %s: notice given up after %d attempts (%s)",
                notice.ticket_code,
                attempts,
                kind,
            )
            await self._settle(notice, FAILED, kind, None)
            return FAILED
        log.warning("ticket %s: notice not sent (%s), tried again later", notice.ticket_code, kind)
        await self._settle(notice, PENDING, kind, self._clock() + retry_delay(attempts))
        return PENDING

    def _account_problem(self, notice: KeptNotice, error: AccountProblem) -> None:
        code = str(error.code) if error.code is not None else "none"
        log.error(
            "ticket %s: %s refused the operator's account (code %s); the notice is kept",
            notice.ticket_code,
            notice.channel,
            code,
        )
        if self._metrics is not None:
            self._metrics.account_problem(notice.channel, code)

    async def _held(self, notice: KeptNotice, state: str) -> None:
        if self._metrics is not None:
            self._metrics.notice_held(notice.channel, state)
        if self._on_held is not None:
            try:
                await self._on_held(notice, state)
            except Exception as error:  # telling the staff must not undo the notice's state
                log.warning(
                    "ticket %s: staff not told (%s)", notice.ticket_code, type(error).__name__
                )

    async def _settle(
        self,
        notice: KeptNotice,
        state: str,
        reason: str | None,
        later: datetime | None,
        count: bool = True,
    ) -> None:
        await asyncio.to_thread(self.kept.settle, notice.id, state, reason, later, count)
