"""An official's recent tickets, for a status question that gives no code.

"phiếu hôm qua của tôi sao rồi", "cái lỗi máy in tôi báo hôm nọ": officials remember when they
asked and about what, rarely the code. So the list is the newest few, those of the period the
question names when there are any, those sharing words with the question first; each with a
button that asks for it by code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from actions.ticket_periods import Period, aware, period_in
from bot.display import shorten, vietnam_time
from bot.escalation.client import Ticket
from bot.escalation.outbox import PENDING, OutboxRow
from bot.notify.messages import status_name
from bot.texts import texts
from bot.vietnamese import comparable

MAX_SHOWN = 5
# Characters of a summary in the list: enough to recognise the ticket on a phone's screen.
SUMMARY_SHOWN = 80


@dataclass(frozen=True)
class Entry:
    """A ticket, or a request still waiting in the outbox, as the list shows it."""

    code: str
    summary: str
    status: str
    sent_at: datetime


@dataclass(frozen=True)
class Listing:
    """What to show: the entries, the period named (if any), and whether they are of it."""

    entries: list[Entry]
    period: Period | None
    in_period: bool

    @property
    def response(self) -> str:
        """The domain's response that introduces the list."""
        if self.period is None:
            return "utter_ticket_status_list"
        if self.in_period:
            return "utter_ticket_status_list_period"
        return "utter_ticket_status_list_not_in_period"


def entries(tickets: Iterable[Ticket], waiting: Iterable[OutboxRow]) -> list[Entry]:
    """The desk's tickets and the outbox's waiting requests, newest first."""
    found = [
        Entry(t.code, t.summary, t.status, aware(t.created_at or t.updated_at)) for t in tickets
    ]
    found += [
        Entry(r.local_code, str(r.payload.get("summary", "")), PENDING, aware(r.created_at))
        for r in waiting
    ]
    return sorted(found, key=lambda e: e.sent_at, reverse=True)


def choose(found: list[Entry], text: str, now: datetime) -> Listing:
    """The entries to show for the question `text`, asked at `now`."""
    period = period_in(text, now)
    of_period = [e for e in found if period is not None and period.holds(e.sent_at)]
    pool = of_period or found
    subject = _subject(text)
    # A stable sort: among entries sharing as many words, the newest stays first.
    ranked = sorted(pool, key=lambda e: len(subject & _words(e.summary)), reverse=True)
    return Listing(ranked[:MAX_SHOWN], period, bool(of_period))


def values(listing: Listing) -> dict[str, Any]:
    """The response's values and buttons for the listing."""
    words = texts("actions")
    lines = [
        texts("bot.escalation").say(
            "ticket_line",
            code=e.code,
            summary=shorten(e.summary, SUMMARY_SHOWN),
            status=status_name(e.status),
            sent=vietnam_time(e.sent_at),
        )
        for e in listing.entries
    ]
    buttons = [
        {
            "title": words.say("ticket_status.button_title", code=e.code),
            "payload": words.say("ticket_status.button_payload", code=e.code),
        }
        for e in listing.entries
    ]
    found: dict[str, Any] = {"tickets": "\n".join(lines), "buttons": buttons}
    if listing.period is not None:
        found["period"] = listing.period.label
    return found


def _subject(text: str) -> set[str]:
    ignored = set(_words(" ".join(texts("actions", "ticket_words.yml").words("not_a_subject"))))
    return _words(text) - ignored


def _words(text: str) -> set[str]:
    return set(comparable(text).split())
