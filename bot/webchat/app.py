"""A small web chat on localhost that talks to the Rasa server through its REST channel.

Notices for the official (staff replies, status changes) wait in the local inbox of the store;
the page polls `GET /api/inbox` for its sender's notices after the last one it has shown.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from string import Template

import httpx
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from bot.notify.local_inbox import LocalInbox
from bot.rasa import MAX_MESSAGE, RasaClient, RasaUnavailable
from bot.settings import AssistantSettings, StoreSettings
from bot.store.database import make_engine, migrate
from bot.texts import texts

log = logging.getLogger(__name__)

_PAGE = Path(__file__).parent / "static" / "index.html"
_SENDER = re.compile(r"^web-[0-9a-f]{8,32}$")
_POSITION = re.compile(r"^[0-9]{1,15}$")
INBOX_BATCH = 50


def create_app(
    settings: AssistantSettings | None = None,
    http: httpx.AsyncClient | None = None,
    inbox: LocalInbox | None = None,
    store: StoreSettings | None = None,
) -> Starlette:
    """The web chat app.

    `http` (base URL: the Rasa server) is made from settings if not given; `inbox` is made on
    the store of `store` (default: from the environment), migrated first, if not given.
    """
    settings = settings or AssistantSettings()
    words = texts("bot.chat").section("web")
    page = Template(_PAGE.read_text(encoding="utf-8")).substitute(
        {key: html.escape(str(value)) for key, value in words.items()}
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = None
        if inbox is None:
            url = (store or StoreSettings()).database_url
            await asyncio.to_thread(migrate, url)
            engine = make_engine(url)
            app.state.inbox = LocalInbox(engine)
        else:
            app.state.inbox = inbox
        client = http or httpx.AsyncClient(base_url=settings.rasa_url)
        app.state.rasa = RasaClient(client, timeout=settings.rasa_timeout_seconds)
        try:
            yield
        finally:
            if http is None:
                await client.aclose()
            if engine is not None:
                engine.dispose()

    async def index(request: Request) -> HTMLResponse:
        return HTMLResponse(page)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def messages(request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return JSONResponse({"error": words["empty"]}, status_code=400)
        sender, text = body.get("sender"), body.get("text")
        if not isinstance(sender, str) or not _SENDER.match(sender):
            return JSONResponse({"error": words["unavailable"]}, status_code=400)
        if not isinstance(text, str) or not text.strip():
            return JSONResponse({"error": words["empty"]}, status_code=400)
        if len(text) > MAX_MESSAGE:
            return JSONResponse(
                {"error": words["too_long"].format(limit=MAX_MESSAGE)}, status_code=400
            )
        try:
            replies = await request.app.state.rasa.send(sender, text)
        except RasaUnavailable:
            return JSONResponse({"error": words["unavailable"]}, status_code=503)
        return JSONResponse({"messages": replies})

    async def notices(request: Request) -> JSONResponse:
        sender = request.query_params.get("sender", "")
        after = request.query_params.get("after", "0")
        if not _SENDER.fullmatch(sender) or not _POSITION.fullmatch(after):
            return JSONResponse({"error": words["inbox_invalid"]}, status_code=400)
        inbox: LocalInbox = request.app.state.inbox
        try:
            found = await run_in_threadpool(inbox.fetch, sender, int(after), INBOX_BATCH)
        except SQLAlchemyError as error:
            log.warning("the local inbox could not be read (%s)", type(error).__name__)
            return JSONResponse({"error": words["inbox_unavailable"]}, status_code=503)
        last = found[-1].id if found else int(after)
        return JSONResponse({"messages": [m.as_json() for m in found], "last": last})

    return Starlette(
        routes=[
            Route("/", index),
            Route("/health", health),
            Route("/api/messages", messages, methods=["POST"]),
            Route("/api/inbox", notices, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
