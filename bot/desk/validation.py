"""Checking what callers send against docs/desk-api.yaml, field by field.

Bad input of any shape gets an InvalidInput naming the field, which the app turns into a 400:
never a 500. Text is checked, not cleaned: markup and SQL are stored verbatim, as data, but
text a database cannot hold (NUL characters, lone surrogates) is refused here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.desk.models import STATUSES, NewTicket, TicketFilter
from bot.desk.settings import URGENCIES

_PHONE = re.compile(r"0[0-9]{9}")
_NUMBER = re.compile(r"[0-9]{1,18}")
# RFC 3339, leniently: a space for the T, no seconds, no offset (UTC), and a space for the "+"
# of the offset, which is what an unencoded "+" in a query string turns into.
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?"
    r"(?:([Zz])|([-+ ])([0-9]{2}):?([0-9]{2}))?)?"
)
_KEY = re.compile(r"[^\x00-\x1f\x7f]{8,128}")


class InvalidInput(ValueError):
    """A field the contract does not allow; `field` names it as the caller spelled it."""

    def __init__(self, field: str, message: str) -> None:
        """Name the field and say what is wrong with it."""
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def new_ticket(body: object) -> NewTicket:
    """The ticket a POST /api/v1/tickets body describes."""
    fields = _object(body, "body")
    summary = _text(fields, "summary", 300)
    content = _text(fields, "content", 20000)
    unit = _text(fields, "unit", 200)
    requester = _object(fields.get("requester"), "requester")
    channel = _text(requester, "channel", 20, prefix="requester.")
    user_id = _text(requester, "user_id", 128, prefix="requester.")
    name = _optional_text(requester, "name", 120, prefix="requester.")
    phone = _text(fields, "phone", 10)
    if not _PHONE.fullmatch(phone):
        raise InvalidInput("phone", "must be 10 digits starting with 0, like 0912345678")
    software = _text(fields, "software", 20)
    urgency = fields.get("urgency", "normal")
    if urgency not in URGENCIES:
        raise InvalidInput("urgency", f"must be one of {', '.join(URGENCIES)}")
    article = _optional_text(fields, "article", 100)
    return NewTicket(
        summary, content, unit, channel, user_id, name, phone, software, urgency, article
    )


def rating(body: object) -> tuple[str, str, int, str | None]:
    """Requester channel and id, score and comment of a POST .../rating body."""
    fields = _object(body, "body")
    requester = _object(fields.get("requester"), "requester")
    channel = _text(requester, "channel", 20, prefix="requester.")
    user_id = _text(requester, "user_id", 128, prefix="requester.")
    score = fields.get("score")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput("score", "must be a whole number from 1 to 5")
    return channel, user_id, score, _optional_text(fields, "comment", 1000)


def rating_window(query: Mapping[str, str]) -> tuple[datetime | None, datetime | None]:
    """`since` and `until` of GET /api/v1/ratings; either may be left out."""
    given = {name: value for name, value in query.items() if value}
    since, until = given.get("since"), given.get("until")
    return (
        None if since is None else _date_time(since, "since"),
        None if until is None else _date_time(until, "until"),
    )


def reply(body: object) -> tuple[str, str]:
    """Author and text of a POST .../replies body."""
    fields = _object(body, "body")
    return _text(fields, "author", 120), _text(fields, "text", 4000)


def status_change(body: object) -> tuple[str, str]:
    """Status and author of a POST .../status body."""
    fields = _object(body, "body")
    status = fields.get("status")
    if status not in STATUSES:
        raise InvalidInput("status", f"must be one of {', '.join(STATUSES)}")
    return status, _text(fields, "author", 120)


def idempotency_key(value: str | None) -> str:
    """The Idempotency-Key header: 8 to 128 characters, none of them control ones; required."""
    if value is None:
        raise InvalidInput("Idempotency-Key", "the header is required")
    if not _KEY.fullmatch(value):
        raise InvalidInput("Idempotency-Key", "must be 8 to 128 characters, no control ones")
    return value


def ticket_filter(query: Mapping[str, str]) -> TicketFilter:
    """The filters of GET /api/v1/tickets; empty parameters count as absent."""
    given = {name: value for name, value in query.items() if value}
    for name, value in given.items():
        _storable(value, name)
    status = given.get("status")
    if status is not None and status not in STATUSES:
        raise InvalidInput("status", f"must be one of {', '.join(STATUSES)}")
    since = given.get("updated_since")
    return TicketFilter(
        status=status,
        unit=given.get("unit"),
        software=given.get("software"),
        requester_channel=given.get("requester_channel"),
        requester_id=given.get("requester_id"),
        updated_since=None if since is None else _date_time(since, "updated_since"),
        words=tuple(given.get("q", "").split()),
        limit=_integer(given, "limit", 50, 1, 200),
        offset=_integer(given, "offset", 0, 0, 10**9),
    )


def change_window(query: Mapping[str, str]) -> tuple[int, int]:
    """`after` and `limit` of GET /api/v1/changes."""
    given = {name: value for name, value in query.items() if value}
    return _integer(given, "after", 0, 0, 10**18), _integer(given, "limit", 100, 1, 500)


def _object(value: object, field: str) -> dict[str, Any]:
    if value is None:
        raise InvalidInput(field, "is required")
    if not isinstance(value, dict):
        raise InvalidInput(field, "must be a JSON object")
    return value


def _text(fields: Mapping[str, Any], name: str, limit: int, *, prefix: str = "") -> str:
    value = _optional_text(fields, name, limit, prefix=prefix)
    if value is None:
        raise InvalidInput(prefix + name, "is required")
    return value


def _optional_text(
    fields: Mapping[str, Any], name: str, limit: int, *, prefix: str = ""
) -> str | None:
    field, value = prefix + name, fields.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(field, "must be a string")
    if not value.strip():
        raise InvalidInput(field, "must not be empty")
    if len(value) > limit:
        raise InvalidInput(field, f"must be at most {limit} characters")
    _storable(value, field)
    return value


def _storable(value: str, field: str) -> None:
    if "\x00" in value:
        raise InvalidInput(field, "must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(field, "must be valid Unicode text") from None


def _integer(given: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    value = given.get(name)
    if value is None:
        return default
    if not _NUMBER.fullmatch(value):
        raise InvalidInput(name, "must be a whole number")
    number = int(value)
    if not low <= number <= high:
        raise InvalidInput(name, f"must be from {low} to {high}")
    return number


def _date_time(value: str, field: str) -> datetime:
    """An RFC 3339 date-time as naive UTC."""
    match = _DATE_TIME.fullmatch(value.strip())
    try:
        if match is None:
            raise ValueError(value)
        year, month, day, hour, minute, second, fraction, _utc, sign, off_h, off_m = match.groups()
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")[:6]),
        )
        if sign:
            offset = timedelta(hours=int(off_h), minutes=int(off_m))
            moment -= offset if sign in "+ " else -offset
    except (ValueError, OverflowError):
        raise InvalidInput(field, "must be a date-time like 2025-01-31T08:00:00Z") from None
    return moment
