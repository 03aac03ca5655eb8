"""A local fake of the Telegram Bot API and of Rasa's REST channel, served over real HTTP.

The fake Bot API answers the methods the gateway calls with JSON shaped as Telegram's (the
`{"ok": true, "result": ...}` envelope, Message objects, error codes and `retry_after`), and
records every call with its decoded parameters. Updates for long polling are queued with
`queue_update` and handed out by getUpdates after the given offset.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from telegram.ext import AIORateLimiter

from bot.channels.telegram.channel import telegram_rate_limiter
from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from tests.support.databases import migrated_sqlite
from tests.support.served import serving

TOKEN = "123456789:TEST-token_for-the-fake-api"
SECRET = "webhook-secret_0123456789abcdefghij"
# Rasa's channel token: the gateway sends it, the fake Rasa refuses a message without it.
CHANNEL_TOKEN = "rasa-channel-token_0123456789abcdefghij"
BOT_ID = 123456789
WAIT = 10.0  # seconds any test waits for something before it fails

# What Telegram's HTML parse mode refuses here: a tag other than <b>, a bare "&".
_BAD_HTML = re.compile(r"<(?!/?b>)|&(?!(lt|gt|amp|quot);)")

# Parameters the Bot API takes as JSON inside a form field.
_JSON_FIELDS = {
    "reply_markup",
    "allowed_updates",
    "commands",
    "link_preview_options",
    "reply_parameters",
    "entities",
    "scope",
}


@dataclass
class Call:
    """One request to the fake Bot API."""

    method: str
    params: dict[str, Any]
    at: float


@dataclass
class FakeTelegram:
    """The Bot API's methods the gateway uses, recorded; blocked chats and flood control."""

    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    # Method name -> how many more calls of it answer 429 "retry after" `flood_seconds`.
    flood: dict[str, int] = field(default_factory=dict)
    flood_seconds: int = 1
    down: bool = False
    refused: int = 0
    # How many more sendMessage calls fail with a 400 Telegram gives no reason for.
    failing_sends: int = 0
    pending: list[dict[str, Any]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _new_update: asyncio.Event = field(default_factory=asyncio.Event)
    # The loop serving the fake: tests may run it in another thread (tests/support/served.py).
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    _closing: bool = False

    def app(self) -> Starlette:
        """The fake as an ASGI app: `POST /bot<token>/<method>`."""
        return Starlette(routes=[Route("/bot{token}/{method}", self._endpoint, methods=["POST"])])

    def of(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every call of `method`, in order."""
        return [c.params for c in self.calls if c.method == method]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """The texts sent with sendMessage (to `chat_id` only, if given)."""
        return [
            p["text"]
            for p in self.of("sendMessage")
            if chat_id is None or int(p["chat_id"]) == chat_id
        ]

    def queue_update(self, update: dict[str, Any]) -> None:
        """Offer `update` to the next getUpdates."""
        self.pending.append(update)
        set_from_any_thread(self._new_update, self._loop)

    def close(self) -> None:
        """End a long poll still waiting (its client is gone), so the server stops at once."""
        self._closing = True
        set_from_any_thread(self._new_update, self._loop)

    async def wait_for(self, method: str, count: int = 1, timeout: float = WAIT) -> None:
        """Wait until `method` was called `count` times; fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while len(self.of(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{method} called {len(self.of(method))} times, not {count}")
            await asyncio.sleep(0.01)

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        if self.down:
            self.refused += 1
            return _error(502, "Bad Gateway")
        method = request.path_params["method"]
        params = await _params(request)
        self.calls.append(Call(method, params, time.monotonic()))
        if self.flood.get(method, 0) > 0:
            self.flood[method] -= 1
            return JSONResponse(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {self.flood_seconds}",
                    "parameters": {"retry_after": self.flood_seconds},
                },
                status_code=429,
            )
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        result = await handler(params)
        if isinstance(result, JSONResponse):
            return result
        return JSONResponse({"ok": True, "result": result})

    async def _getMe(self, params: dict[str, Any]) -> Any:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Trợ lý hỗ trợ",
            "username": "helpdesk_test_bot",
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        if self.failing_sends > 0:
            self.failing_sends -= 1
            return _error(400, "Bad Request: something went wrong")
        if chat_id in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if chat_id == 404:
            return _error(400, "Bad Request: chat not found")
        text = params.get("text", "")
        if params.get("parse_mode") == "HTML":
            if _BAD_HTML.search(text):
                return _error(400, "Bad Request: can't parse entities: unsupported start tag")
            text = html.unescape(re.sub(r"</?b>", "", text))
        if not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return _error(400, "Bad Request: message is too long")
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Lan"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý hỗ trợ"},
            "text": text,
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _sendChatAction(self, params: dict[str, Any]) -> Any:
        return True

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    async def _setMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    async def _setWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset", 0))
        self.pending = [u for u in self.pending if u["update_id"] >= offset]
        if not self.pending and not self._closing:
            self._loop = asyncio.get_running_loop()
            self._new_update.clear()
            wait = min(float(params.get("timeout", 0)), 0.5)
            try:
                await asyncio.wait_for(self._new_update.wait(), wait)
            except asyncio.TimeoutError:
                return []
        return self.pending[:100]


@dataclass
class FakeRasa:
    """Rasa's REST channel: records what it is sent (401 without CHANNEL_TOKEN, as the real
    one); `reply` makes the answer, `hang` stalls."""

    received: list[dict[str, Any]] = field(default_factory=list)
    reply: Callable[[dict[str, Any]], list[dict[str, Any]]] = field(default_factory=lambda: echo)
    hang: bool = False
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)

    def app(self) -> Starlette:
        """The fake as an ASGI app: `POST /webhooks/rest/webhook`."""
        return Starlette(routes=[Route("/webhooks/rest/webhook", self._webhook, methods=["POST"])])

    def release(self) -> None:
        """Let hanging requests finish (they answer 503)."""
        set_from_any_thread(self._release, self._loop)

    async def _webhook(self, request: Request) -> JSONResponse:
        if request.headers.get("Authorization") != f"Bearer {CHANNEL_TOKEN}":
            return JSONResponse({"error": "token"}, status_code=401)
        body = await request.json()
        self.received.append(body)
        if self.hang:
            self._loop = asyncio.get_running_loop()
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._release.wait(), WAIT)
            return JSONResponse({"error": "late"}, status_code=503)
        return JSONResponse(self.reply(body))


