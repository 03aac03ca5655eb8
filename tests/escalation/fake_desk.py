"""A fake document system behind `httpx.MockTransport`, following `docs/desk-api.yaml`.

It keeps tickets by idempotency key like the real server, so tests can count what was created,
and it can be switched off (`down`) or made to lose the response to a creation, which is what
makes duplicates possible with a careless client.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

TOKEN = "assistant-token-123"
NOW = "2025-03-04T08:00:00Z"
DEADLINE = "2025-03-06T08:00:00Z"
_PHONE = re.compile(r"^0[0-9]{9}$")


def payload(number: int = 1, phone: str = "0912345678") -> dict[str, Any]:
    """A valid NewTicket for requester `user-<number>`."""
    return {
        "summary": f"Không đăng nhập được phần mềm quản lý văn bản ({number})",
        "content": "Cán bộ: tôi nhập đúng mật khẩu nhưng hệ thống báo sai.",
        "unit": "UBND xã Tân Phú",
        "requester": {"channel": "telegram", "user_id": f"user-{number}", "name": "Nguyễn Văn A"},
        "phone": phone,
        "software": "qlvb",
        "urgency": "normal",
    }


def ticket_json(code: str, body: dict[str, Any]) -> dict[str, Any]:
    """A Ticket as the server returns it."""
    return {
        **body,
        "code": code,
        "status": "new",
        "deadline": DEADLINE,
        "created_at": NOW,
        "updated_at": NOW,
        "notes": [],
    }


@dataclass
class FakeDesk:
    """The server's state, and switches to make it fail the way real systems fail."""

    down: bool = False
    # The token the server accepts; change it to make the assistant's token unknown.
    token: str = TOKEN
    # Keys whose creation succeeds but whose response is lost (503), once each.
    lose_response: set[str] = field(default_factory=set)
    # Keys whose creation succeeds, after which the system goes down (a crash mid-request).
    crash_after_create: set[str] = field(default_factory=set)
    requests: list[httpx.Request] = field(default_factory=list)
    tickets: dict[str, tuple[bytes, dict[str, Any]]] = field(default_factory=dict)
    # The change feed (`GET /api/v1/changes`), oldest first, as the server returns it.
    feed: list[dict[str, Any]] = field(default_factory=list)

    @property
    def created(self) -> int:
        """How many tickets exist."""
        return len(self.tickets)

    def code_for(self, key: str) -> str:
        """The code of the ticket created under `key`."""
        return str(self.tickets[key][1]["code"])

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as the server would, or fail when down."""
        self.requests.append(request)
        if self.down:
            if len(self.requests) % 2:
                raise httpx.ConnectError("connection refused", request=request)
            return httpx.Response(503, json={"error": "unavailable"})
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return httpx.Response(401, json={"error": "unknown token"})
        path = request.url.path
        if path == "/api/v1/tickets" and request.method == "POST":
            return self._create(request)
        if path == "/api/v1/changes" and request.method == "GET":
            after = int(request.url.params.get("after", "0"))
            limit = int(request.url.params.get("limit", "100"))
            found = [c for c in self.feed if c["position"] > after][:limit]
            return httpx.Response(200, json={"changes": found})
        if path.startswith("/api/v1/tickets/") and request.method == "GET":
            code = path.rsplit("/", 1)[1]
            for _, ticket in self.tickets.values():
                if ticket["code"] == code:
                    return httpx.Response(200, json=ticket)
            return httpx.Response(404, json={"error": f"no ticket {code}"})
        return httpx.Response(404, json={"error": "no such path"})

    def _create(self, request: httpx.Request) -> httpx.Response:
        key = request.headers.get("Idempotency-Key", "")
        if not 8 <= len(key) <= 128:
            return httpx.Response(400, json={"error": "bad key", "field": "Idempotency-Key"})
        if key in self.tickets:
            body, ticket = self.tickets[key]
            if body != request.content:
                return httpx.Response(409, json={"error": "key reused with another body"})
            return httpx.Response(200, json=ticket)
        data = json.loads(request.content)
        if not _PHONE.match(str(data.get("phone", ""))):
            message = f"số điện thoại {data.get('phone')} không hợp lệ"
            return httpx.Response(400, json={"error": message, "field": "phone"})
        code = f"HT-{len(self.tickets) + 1:06d}"
        self.tickets[key] = (request.content, ticket_json(code, data))
        self._record("created", code, status="new")
        if key in self.crash_after_create:
            self.crash_after_create.discard(key)
            self.down = True
            return httpx.Response(503, json={"error": "crashed"})
        if key in self.lose_response:
            self.lose_response.discard(key)
            return httpx.Response(503, json={"error": "gateway timeout"})
        return httpx.Response(201, json=self.tickets[key][1])

    def ticket(self, code: str) -> dict[str, Any]:
        """The ticket with this code, as the server keeps it."""
        for _, ticket in self.tickets.values():
            if ticket["code"] == code:
                return ticket
        raise KeyError(code)

    def reply(self, code: str, text: str, author: str = "Cán bộ hỗ trợ") -> dict[str, Any]:
        """Add a staff reply to the ticket, and its `reply` change to the feed."""
        ticket = self.ticket(code)
        note = {"id": len(self.feed) + 1, "author": author, "text": text, "created_at": NOW}
        ticket["notes"].append(note)
        self._record("reply", code, note=note)
        return note

    def set_status(self, code: str, status: str) -> None:
        """Change the ticket's status, and add its `status` change to the feed."""
        self.ticket(code)["status"] = status
        self._record("status", code, status=status)

    def _record(self, kind: str, code: str, **details: Any) -> None:
        position = len(self.feed) + 1
        self.feed.append({"position": position, "kind": kind, "code": code, "at": NOW, **details})
