"""The notices themselves, rendered from `texts.yml` (all their words live there, not here)."""

from __future__ import annotations

from bot.display import shorten, vietnam_time
from bot.escalation.client import Note, Ticket
from bot.messages import OutgoingMessage
from bot.texts import texts


def short_summary(summary: str) -> str:
    """The ticket's subject, cut to the notices' length."""
    return shorten(summary, int(texts("bot.notify").get("summary_length")))


def status_name(status: str) -> str:
    """The status as officials read it (Đang xử lý), or as given if unknown."""
    return texts("bot.notify").labels("status_names").get(status, status)


def reply_notice(ticket: Ticket, note: Note) -> OutgoingMessage:
    """A staff reply on the official's ticket."""
    return OutgoingMessage(
        texts("bot.notify").say(
            "reply", code=ticket.code, summary=short_summary(ticket.summary), text=note.text.strip()
        )
    )


def status_notice(ticket: Ticket, status: str) -> OutgoingMessage:
    """The official's ticket has a new status."""
    known = texts("bot.notify").section("status")
    return OutgoingMessage(
        texts("bot.notify").say(
            f"status.{status if status in known else 'other'}",
            code=ticket.code,
            summary=short_summary(ticket.summary),
            status=status_name(status),
        )
    )


def queued_notice(local_code: str, ticket: Ticket) -> OutgoingMessage:
    """A request queued while the document system was down is now a ticket."""
    return OutgoingMessage(
        texts("bot.notify").say(
            "queued",
            local_code=local_code,
            code=ticket.code,
            summary=short_summary(ticket.summary),
            deadline=vietnam_time(ticket.deadline),
        )
    )


def waiting_notice(code: str, kind: str) -> str:
    """The short notice a template carries outside Zalo's window: a reply or update waits."""
    return texts("bot.notify").say(
        f"waiting_notice.{'reply' if kind == 'reply' else 'status'}", code=code
    )
