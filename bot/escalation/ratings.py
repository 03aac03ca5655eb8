"""Officials' ratings of their finished tickets, through the document system's API.

Kept apart from `client.py` (the tickets' own calls), on its `call`: the same token, retries
and error classes. A rating is safe to retry: rating again replaces the rating, so a retry after
a lost answer stores it once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from bot.escalation.client import DeskClient, DeskError, desk_time


@dataclass(frozen=True)
class Rating:
    """An official's rating of a finished ticket; `low_rating_action` when it was low."""

    code: str
    score: int
    comment: str | None
    staff: str | None
    software: str
    article: str | None
    rated_at: datetime
    low_rating_action: str | None = None


async def rate_ticket(
    client: DeskClient,
    code: str,
    requester: tuple[str, str],
    score: int,
    comment: str | None = None,
) -> Rating:
    """Rate the finished ticket `code` as its requester (channel, sender id)."""
    channel, user_id = requester
    body: dict[str, Any] = {"requester": {"channel": channel, "user_id": user_id}, "score": score}
    if comment:
        body["comment"] = comment
    path = f"/api/v1/tickets/{quote(code, safe='')}/rating"
    return await client.call("POST", path, _rating, once=False, json=body)


async def ratings(
    client: DeskClient, since: datetime | None = None, until: datetime | None = None
) -> list[Rating]:
    """Ratings given from `since` up to `until`, oldest first."""
    window = {"since": since, "until": until}
    params = {name: moment.isoformat() for name, moment in window.items() if moment is not None}
    data = await client.call(
        "GET", "/api/v1/ratings", lambda found: found, once=False, params=params
    )
    try:
        return [_rating(item) for item in data["ratings"]]
    except (KeyError, TypeError) as error:
        raise DeskError(f"malformed ratings: {error!r}") from error


def _optional(value: Any) -> str | None:
    return str(value) if value is not None else None


def _rating(data: Mapping[str, Any]) -> Rating:
    try:
        return Rating(
            code=str(data["code"]),
            score=int(data["score"]),
            comment=_optional(data.get("comment")),
            staff=_optional(data.get("staff")),
            software=str(data.get("software") or ""),
            article=_optional(data.get("article")),
            rated_at=desk_time(data["rated_at"]),
            low_rating_action=_optional(data.get("low_rating_action")),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise DeskError(f"malformed rating: {error!r}") from error
