"""A client for the document system's ticket API (`docs/desk-api.yaml`).

Why it looks like this:
- The `httpx.AsyncClient` is injected. Whoever builds it sets the base URL, the bearer token and
  the timeouts, so the token never passes through this module and tests plug in a MockTransport.
- Only failures after which the request may still succeed are retried: transport errors
  (refused connections, timeouts, dropped connections) and 5xx, by tenacity (`retry.py`).
  A 4xx will be the same next time.
- A ticket is created with an `Idempotency-Key`, and the same key and the same body bytes go out
  on every retry, so a retry after a lost response gets back the ticket already created (200)
  instead of opening a second one.
- Status codes are checked exactly: a 2xx the contract does not name is an error, not a success.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from bot.escalation.retry import RETRIED, RetryPolicy, ServerError

T = TypeVar("T")

LIST_FILTERS = frozenset(
    {"status", "unit", "software", "requester_channel", "requester_id", "updated_since", "q"}
    | {"limit", "offset"}
)


class DeskError(Exception):
    """Any failure talking to the document system, including answers the contract does not allow."""


class DeskAuthError(DeskError):
    """401 or 403: the token is missing, unknown, or lacks the role. Retrying cannot help."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class TicketNotFound(DeskError):
    """404: no such ticket (or, on another path, no such endpoint at the configured URL)."""


