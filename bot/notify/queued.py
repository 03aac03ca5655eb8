"""The notice for `deliver_pending`: a request queued while the system was down is a ticket."""

from __future__ import annotations

from bot.escalation.client import Ticket
from bot.escalation.delivery import Notify
from bot.messages import Notifier
from bot.notify.messages import queued_notice


def queued_ticket_notify(notifier: Notifier) -> Notify:
    """A `Notify` telling the official their temporary code's ticket and its deadline.

    Errors propagate to `deliver_pending`, which logs them and does not retry (at most once:
    the official already holds the temporary code and can ask about it).
    """

    async def notify(channel: str, recipient: str, local_code: str, ticket: Ticket) -> None:
        await notifier.send(channel, recipient, queued_notice(local_code, ticket))

    return notify