def echo(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Rasa answering with the message it got, and two buttons."""
    return [
        {
            "recipient_id": body["sender"],
            "text": f"Anh/chị hỏi: {body['message']}",
            "buttons": [
                {"title": "Tạo phiếu hỗ trợ", "payload": "/affirm"},
                {"title": "Không, cảm ơn", "payload": "/deny"},
            ],
        }
    ]


def set_from_any_thread(event: asyncio.Event, loop: asyncio.AbstractEventLoop | None) -> None:
    """Set `event`, waited on in `loop`: from that loop's thread directly, from others through it.

    asyncio's events may only be set in their loop's thread; set from another, the waiter wakes
    only when something else wakes that loop.
    """
    try:
        running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if loop is None or loop is running or loop.is_closed():
        event.set()
    else:
        with suppress(RuntimeError):  # the loop closed meanwhile: nobody waits any more
            loop.call_soon_threadsafe(event.set)


async def eventually(check: Callable[[], bool | Awaitable[bool]], timeout: float = WAIT) -> None:
    """Wait until `check()` is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not come true in time")
        await asyncio.sleep(0.01)


def _error(code: int, description: str) -> JSONResponse:
    return JSONResponse(
        {"ok": False, "error_code": code, "description": description}, status_code=code
    )


async def _params(request: Request) -> dict[str, Any]:
    raw = (await request.body()).decode("utf-8")
    if request.headers.get("content-type", "").startswith("application/json"):
        return dict(json.loads(raw or "{}"))
    params: dict[str, Any] = dict(parse_qsl(raw, keep_blank_values=True))
    for name in _JSON_FIELDS & params.keys():
        params[name] = json.loads(params[name])
    return params


# Updates as Telegram sends them.
_update_ids = itertools.count(10_000)


def user(user_id: int = 555, first: str = "Lan", last: str | None = "Nguyễn") -> dict[str, Any]:
    """A Telegram user."""
    found: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first}
    if last:
        found["last_name"] = last
    return found