class DeskRejected(DeskError):
    """400 or 409: the server refused the request as it is; `field` names the bad field if given."""

    def __init__(self, message: str, field: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


class DeskUnavailable(DeskError):
    """Every attempt ended in a transport error or a 5xx: the system is down or unreachable."""


@dataclass(frozen=True)
class Note:
    """A processing note (ý kiến xử lý) on a ticket."""

    id: int
    author: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Ticket:
    """The part of a ticket the assistant uses; `existed` when a repeated key found it (200).

    `requester_channel` and `requester_id` say who opened it, so that an official is only ever
    shown their own tickets and a staff reply goes back where the question came from.
    """

    code: str
    status: str
    deadline: datetime
    updated_at: datetime
    notes: tuple[Note, ...] = ()
    existed: bool = False
    summary: str = ""
    requester_channel: str = ""
    requester_id: str = ""
    unit: str = ""
    software: str = ""
    urgency: str = ""
    created_at: datetime | None = None
    rating: int | None = None  # the official's score, once rated


@dataclass(frozen=True)
class TicketPage:
    """One page of `list_tickets`; `total` counts every match, not just this page."""

    items: list[Ticket]
    total: int


@dataclass(frozen=True)
class Change:
    """One entry of the change feed; pass the last `position` as `after` next time."""

    position: int
    kind: str
    code: str
    at: datetime
    note: Note | None = None
    status: str | None = None
    rating: int | None = None  # a low rating's score (kind "rating")


class DeskClient:
    """Calls the ticket API on an injected httpx client, retrying what may succeed on retry."""

    def __init__(self, http: httpx.AsyncClient, retry: RetryPolicy | None = None) -> None:
        """Use `http` as configured (base URL, bearer token, timeouts) and `retry` for failures."""
        self._http = http
        self._retry = retry or RetryPolicy()

    async def aclose(self) -> None:
        """Close the underlying httpx client."""
        await self._http.aclose()

    async def create_ticket(self, payload: Mapping[str, Any], idempotency_key: str) -> Ticket:
        """Open a ticket, or get back the one already opened with this key (`existed`)."""
        if not 8 <= len(idempotency_key) <= 128:
            raise ValueError("an idempotency key has 8 to 128 characters")
        # Serialised once, so every retry carries the same bytes: the server answers 409 to a
        # repeated key with another body.
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Idempotency-Key": idempotency_key, "Content-Type": "application/json"}
        response = await self._send("POST", "/api/v1/tickets", content=body, headers=headers)
        _check(response, (200, 201))
        return _parse(response, lambda data: _ticket(data, existed=response.status_code == 200))

    async def get_ticket(self, code: str) -> Ticket:
        """One ticket with its notes; `TicketNotFound` if there is none."""
        response = await self._send("GET", f"/api/v1/tickets/{quote(code, safe='')}")
        _check(response, (200,))
        return _parse(response, _ticket)

    async def list_tickets(self, **filters: Any) -> TicketPage:
        """Tickets matching the contract's filters (status, unit, ..., limit, offset)."""
        unknown = set(filters) - LIST_FILTERS
        if unknown:
            raise TypeError(f"unknown ticket filters: {', '.join(sorted(unknown))}")
        params = {
            name: value.isoformat() if isinstance(value, datetime) else value
            for name, value in filters.items()
            if value is not None
        }
        response = await self._send("GET", "/api/v1/tickets", params=params)
        _check(response, (200,))
        return _parse(
            response,
            lambda data: TicketPage([_ticket(item) for item in data["items"]], int(data["total"])),
        )

    async def changes(self, after: int = 0, limit: int = 100) -> list[Change]:
        """Changes after position `after`, oldest first."""
        params = {"after": after, "limit": limit}
        response = await self._send("GET", "/api/v1/changes", params=params)
        _check(response, (200,))
        return _parse(response, lambda data: [_change(item) for item in data["changes"]])

    async def add_reply(self, code: str, author: str, text: str) -> Note:
        """Add a staff reply, in one try (no idempotency key: a retry could post it twice)."""
        once = DeskClient(self._http, RetryPolicy(attempts=1))
        path = f"/api/v1/tickets/{quote(code, safe='')}/replies"
        response = await once._send("POST", path, json={"author": author, "text": text})
        _check(response, (201,))
        return _parse(response, note_of)

    async def change_status(self, code: str, status: str, author: str) -> Ticket:
        """Set the ticket's status (a staff token's right); the ticket as it now is."""
        path = f"/api/v1/tickets/{quote(code, safe='')}/status"
        response = await self._send("POST", path, json={"status": status, "author": author})
        _check(response, (200,))
        return _parse(response, _ticket)

    async def call(
        self, method: str, path: str, build: Callable[[Any], T], once: bool, **options: Any
    ) -> T:
        """A call beyond the contract (`staff_aids.py`), answered 200 or 201, checked and built
        as the others; `once`: tried once (a call that adds a reply must not post it twice)."""
        sender = DeskClient(self._http, RetryPolicy(attempts=1)) if once else self
        response = await sender._send(method, path, **options)
        _check(response, (200, 201))
        return _parse(response, build)

    async def _send(self, method: str, path: str, **options: Any) -> httpx.Response:
        """Send, retrying transport errors and 5xx with backoff; any other answer is returned."""
        try:
            return await self._retry.send(lambda: self._http.request(method, path, **options))
        except RETRIED as error:
            kind = "" if isinstance(error, ServerError) else type(error).__name__
            last = f"{kind} {error}".strip()
            raise DeskUnavailable(
                f"{method} {path}: {self._retry.attempts} attempts failed, the last with {last}"
            ) from error


def _check(response: httpx.Response, expected: tuple[int, ...]) -> None:
    """Raise the error for any status but the expected ones."""
    status = response.status_code
    if status in expected:
        return
    message, field = _error_body(response)
    if status in (401, 403):
        raise DeskAuthError(message, status)
    if status == 404:
        raise TicketNotFound(message)
    if status in (400, 409):
        raise DeskRejected(message, field, status)
    raise DeskError(f"unexpected HTTP {status}: {message}")


def _error_body(response: httpx.Response) -> tuple[str, str | None]:
    """The contract's `{error, field}`, or the start of whatever else came back."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or f"HTTP {response.status_code}", None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        field = body.get("field")
        return body["error"], field if isinstance(field, str) else None
    return f"HTTP {response.status_code}", None


def _parse(response: httpx.Response, build: Callable[[Any], T]) -> T:
    """Build the result from the JSON body; a body off the contract is a `DeskError`."""
    try:
        return build(response.json())
    except (ValueError, KeyError, TypeError) as error:
        raise DeskError(f"malformed response to {response.request.url.path}: {error!r}") from error


def desk_time(value: Any) -> datetime:
    """An ISO 8601 time; Python 3.10 reads a final "Z" only when spelt "+00:00"."""
    if not isinstance(value, str):
        raise TypeError(f"not a time: {value!r}")
    return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)


def note_of(data: Mapping[str, Any]) -> Note:
    """A Note from its JSON."""
    return Note(
        int(data["id"]), str(data["author"]), str(data["text"]), desk_time(data["created_at"])
    )


def _ticket(data: Mapping[str, Any], existed: bool = False) -> Ticket:
    code = data["code"]
    if not isinstance(code, str) or not code:
        raise TypeError("a ticket without a code")
    return Ticket(
        code=code,
        status=str(data["status"]),
        deadline=desk_time(data["deadline"]),
        updated_at=desk_time(data["updated_at"]),
        notes=tuple(note_of(note) for note in data["notes"]),
        existed=existed,
        summary=str(data["summary"]),
        requester_channel=str(data["requester"]["channel"]),
        requester_id=str(data["requester"]["user_id"]),
        unit=str(data.get("unit") or ""),  # shown to staff only: leniently read
        software=str(data.get("software") or ""),
        urgency=str(data.get("urgency") or ""),
        # When the official sent it, for "my ticket from yesterday"; a system that leaves it
        # out still answers status questions, its tickets then count as sent when last changed.
        created_at=desk_time(data["created_at"]) if data.get("created_at") is not None else None,
        rating=int(data["rating"]) if data.get("rating") is not None else None,
    )


def _change(data: Mapping[str, Any]) -> Change:
    note, status, rating = data.get("note"), data.get("status"), data.get("rating")
    return Change(
        int(data["position"]),
        str(data["kind"]),
        str(data["code"]),
        desk_time(data["at"]),
        note_of(note) if note is not None else None,
        str(status) if status is not None else None,
        int(rating) if rating is not None else None,
    )
