"""The notices themselves, rendered from `texts.yml` (all their words live there, not here)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.display import shorten, vietnam_time
from bot.escalation.client import Note, Ticket
from bot.messages import OutgoingMessage

_PATH = Path(__file__).resolve().parent / "texts.yml"


@lru_cache(maxsize=1)
def notice_texts() -> dict[str, Any]:
    """The notices' texts, read on first use."""
    return dict(yaml.safe_load(_PATH.read_text(encoding="utf-8")))


def short_summary(summary: str) -> str:
    """The ticket's subject, cut to the notices' length."""
    return shorten(summary, int(notice_texts()["summary_length"]))


def status_name(status: str) -> str:
    """The status as officials read it (Đang xử lý), or as given if unknown."""
    return str(notice_texts()["status_names"].get(status, status))


def reply_notice(ticket: Ticket, note: Note) -> OutgoingMessage:
    """A staff reply on the official's ticket."""
    template = notice_texts()["reply"]
    return OutgoingMessage(
        template.format(
            code=ticket.code, summary=short_summary(ticket.summary), text=note.text.strip()
        )
    )


def status_notice(ticket: Ticket, status: str) -> OutgoingMessage:
    """The official's ticket has a new status."""
    templates = notice_texts()["status"]
    template = templates.get(status, templates["other"])
    return OutgoingMessage(
        template.format(
            code=ticket.code, summary=short_summary(ticket.summary), status=status_name(status)
        )
    )


def queued_notice(local_code: str, ticket: Ticket) -> OutgoingMessage:
    """A request queued while the document system was down is now a ticket."""
    template = notice_texts()["queued"]
    return OutgoingMessage(
        template.format(
            local_code=local_code,
            code=ticket.code,
            summary=short_summary(ticket.summary),
            deadline=vietnam_time(ticket.deadline),
        )
    )
