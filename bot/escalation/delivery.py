"""Escalating now if the document system answers, later from the outbox if it does not.

Why it looks like this:
- Every outbox row is sent with its own idempotency key. If the process dies after the server
  created the ticket but before the row was marked, the next pass gets that ticket back (200)
  instead of opening a second one.
- The official is notified after the row is marked delivered, and only by the pass whose update
  moved it out of `pending`, so two passes racing never notify twice. A crash between marking
  and notifying loses the notice, never the ticket (at most once rather than at least once).
- A pass stops at the first DeskUnavailable: the system is down, the following rows would fail
  too, and stopping keeps them in the order the officials asked.
- 400/409 will not succeed on retry: that row is marked `rejected`, with the reason, and the
  pass goes on. Auth errors and answers off the contract come from the configuration and hit
  every row alike, so the pass stops and the rows wait for the token or URL to be fixed.
- `escalate` runs inside a Rasa action, which the gateway waits for only so long
  (HELPDESK_RASA_TIMEOUT_SECONDS, 8 s by default), while the client's retries may take far
  longer. So the whole attempt has a budget (BUDGET_SECONDS): past it the request is queued
  and the official gets a local code. A ticket the slow system did create meanwhile is found
  again by the outbox's delivery under the same idempotency key, never opened twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.escalation.client import DeskClient, DeskError, DeskRejected, DeskUnavailable, Ticket
from bot.escalation.outbox import PENDING, Outbox

log = logging.getLogger(__name__)

# The longest an escalation waits for the system before queueing: well inside the gateway's
# 8 s for the whole turn, which also runs the form's other steps.
BUDGET_SECONDS = 5.0

# notify(channel, recipient id, local code, ticket): tells the official their ticket exists.
Notify = Callable[[str, str, str, Ticket], Awaitable[None]]


@dataclass
class DeliveryReport:
    """What one `deliver_pending` call did; `stopped` names the error that ended it early."""

    delivered: int = 0
    rejected: int = 0
    failed: int = 0
    notify_failed: int = 0
    stopped: str | None = None


@dataclass(frozen=True)
class EscalationResult:
    """The ticket, or the local code of the queued escalation when the system is down.

    `local_code` is also set alongside a ticket when an earlier try of the same escalation had
    been queued, so the reply can say which waiting request the ticket replaces.
    """

    ticket: Ticket | None = None
    local_code: str | None = None

    @property
    def queued(self) -> bool:
        """True when no ticket exists yet and the official should be given `local_code`."""
        return self.ticket is None


async def deliver_pending(
    outbox: Outbox, client: DeskClient, notify: Notify, batch: int = 100
) -> DeliveryReport:
    """Send every pending escalation, oldest first, until done or the system fails."""
    report = DeliveryReport()
    while True:
        rows = outbox.pending(batch)
        if not rows:
            return report
        for row in rows:
            try:
                ticket = await client.create_ticket(row.payload, row.idempotency_key)
            except DeskRejected as error:
                outbox.mark_rejected(row.id, str(error))
                report.rejected += 1
                log.warning("escalation %s rejected (field %s)", row.local_code, error.field)
                continue
            except DeskError as error:
                outbox.record_failure(row.id, str(error))
                report.failed += 1
                report.stopped = type(error).__name__
                if not isinstance(error, DeskUnavailable):
                    log.error("outbox delivery stopped at %s: %s", row.local_code, report.stopped)
                return report
            if not outbox.mark_delivered(row.id, ticket.code):
                continue  # another pass got there first, and notified
            report.delivered += 1
            try:
                await notify(row.channel, row.recipient, row.local_code, ticket)
            except Exception:
                # Not retried: the row is delivered, and a second notice is worse than none.
                log.exception("could not notify about %s (%s)", row.local_code, ticket.code)
                report.notify_failed += 1


async def escalate(
    payload: Mapping[str, Any],
    key: str,
    channel: str,
    recipient: str,
    client: DeskClient,
    outbox: Outbox,
    budget: float = BUDGET_SECONDS,
) -> EscalationResult:
    """Open the ticket now, or queue the escalation if the system cannot take it yet.

    A rejection (400/409) propagates: the payload itself is wrong, queueing cannot fix it, and
    the official should be told now. Anything else is queued: an outage passes, and a refused
    token or an answer off the contract is the configuration's fault, which an administrator
    fixes; the delivery pass stops at such errors, so the request waits rather than being lost.
    So is a system that has not answered (retries included) within `budget` seconds.
    """
    try:
        ticket = await asyncio.wait_for(client.create_ticket(payload, key), budget)
    except DeskRejected:
        raise
    except asyncio.TimeoutError:
        code = outbox.enqueue(payload, key, channel, recipient)
        log.warning("the document system took over %.0f s; escalation queued as %s", budget, code)
        return EscalationResult(local_code=code)
    except DeskError as error:
        code = outbox.enqueue(payload, key, channel, recipient)
        if isinstance(error, DeskUnavailable):
            log.warning("document system unavailable, escalation queued as %s: %s", code, error)
        else:
            log.error("escalation queued as %s: %s", code, type(error).__name__)
        return EscalationResult(local_code=code)
    try:
        queued = outbox.find(key)
        if queued is not None and queued.status == PENDING:
            # The official learns of the ticket from this reply; no second notice from a pass.
            outbox.mark_delivered(queued.id, ticket.code)
    except SQLAlchemyError:
        # The ticket exists; at worst a later pass finds it again (200) and notifies once more.
        log.exception("could not settle the outbox row of ticket %s", ticket.code)
        queued = None
    return EscalationResult(ticket=ticket, local_code=queued.local_code if queued else None)
