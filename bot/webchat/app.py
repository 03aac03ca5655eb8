"""A small web chat that talks to the Rasa server through its REST channel.

Why it looks like this:
- The server issues the sender id (`POST /api/session`: a random id and its token, signed under
  HELPDESK_WEBCHAT_SECRET, `sessions.py`); every message and inbox read carries the token in
  `X-Chat-Token`. An id chosen by the browser would let anyone who guessed one read that
  official's staff replies. The page keeps both, as it kept the id before; a page with an id
  and no token simply asks for a new session.
- A message's body is read through `bot.bodies.read_capped` before it is parsed, so a huge body
  is refused (413) after at most MAX_BODY bytes, never held whole.
- Each message needs a token from its sender's bucket and its address's (`limits.py`), kept in
  the gateways' shared state (Redis or the store), so every replica spends from the same
  buckets; a refusal is a 429 with Retry-After. The address is the socket's peer, or the
  client a reverse proxy on this machine names (uvicorn trusts X-Forwarded-For from 127.0.0.1
  only). Inbox reads are not counted: the page polls every 3 seconds, and a read costs no Rasa
  turn.
- Typed text never reaches Rasa as an intent (`bot.rasa.as_typed`). Buttons go to the page with
  a signed `choice` instead of their payload; the page sends the choice back and the server
  turns it into the payload, so only a button the assistant showed this sender sends an intent.
- Notices for the official (staff replies, status changes) wait in the local inbox of the store;
  the page polls `GET /api/inbox` for its sender's notices after the last one it has shown.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from string import Template
from typing import Any

import httpx
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from bot.bodies import BodyTooLarge, NotJson, json_of, read_capped
from bot.messages import LOCAL
from bot.notify.local_inbox import LocalInbox
from bot.plain_text import clean
from bot.rasa import MAX_MESSAGE, BeforeSend, RasaClient, RasaUnavailable, as_typed, http_to_rasa
from bot.rasa_settings import RasaChannelSettings
from bot.store.database import make_engine, migrate
from bot.store.shared_settings import SharedStateSettings
from bot.store.shared_state import SharedState, StateUnavailable, shared_state
from bot.texts import texts
from bot.webchat.limits import RateLimits
from bot.webchat.sessions import MAX_CHOICE, SENDER, TOKEN_HEADER, WebSessions
from bot.webchat.settings import WebChatSettings

log = logging.getLogger(__name__)

_PAGE = Path(__file__).parent / "static" / "index.html"
_POSITION = re.compile(r"^[0-9]{1,15}$")
INBOX_BATCH = 50
# The largest message body read: MAX_MESSAGE characters JSON-escaped (up to 12 bytes each, an
# escaped surrogate pair) or the longest choice, with room for the sender and the braces.
MAX_BODY = max(MAX_MESSAGE * 12, MAX_CHOICE) + 1024
# A session's token must not be kept by a browser cache or a proxy.
_PRIVATE = {"Cache-Control": "no-store"}


def create_app(
    settings: RasaChannelSettings | None = None,
    http: httpx.AsyncClient | None = None,
    inbox: LocalInbox | None = None,
    store: SharedStateSettings | None = None,
    web: WebChatSettings | None = None,
    state: SharedState | None = None,
    before_send: BeforeSend | None = None,
) -> Starlette:
    """The web chat app.

    `http` (base URL: the Rasa server) is made from settings if not given; `inbox` is made on
    the store of `store` (default: from the environment), migrated first, if not given. `web`
    (default: from the environment) holds the secret and the rate limits, whose buckets are in
    `state` (default: HELPDESK_REDIS_URL's Redis, else the inbox's store). `before_send` is
    the gateway's check before each message reaches Rasa (kept for staff handling a ticket).
    """
    settings = settings or RasaChannelSettings()  # type: ignore[call-arg]  # token: from the env
    web = web or WebChatSettings()  # type: ignore[call-arg]  # the secret: from the environment
    sessions = WebSessions(web.secret.get_secret_value())
    words = texts("bot.chat").section("web")
    page = Template(_PAGE.read_text(encoding="utf-8")).substitute(
        {key: html.escape(str(value)) for key, value in words.items()}
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = None
        found = store or SharedStateSettings()
        if inbox is None:
            await asyncio.to_thread(migrate, found.database_url)
            engine = make_engine(found.database_url)
            app.state.inbox = LocalInbox(engine)
        else:
            app.state.inbox = inbox
        shared = state or shared_state(found, app.state.inbox.engine)
        app.state.limits = RateLimits(shared, web.sender_per_minute, web.address_per_minute)
        client = http or http_to_rasa(settings)
        app.state.rasa = RasaClient.from_settings(settings, client, before_send=before_send)
        try:
            yield
        finally:
            if http is None:
                await client.aclose()
            if state is None:
                await shared.aclose()
            if engine is not None:
                engine.dispose()

    def refusal(key: str, status: int, **values: object) -> JSONResponse:
        return JSONResponse({"error": words[key].format(**values)}, status_code=status)

    def unsigned(sender: str, token: str | None) -> JSONResponse | None:
        """The refusal of a call without `sender`'s token (401 none, 403 another), or None."""
        if not token:
            return refusal("forbidden", 401)
        return None if sessions.valid(sender, token) else refusal("forbidden", 403)

    def with_choices(message: Mapping[str, Any], sender: str) -> dict[str, Any]:
        """`message` as the page gets it: each button's payload replaced by its signed choice."""
        shown = dict(message)
        if "buttons" in shown:
            buttons = shown["buttons"] if isinstance(shown["buttons"], list) else []
            shown["buttons"] = [
                {"title": b["title"], "choice": sessions.choice_for(sender, b["payload"])}
                for b in buttons
                if isinstance(b, dict)
                and isinstance(b.get("title"), str)
                and isinstance(b.get("payload"), str)
            ]
        return shown

    async def index(request: Request) -> HTMLResponse:
        return HTMLResponse(page)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def session(request: Request) -> JSONResponse:
        # Nothing is read or kept: the token is the id signed, checked again on each call.
        sender, token = sessions.issue()
        return JSONResponse({"sender": sender, "token": token}, headers=_PRIVATE)

    async def messages(request: Request) -> JSONResponse:
        token = request.headers.get(TOKEN_HEADER)
        if not token:
            return refusal("forbidden", 401)
        try:
            body = _object(await read_capped(request, MAX_BODY))
        except BodyTooLarge:
            return refusal("too_large", 413)
        if body is None:
            return refusal("empty", 400)
        sender = body.get("sender")
        if not isinstance(sender, str) or not sessions.valid(sender, token):
            return refusal("forbidden", 403)
        choice, typed = body.get("choice"), body.get("text")
        typed = clean(typed) if isinstance(typed, str) else None
        if choice is not None:
            text = sessions.payload_of(sender, choice) if isinstance(choice, str) else None
            if text is None:
                return refusal("expired_choice", 400)
        elif typed is None or not as_typed(typed).strip():
            return refusal("empty", 400)
        elif len(typed) > MAX_MESSAGE:
            return refusal("too_long", 400, limit=MAX_MESSAGE)
        else:
            text = as_typed(typed)
        address = request.client.host if request.client else ""
        limits: RateLimits = request.app.state.limits
        try:
            wait = await limits.admit(sender, address)
        except StateUnavailable as error:
            log.warning("the rate limits could not be read (%s)", error)
            return refusal("unavailable", 503)
        if wait:
            refused = refusal("rate_limited", 429, seconds=wait)
            refused.headers["Retry-After"] = str(wait)
            return refused
        try:
            replies = await request.app.state.rasa.send(sender, text, {"channel": LOCAL})
        except RasaUnavailable:
            return refusal("unavailable", 503)
        return JSONResponse({"messages": [with_choices(m, sender) for m in replies]})

    async def notices(request: Request) -> JSONResponse:
        sender = request.query_params.get("sender", "")
        after = request.query_params.get("after", "0")
        if not SENDER.fullmatch(sender) or not _POSITION.fullmatch(after):
            return refusal("inbox_invalid", 400)
        refused = unsigned(sender, request.headers.get(TOKEN_HEADER))
        if refused is not None:
            return refused
        inbox: LocalInbox = request.app.state.inbox
        try:
            found = await run_in_threadpool(inbox.fetch, sender, int(after), INBOX_BATCH)
        except SQLAlchemyError as error:
            log.warning("the local inbox could not be read (%s)", type(error).__name__)
            return refusal("inbox_unavailable", 503)
        last = found[-1].id if found else int(after)
        shown = [with_choices(m.as_json(), sender) for m in found]
        return JSONResponse({"messages": shown, "last": last})

    return Starlette(
        routes=[
            Route("/", index),
            Route("/health", health),
            Route("/api/session", session, methods=["POST"]),
            Route("/api/messages", messages, methods=["POST"]),
            Route("/api/inbox", notices, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def _object(body: bytes) -> dict[str, Any] | None:
    """`body` read as a JSON object, or None if it is not one."""
    try:
        found = json_of(body)
    except NotJson:
        return None
    return found if isinstance(found, dict) else None
