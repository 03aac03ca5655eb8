"""The desk's values as the JSON of docs/desk-api.yaml: field names, nesting and date-times."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.desk.models import Change, Note, Page, Rating, Ticket


def date_time(moment: datetime) -> str:
    """A stored (naive UTC) time as RFC 3339: 2025-01-31T08:00:00.000000Z."""
    return moment.isoformat(timespec="microseconds") + "Z"


def note(value: Note) -> dict[str, Any]:
    """A Note."""
    return {
        "id": value.id,
        "author": value.author,
        "text": value.text,
        "created_at": date_time(value.created_at),
    }


def ticket(value: Ticket) -> dict[str, Any]:
    """A Ticket: the fields it was opened with, then its code, state and notes."""
    fields = value.fields
    requester = {"channel": fields.requester_channel, "user_id": fields.requester_id}
    if fields.requester_name is not None:
        requester["name"] = fields.requester_name
    return {
        "code": value.code,
        "summary": fields.summary,
        "content": fields.content,
        "unit": fields.unit,
        "requester": requester,
        "phone": fields.phone,
        "software": fields.software,
        "urgency": fields.urgency,
        "status": value.status,
        "deadline": date_time(value.deadline),
        "created_at": date_time(value.created_at),
        "updated_at": date_time(value.updated_at),
        # The contract's notes are staff replies; an official's own messages are the page's.
        "notes": [note(n) for n in value.notes if n.kind == "reply"],
        **({"article": fields.article} if fields.article is not None else {}),
        **({"rating": value.rating} if value.rating is not None else {}),
    }


def page(value: Page) -> dict[str, Any]:
    """A page of the ticket list."""
    return {"items": [ticket(t) for t in value.items], "total": value.total}


def change(value: Change) -> dict[str, Any]:
    """A Change; `note` for replies, `status` for status changes and creations."""
    result: dict[str, Any] = {
        "position": value.position,
        "kind": value.kind,
        "code": value.code,
        "at": date_time(value.at),
    }
    if value.note is not None:
        result["note"] = note(value.note)
    if value.status is not None:
        result["status"] = value.status
    if value.rating is not None:
        result["rating"] = value.rating
    return result


def rating(value: Rating) -> dict[str, Any]:
    """A Rating."""
    return {
        "code": value.code,
        "score": value.score,
        "comment": value.comment,
        "staff": value.staff,
        "software": value.software,
        "article": value.article,
        "rated_at": date_time(value.rated_at),
    }


def error(message: str, field: str | None = None) -> dict[str, str]:
    """An Error."""
    return {"error": message} if field is None else {"error": message, "field": field}
