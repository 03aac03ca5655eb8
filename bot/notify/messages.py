"""The notices themselves, rendered from `texts.yml` (all their words live there, not here)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.escalation.client import Note, Ticket
from bot.notify.channels import OutgoingMessage

_PATH = Path(__file__).resolve().parent / "texts.yml"

# Vietnam keeps UTC+7 all year (no daylight saving time).
VIETNAM = timezone(timedelta(hours=7), "ICT")


@lru_cache(maxsize=1)
def notice_texts() -> dict[str, Any]:
    """The notices' texts, read on first use."""
    return dict(yaml.safe_load(_PATH.read_text(encoding="utf-8")))


def vietnam_time(moment: datetime) -> str:
    """`moment` in Vietnam time, as officials write it: 14:05 22/11/2026 (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def shorten(text: str, limit: int | None = None) -> str:
    """`text` on one line, cut at a word to at most `limit` characters, with "…" if cut."""
    limit = limit or int(notice_texts()["summary_length"])
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut and flat[limit - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"


def status_name(status: str) -> str:
    """The status as officials read it (Đang xử lý), or as given if unknown."""
    return str(notice_texts()["status_names"].get(status, status))


def reply_notice(ticket: Ticket, note: Note) -> OutgoingMessage:
    """A staff reply on the official's ticket."""
    template = notice_texts()["reply"]
    return OutgoingMessage(
        template.format(code=ticket.code, summary=shorten(ticket.summary), text=note.text.strip())
    )


def status_notice(ticket: Ticket, status: str) -> OutgoingMessage:
    """The official's ticket has a new status."""
    templates = notice_texts()["status"]
    template = templates.get(status, templates["other"])
    return OutgoingMessage(
        template.format(
            code=ticket.code, summary=shorten(ticket.summary), status=status_name(status)
        )
    )


def queued_notice(local_code: str, ticket: Ticket) -> OutgoingMessage:
    """A request queued while the document system was down is now a ticket."""
    template = notice_texts()["queued"]
    return OutgoingMessage(
        template.format(
            local_code=local_code,
            code=ticket.code,
            summary=shorten(ticket.summary),
            deadline=vietnam_time(ticket.deadline),
        )
    )
