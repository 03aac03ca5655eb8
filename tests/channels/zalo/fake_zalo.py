"""A fake Zalo: the OA message API and the OAuth refresh, speaking Zalo's JSON.

Like the real one it answers errors with HTTP 200 and a non-zero `error`: -216 for an unknown
or expired access token, -230 for a user who has not written in 7 days, and an OAuth error for
a refresh token used before (each works once). It counts every use of each refresh token, so
tests can show that none was spent twice, and how many refreshes were in flight at once. It can
lose a refresh's answer (the client times out) after rotating the pair, as when the connection
drops on the way back, or before, as when the request never got through.

It keeps Zalo's 7-day window for consultation messages on its own clock (`clock`, injected):
a user whose last interaction (`interact`) is older is refused with -230 (users it has never
seen interact are not checked, as the tests before the window expected). `codes` makes every
message to a user fail with the given code (-213 not a follower, -211 quota...). Template
messages (`v3.0/oa/message/template`) go through whatever the window, with an approved
template id only.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support.served import served_in_thread

APP_ID = "1234567890123456789"
APP_SECRET = "app-secret-for-tests"
LIFETIME = 90000  # seconds, as Zalo gives
WINDOW = 7 * 24 * 3600.0  # seconds after the last interaction a consultation message may go
TEMPLATE_ID = "412345"


@dataclass
class FakeZalo:
    """The server's state; tests read what was sent and switch failures on."""

    # Access token -> expires at (time.monotonic()); refresh token -> used yet.
    access: dict[str, float] = field(default_factory=dict)
    refresh: dict[str, bool] = field(default_factory=dict)
    refresh_uses: Counter[str] = field(default_factory=Counter)
    sent: list[tuple[str, str]] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)
    # The window's clock (seconds since 1970), each user's last interaction on it, and codes
    # every message to a user fails with.
    clock: Callable[[], float] = time.time
    interactions: dict[str, float] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    # Template messages taken: (user, template id, data); the template ids Zalo approved.
    templates: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    approved: set[str] = field(default_factory=lambda: {TEMPLATE_ID})
    # How many more messages answer "too many requests" (-32); or the one that would be the
    # `limit_at`-th taken (counting from 0), once.
    rate_limited: int = 0
    limit_at: int | None = None
    # Every message request, template or not, in order: (path, user).
    requests: list[tuple[str, str]] = field(default_factory=list)
    refresh_delay: float = 0.0
    # Refuse every access token, even fresh ones (a revoked app, say).
    reject_tokens: bool = False
    # How many refreshes to answer too late (after `hang` seconds), after or before rotating.
    lose_after_rotating: int = 0
    lose_before_rotating: int = 0
    hang: float = 1.0
    in_flight: int = 0
    most_in_flight: int = 0
    refresh_started: threading.Event = field(default_factory=threading.Event)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self) -> tuple[str, str]:
        """A new valid pair, as the OA admin page or a refresh gives."""
        number = next(self._numbers)
        access, refresh = f"access-{number}", f"refresh-{number}"
        with self._lock:
            self.access[access] = time.monotonic() + LIFETIME
            self.refresh[refresh] = False
        return access, refresh

    def expire(self, access_token: str) -> None:
        """Make `access_token` expired (it stays known, as Zalo's do)."""
        self.access[access_token] = 0.0

    def interact(self, user_id: str, at: float | None = None) -> None:
        """`user_id` interacted with the OA at `at` (the fake's clock now if not given)."""
        self.interactions[user_id] = self.clock() if at is None else at

    def texts_to(self, user_id: str) -> list[str]:
        """The texts sent to `user_id`, in order."""
        return [text for user, text in self.sent if user == user_id]

    @property
    def refreshes(self) -> int:
        """How many refresh requests came in."""
        return sum(self.refresh_uses.values())

    def app(self) -> Starlette:
        """The server as an ASGI app."""
        return Starlette(
            routes=[
                Route("/v3.0/oa/message/cs", self._message, methods=["POST"]),
                Route("/v3.0/oa/message/template", self._template, methods=["POST"]),
                Route("/v4/oa/access_token", self._access_token, methods=["POST"]),
            ]
        )

    async def _message(self, request: Request) -> JSONResponse:
        token = request.headers.get("access_token", "")
        if self.reject_tokens or self.access.get(token, 0.0) <= time.monotonic():
            return JSONResponse({"error": -216, "message": "Access token is invalid"})
        body = await request.json()
        user_id = str(body.get("recipient", {}).get("user_id", ""))
        text = body.get("message", {}).get("text")
        if not isinstance(text, str) or not text or len(text) > 2000:
            return JSONResponse({"error": -201, "message": "message is invalid"})
        self.requests.append(("cs", user_id))
        refused = self._refusal(user_id)
        if refused is not None:
            return refused
        last = self.interactions.get(user_id)
        if user_id in self.unreachable or (last is not None and self.clock() - last > WINDOW):
            return JSONResponse(
                {"error": -230, "message": "User has not interacted with the OA in 7 days"}
            )
        self.sent.append((user_id, text))
        data = {"message_id": f"m{len(self.sent)}", "user_id": user_id}
        return JSONResponse({"data": data, "error": 0, "message": "Success"})

    async def _template(self, request: Request) -> JSONResponse:
        token = request.headers.get("access_token", "")
        if self.reject_tokens or self.access.get(token, 0.0) <= time.monotonic():
            return JSONResponse({"error": -216, "message": "Access token is invalid"})
        body = await request.json()
        user_id = str(body.get("recipient", {}).get("user_id", ""))
        message = body.get("message", {})
        template_id = str(message.get("template_id", ""))
        data = message.get("template_data")
        self.requests.append(("template", user_id))
        refused = self._refusal(user_id)
        if refused is not None:
            return refused
        if template_id not in self.approved or not isinstance(data, dict):
            return JSONResponse({"error": -1124, "message": "Template is not approved"})
        self.templates.append((user_id, template_id, {str(k): str(v) for k, v in data.items()}))
        return JSONResponse({"data": {"message_id": f"t{len(self.templates)}"}, "error": 0})

    def _refusal(self, user_id: str) -> JSONResponse | None:
        """The answer of a user's set failure code, or of a rate limit; None if neither."""
        if self.rate_limited > 0 or self.limit_at == len(self.sent):
            self.rate_limited = max(0, self.rate_limited - 1)
            self.limit_at = None if self.limit_at == len(self.sent) else self.limit_at
            return JSONResponse({"error": -32, "message": "Exceeded the request rate"})
        if user_id in self.codes:
            return JSONResponse({"error": self.codes[user_id], "message": "refused"})
        return None

    async def _access_token(self, request: Request) -> JSONResponse:
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        self.refresh_started.set()
        try:
            return await self._refresh(request)
        finally:
            with self._lock:
                self.in_flight -= 1

    async def _refresh(self, request: Request) -> JSONResponse:
        # A url-encoded form, read by hand: starlette's form parser needs python-multipart.
        form = {key: value[0] for key, value in parse_qs((await request.body()).decode()).items()}
        refresh = form.get("refresh_token", "")
        if self.lose_before_rotating:
            self.lose_before_rotating -= 1
            await asyncio.sleep(self.hang)
            return JSONResponse({"error": -1, "message": "nobody waits for this"}, 504)
        with self._lock:
            self.refresh_uses[refresh] += 1
            usable = self.refresh.get(refresh) is False
            if usable:
                self.refresh[refresh] = True
        if self.refresh_delay:
            await asyncio.sleep(self.refresh_delay)
        if (
            request.headers.get("content-type") != "application/x-www-form-urlencoded"
            or request.headers.get("secret_key") != APP_SECRET
            or form.get("app_id") != APP_ID
            or form.get("grant_type") != "refresh_token"
        ):
            return JSONResponse({"error": -14001, "error_name": "Invalid parameter"})
        if not usable:
            return JSONResponse(
                {"error": -14014, "error_name": "Invalid refresh token", "error_reason": ""}
            )
        access, new_refresh = self.issue()
        if self.lose_after_rotating:
            self.lose_after_rotating -= 1
            await asyncio.sleep(self.hang)
        return JSONResponse(
            {"access_token": access, "refresh_token": new_refresh, "expires_in": str(LIFETIME)}
        )


class Fake(Protocol):
    """A fake server: FakeZalo, or the fake Telegram Bot API."""

    def app(self) -> Starlette:
        """The fake as an ASGI app."""


@contextmanager
def served(fake: Fake) -> Iterator[str]:
    """`fake` under uvicorn on a free port, in a thread; its base URL."""
    with served_in_thread(fake.app()) as url:
        yield url
