"""A small web chat on localhost that talks to the Rasa server through its REST channel."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from string import Template

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from bot.chat.rasa_client import MAX_MESSAGE, RasaClient, RasaUnavailable
from bot.chat.texts import ui_text
from bot.settings import AssistantSettings

_PAGE = Path(__file__).parent / "static" / "index.html"
_SENDER = re.compile(r"^web-[0-9a-f]{8,32}$")


def create_app(
    settings: AssistantSettings | None = None, http: httpx.AsyncClient | None = None
) -> Starlette:
    """The web chat app; `http` (base URL: the Rasa server) is made from settings if not given."""
    settings = settings or AssistantSettings()
    words = ui_text()["web"]
    page = Template(_PAGE.read_text(encoding="utf-8")).substitute(
        {key: html.escape(str(value)) for key, value in words.items()}
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        client = http or httpx.AsyncClient(base_url=settings.rasa_url, timeout=20.0)
        app.state.rasa = RasaClient(client)
        try:
            yield
        finally:
            if http is None:
                await client.aclose()

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

    return Starlette(
        routes=[
            Route("/", index),
            Route("/health", health),
            Route("/api/messages", messages, methods=["POST"]),
        ],
        lifespan=lifespan,
    )
