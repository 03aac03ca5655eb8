"""The notice for `deliver_pending`: a request queued while the system was down is a ticket."""

from __future__ import annotations

from bot.escalation.client import Ticket
from bot.escalation.delivery import Notify
from bot.messages import Notifier
from bot.notify.delivery import NoticeDelivery
from bot.notify.messages import queued_notice, waiting_notice


def queued_ticket_notify(notifier: Notifier, delivery: NoticeDelivery | None = None) -> Notify:
    """A `Notify` telling the official their temporary code's ticket and its deadline.

    With `delivery`, the notice is kept for the official like a staff reply (tried again, held
    outside Zalo's window) under the key `outbox:<temporary code>`, so it is never dropped
    and never sent twice. Without it, errors propagate to `deliver_pending`, which logs them.
    """

    async def notify(channel: str, recipient: str, local_code: str, ticket: Ticket) -> None:
        message = queued_notice(local_code, ticket)
        if delivery is None:
            await notifier.send(channel, recipient, message)
            return
        short = waiting_notice(ticket.code, "status")
        key = f"outbox:{local_code}"
        await delivery.deliver(
            key, channel, recipient, ticket.code, message, short, caller_retries=False
        )

    return notify
