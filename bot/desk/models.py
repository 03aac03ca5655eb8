"""The desk's values, free of HTTP and SQL: what validation produces and the repository returns."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime

STATUSES = ("new", "in_progress", "waiting_official", "resolved", "closed")


def ticket_code(ticket_id: int) -> str:
    """The ticket's số ký hiệu, made from its id: 7 -> HT-000007."""
    return f"HT-{ticket_id:06d}"


def folded(text: str) -> str:
    """Text as `q` compares it: one Unicode form (typed Vietnamese comes in two), lower case."""
    return unicodedata.normalize("NFC", text).casefold()


@dataclass(frozen=True)
class NewTicket:
    """An escalation as the assistant sends it, already validated."""

    summary: str
    content: str
    unit: str
    requester_channel: str
    requester_id: str
    requester_name: str | None
    phone: str
    software: str
    urgency: str = "normal"
    # The knowledge-base article answered just before the official asked for a person.
    article: str | None = None

    def fingerprint(self) -> str:
        """A hash of every field: a retry must carry the same body to get the same ticket.

        A ticket without an article hashes as before the field existed, so a retry across the
        upgrade still finds its ticket.
        """
        fields = asdict(self)
        if fields["article"] is None:
            del fields["article"]
        canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Note:
    """Ý kiến xử lý: a staff reply, passed on to the official; or, of kind `message`, what the
    official wrote while staff handled the ticket, shown on the page only."""

    id: int
    author: str
    text: str
    created_at: datetime
    kind: str = "reply"


@dataclass(frozen=True)
class Ticket:
    """A stored ticket with its notes, oldest first."""

    code: str
    fields: NewTicket
    status: str
    deadline: datetime
    created_at: datetime
    updated_at: datetime
    notes: tuple[Note, ...] = ()
    rating: int | None = None  # the official's score, once they rated it


@dataclass(frozen=True)
class Created:
    """The outcome of a create: the ticket, and whether an earlier call with the key made it."""

    ticket: Ticket
    existed: bool


@dataclass(frozen=True)
class Change:
    """One entry of the change feed the assistant polls."""

    position: int
    kind: str
    code: str
    at: datetime
    note: Note | None = None
    status: str | None = None
    rating: int | None = None  # a low rating's score (kind "rating")


@dataclass(frozen=True)
class Rating:
    """An official's rating of a finished ticket, with what the report groups it by."""

    code: str
    score: int
    comment: str | None
    staff: str | None
    software: str
    article: str | None
    rated_at: datetime


@dataclass(frozen=True)
class TicketFilter:
    """What a list asks for; `words` must all appear in the code, summary or content."""

    status: str | None = None
    unit: str | None = None
    software: str | None = None
    requester_channel: str | None = None
    requester_id: str | None = None
    updated_since: datetime | None = None
    words: tuple[str, ...] = field(default_factory=tuple)
    # When set (the staff page), open tickets whose deadline is before it come first.
    overdue_first_at: datetime | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True)
class Page:
    """A page of tickets, newest change first, and how many match in all."""

    items: list[Ticket]
    total: int