def message_update(
    text: str | None = "quên mật khẩu",
    chat_id: int = 555,
    update_id: int | None = None,
    kind: str = "message",
    extra: dict[str, Any] | None = None,
    chat_type: str = "private",
    entities: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """An update with a message (`kind` "edited_message" for an edit) in a private chat."""
    message: dict[str, Any] = {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": chat_type, "first_name": "Lan"},
        "from": user(chat_id),
    }
    if chat_type != "private":
        message["chat"] = {"id": chat_id, "type": chat_type, "title": "Phòng"}
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if entities is not None:
        message["entities"] = entities
    if kind == "edited_message":
        message["edit_date"] = int(time.time())
    message.update(extra or {})
    return {"update_id": update_id if update_id is not None else next(_update_ids), kind: message}


def callback_update(
    data: str,
    chat_id: int = 555,
    update_id: int | None = None,
    keyboard: list[list[dict[str, Any]]] | None = None,
) -> dict[str, Any]:
    """An update with a press on an inline button carrying `data`."""
    message: dict[str, Any] = {
        "message_id": 7,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Lan"},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý hỗ trợ"},
        "text": "Anh/chị có muốn tạo phiếu không ạ?",
    }
    if keyboard is not None:
        message["reply_markup"] = {"inline_keyboard": keyboard}
    return {
        "update_id": update_id if update_id is not None else next(_update_ids),
        "callback_query": {
            "id": f"cb{next(_update_ids)}",
            "from": user(chat_id),
            "chat_instance": "42",
            "data": data,
            "message": message,
        },
    }


# Fixtures, imported by the conftest files of tests/channels/telegram and tests/gateway.


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API (not served yet)."""
    yield FakeTelegram()


@pytest.fixture
async def telegram_url(fake_telegram: FakeTelegram) -> AsyncIterator[str]:
    """The served fake Bot API's base URL for python-telegram-bot (`.../bot`)."""
    async with serving(fake_telegram.app()) as url:
        yield f"{url}/bot"
        fake_telegram.close()


@pytest.fixture
async def fake_rasa() -> AsyncIterator[FakeRasa]:
    """The fake Rasa server (not served yet); released at the end if it was hanging."""
    rasa = FakeRasa()
    yield rasa
    rasa.release()


@pytest.fixture
async def rasa_url(fake_rasa: FakeRasa) -> AsyncIterator[str]:
    """The served fake Rasa server's base URL."""
    async with serving(fake_rasa.app()) as url:
        yield url
        fake_rasa.release()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite store."""
    return migrated_sqlite(tmp_path / "helpdesk.db")


@pytest.fixture
def settings(telegram_url: str, rasa_url: str, sqlite_url: str) -> GatewaySettings:
    """Gateway settings pointing at the fakes, with a short Rasa timeout."""
    return GatewaySettings(
        rasa_channel_token=SecretStr(CHANNEL_TOKEN),
        telegram_token=SecretStr(TOKEN),
        telegram_webhook_secret=SecretStr(SECRET),
        telegram_base_url=telegram_url,
        rasa_url=rasa_url,
        rasa_timeout_seconds=1.0,
        database_url=sqlite_url,
    )


def fast_limiter() -> AIORateLimiter:
    """A limiter that lets tests send as fast as they like (still retrying flood control)."""
    return telegram_rate_limiter(overall_per_second=0, group_interval=0)


@dataclass
class Gateway:
    """A served gateway and a client for it."""

    url: str
    client: httpx.AsyncClient
    app: Starlette

    async def post_update(
        self, update: dict[str, Any], secret: str | None = SECRET
    ) -> httpx.Response:
        """POST `update` to the webhook with `secret` in the header (none if None)."""
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        return await self.client.post("/telegram", json=update, headers=headers)


@asynccontextmanager
async def running_gateway(app: Starlette) -> AsyncIterator[Gateway]:
    """Serve the gateway `app`; a client for it."""
    async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=WAIT) as client:
        yield Gateway(url, client, app)


@pytest.fixture
async def gateway(settings: GatewaySettings) -> AsyncIterator[Gateway]:
    """The gateway on the fakes, in webhook mode, served on a free port."""
    async with running_gateway(create_app(settings, rate_limiter=fast_limiter())) as served:
        yield served
