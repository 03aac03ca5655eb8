"""The gateway: one web app for Telegram's and Zalo's webhooks, the web chat, health and metrics.

Why it looks like this:
- One Starlette app routes `POST /telegram` itself (python-telegram-bot's custom webhook shape:
  an `Application` with no `Updater`), answers `GET /health` and `GET /metrics`, and mounts the
  local web chat (`bot.webchat.app`) under everything else, running its lifespan inside its own.
- Every channel reaches Rasa through one httpx client (one pool), with one deadline per message.
- Telegram is on only when a bot token is set. With `polling`, the app also runs the getUpdates
  loop, for offices Telegram cannot reach; the webhook route stays, guarded by the secret.
- Zalo is on only when its settings are given. `POST /zalo` answers once the signature and time
  are checked and the event is claimed in the store (503 if it cannot be, so Zalo sends it
  again); the turn runs in the background, and shutdown waits a while for the turns in flight.
- The process holds no conversation state: Rasa keeps it, the store keeps which updates were
  handled, and what the channels keep between messages is in the shared state (`wiring.py`:
  Redis or the store), so any replica can take any message. A Rasa outage costs an apology
  per message and nothing to reset afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from telegram.ext import AIORateLimiter

from bot import redact
from bot.bodies import BodyTooLarge, NotJson, json_of, read_capped
from bot.channels.outside import channel_secrets
from bot.channels.telegram.channel import CHANNEL as TELEGRAM
from bot.channels.telegram.service import SECRET_HEADER, Outcome
from bot.channels.zalo.channel import CHANNEL as ZALO
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.signature import HEADER as ZALO_SIGNATURE
from bot.channels.zalo.webhook import MAX_BODY as MAX_ZALO_EVENT_BYTES
from bot.channels.zalo.wiring import ZaloParts, build_zalo, zalo_http
from bot.gateway.officials import Officials
from bot.gateway.settings import GatewaySettings
from bot.gateway.wiring import build_telegram, start_webhook_mode
from bot.metrics import CONTENT_TYPE, Metrics
from bot.notify.local_inbox import LocalInbox
from bot.rasa import RasaClient, http_to_rasa
from bot.store.database import make_engine, migrate
from bot.store.shared_state import SharedState, shared_state
from bot.webchat.app import create_app as create_webchat
from bot.webchat.settings import WebChatSettings

log = logging.getLogger(__name__)

# Telegram's updates are a few kilobytes; anything this big is not one.
MAX_UPDATE_BYTES = 256 * 1024
WEB = "web"


def create_app(
    settings: GatewaySettings | None = None,
    *,
    rasa_http: httpx.AsyncClient | None = None,
    engine: Engine | None = None,
    polling: bool = False,
    rate_limiter: AIORateLimiter | None = None,
    poll_timeout: int = 25,
    extra_routes: Sequence[BaseRoute] = (),
    zalo: ZaloSettings | None = None,
    zalo_client: httpx.AsyncClient | None = None,
    web: WebChatSettings | None = None,
    state: SharedState | None = None,
) -> Starlette:
    """The gateway app.

    `rasa_http` (base URL: the Rasa server) and `engine` (the assistant's store, already
    migrated) are made from `settings` when not given, and then also closed by the app, which
    migrates the store first. `polling` runs Telegram's getUpdates loop (a token is needed).
    `extra_routes` (other channels' webhooks) come before the web chat's catch-all mount.
    `zalo` turns the Zalo webhook on; `zalo_client` reaches Zalo's servers (made from `zalo`
    and closed by the app when not given). `web` holds the web chat's secret and rate limits
    (default: from the environment, where HELPDESK_WEBCHAT_SECRET is required). `state` is
    what the channels share with other replicas (default: from `settings`, closed by the app).
    """
    settings = settings or GatewaySettings()  # type: ignore[call-arg]  # tokens: from the env
    if polling and not settings.telegram_enabled:
        raise ValueError("polling needs a Telegram bot token (HELPDESK_TELEGRAM_TOKEN)")
    # Before the bot is built: python-telegram-bot logs its URL, token included, right away.
    protection = redact.install(
        channel_secrets(settings.telegram_token, settings.telegram_webhook_secret, zalo=zalo)
    )
    metrics = Metrics()
    own_http = rasa_http is None
    http = rasa_http or http_to_rasa(settings)
    own_engine = engine is None
    store = engine or make_engine(settings.database_url)
    shared = state or shared_state(settings, store)
    officials = Officials(store, metrics)
    rasa = RasaClient.from_settings(settings, http, metrics, before_send=officials.seen)
    own_zalo_http = zalo is not None and zalo_client is None
    zalo_parts: ZaloParts | None = None
    if zalo is not None:
        zalo_client = zalo_client or zalo_http(zalo)
        failed = metrics.zalo_token_refresh_failure
        zalo_parts = build_zalo(
            zalo,
            store,
            http=zalo_client,
            rasa=rasa,
            on_refresh_failure=failed,
            presence=officials,
            state=shared,
        )
        officials.register(ZALO, zalo_parts.channel)
    # After Zalo: trainers' announcements from Telegram go out on its channel too.
    telegram = build_telegram(
        settings, rasa, metrics, store, shared, rate_limiter, poll_timeout, zalo_parts
    )
    officials.register(TELEGRAM, telegram.channel() if telegram else None)
    # The gateway's settings hold the web chat's Rasa address and wait: one of each.
    webchat = create_webchat(
        settings,
        http=http,
        inbox=LocalInbox(store),
        web=web,
        state=shared,
        before_send=officials.kept_for_staff,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        background: list[asyncio.Task[Any]] = []
        try:
            if own_engine:
                await asyncio.to_thread(migrate, settings.database_url)
            async with webchat.router.lifespan_context(webchat):
                if telegram is not None and polling:
                    background.append(asyncio.create_task(telegram.poll(stop)))
                elif telegram is not None:
                    await start_webhook_mode(telegram, stop, background)
                yield
        finally:
            stop.set()
            if background:
                await asyncio.wait(background, timeout=20)
            for task in background:
                task.cancel()
            if telegram is not None:
                await telegram.stop()
            if zalo_parts is not None:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(zalo_parts.webhook.drain(), timeout=20)
            if own_zalo_http and zalo_client is not None:
                await zalo_client.aclose()
            if own_http:
                await http.aclose()
            if state is None:
                await shared.aclose()
            if own_engine:
                store.dispose()
            redact.uninstall(protection)

    async def telegram_webhook(request: Request) -> Response:
        if telegram is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        if not telegram.secret_matches(request.headers.get(SECRET_HEADER)):
            metrics.update_dropped("telegram", "forbidden")
            return JSONResponse({"error": "forbidden"}, status_code=403)
        if not telegram.ready:
            return JSONResponse({"error": "starting"}, status_code=503)
        try:
            body = await read_capped(request, MAX_UPDATE_BYTES)
        except BodyTooLarge:
            metrics.update_dropped("telegram", "too_large")
            return JSONResponse({"error": "too large"}, status_code=413)
        try:
            data = json_of(body)
        except NotJson:
            metrics.update_dropped("telegram", "invalid")
            return JSONResponse({"error": "not JSON"}, status_code=400)
        try:
            outcome = await telegram.handle(data)
        except SQLAlchemyError as error:
            # Telegram delivers the update again later, when the store may be back.
            log.error("the store could not be reached (%s)", type(error).__name__)
            return JSONResponse({"error": "store unavailable"}, status_code=503)
        if outcome is Outcome.INVALID:
            return JSONResponse({"error": "not an update"}, status_code=400)
        return JSONResponse({"ok": True, "outcome": outcome.value})

    async def zalo_webhook(request: Request) -> Response:
        if zalo_parts is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        try:
            body = await read_capped(request, MAX_ZALO_EVENT_BYTES)
        except BodyTooLarge:
            metrics.update_dropped("zalo", "too_large")
            return JSONResponse({"error": "too large"}, status_code=413)
        answer = await zalo_parts.webhook.answer(body, request.headers.get(ZALO_SIGNATURE))
        if answer.dropped is not None:
            metrics.update_dropped("zalo", answer.dropped)
        if answer.status != 200:
            return JSONResponse({"error": answer.dropped}, answer.status)
        if answer.dropped is None:
            metrics.message_in("zalo")
        return JSONResponse({"ok": True})

    async def health(request: Request) -> JSONResponse:
        state = "off" if telegram is None else ("ready" if telegram.ready else "starting")
        return JSONResponse(
            {"status": "ok", "telegram": state, "zalo": "off" if zalo_parts is None else "ready"}
        )

    async def metrics_page(request: Request) -> PlainTextResponse:
        return PlainTextResponse(metrics.render(), media_type=CONTENT_TYPE)

    app = Starlette(
        routes=[
            Route("/telegram", telegram_webhook, methods=["POST"]),
            Route("/zalo", zalo_webhook, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
            Route("/metrics", metrics_page, methods=["GET"]),
            *extra_routes,
            Mount("/", app=_CountWebChat(webchat, metrics)),
        ],
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    app.state.rasa = rasa
    app.state.telegram = telegram
    app.state.zalo = zalo_parts
    return app


class _CountWebChat:
    """Counts the web chat's messages, replies, Rasa errors and latency on their way through."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self._app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and scope.get("path") == "/api/messages"
        ):
            await self._app(scope, receive, send)
            return
        started = time.monotonic()
        status = 0
        body = bytearray()

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and len(body) < 1_000_000:
                body.extend(message.get("body", b""))
            await send(message)

        await self._app(scope, receive, watch)
        if status not in (200, 503):
            return
        self._metrics.message_in(WEB)
        self._metrics.rasa_latency(WEB, time.monotonic() - started)
        if status == 503:
            self._metrics.rasa_error(WEB, "unavailable")
            return
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            self._metrics.message_out(WEB, len(json.loads(bytes(body))["messages"]))
