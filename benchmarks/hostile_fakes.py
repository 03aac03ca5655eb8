"""The outside world of the hostile campaign: a fake Rasa, a fake Telegram and a fake Zalo API.

Why it looks like this:
- The campaign asks what reached the assistant, so Rasa is replaced by a REST channel that
  records every message (sender, text, channel) and answers at once: what the gateway let
  through is then exactly what is in `received`, with no model to train or wait for.
- A legitimate escalation goes as in the real dialogue: a question gets a button whose payload
  is the intent `/gui_phieu`; pressing it (a signed choice the web chat turns back into the
  payload) opens a ticket through the assistant's own `escalate`, real `DeskClient` and outbox,
  under the idempotency key the actions use. So the desk's ticket count can be checked against
  the escalations the campaign made, none lost or doubled.
- Telegram and Zalo are on in the gateway only with a Bot API and an OA API to talk to; these
  answer the few methods the gateway calls, with Telegram's and Zalo's JSON shapes.
- One app, served in a thread with its own event loop (tests/support/served.py), so the fakes
  never compete with the campaign's client for its loop.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.escalation.client import DeskClient
from bot.escalation.connection import desk_client
from bot.escalation.delivery import escalate
from bot.escalation.outbox import Outbox
from bot.escalation.request import idempotency_key
from bot.messages import LOCAL
from bot.settings import DeskClientSettings
from bot.store import database as store

ASK = "câu hỏi hợp lệ"  # a legitimate question starts so; the fake offers the ticket button
ESCALATE = "/gui_phieu"  # the button's payload: only a pressed button may send it
BOT_ID = 123456789


@dataclass(frozen=True)
class Received:
    """One message that reached the fake Rasa."""

    sender: str
    text: str
    channel: str


@dataclass
class Outside:
    """The fakes' state: what reached Rasa, the tickets opened, what went out to officials."""

    desk_url: str
    desk_token: str
    outbox_file: Path
    received: list[Received] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)
    telegram_sent: int = 0
    zalo_sent: int = 0
    _client: DeskClient | None = None
    _outbox: Outbox | None = None

    def app(self) -> Starlette:
        """The three fakes as one ASGI app."""
        return Starlette(
            routes=[
                Route("/webhooks/rest/webhook", self._rasa, methods=["POST"]),
                Route("/bot{token}/{method}", self._telegram, methods=["POST"]),
                Route("/v3.0/oa/message/cs", self._zalo_message, methods=["POST"]),
                Route("/v4/oa/access_token", self._zalo_refresh, methods=["POST"]),
            ],
            lifespan=self._lifespan,
        )

    @asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        url = f"sqlite:///{self.outbox_file}"
        store.migrate(url)
        engine = store.make_engine(url)
        settings = DeskClientSettings(desk_url=self.desk_url, desk_token=SecretStr(self.desk_token))
        self._client, self._outbox = desk_client(settings), Outbox(engine)
        try:
            yield
        finally:
            await self._client.aclose()
            engine.dispose()

    async def _rasa(self, request: Request) -> JSONResponse:
        body = await request.json()
        sender, text = str(body.get("sender")), str(body.get("message"))
        channel = str((body.get("metadata") or {}).get("channel", LOCAL))
        self.received.append(Received(sender, text, channel))
        if text.startswith(ASK):
            button = {"title": "Gửi phiếu hỗ trợ", "payload": ESCALATE}
            return JSONResponse([{"recipient_id": sender, "text": "Đã nhận", "buttons": [button]}])
        if text == ESCALATE:
            return JSONResponse([{"recipient_id": sender, "text": await self._escalate(sender)}])
        return JSONResponse([{"recipient_id": sender, "text": "Đã nhận"}])

    async def _escalate(self, sender: str) -> str:
        assert self._client is not None and self._outbox is not None
        payload = {
            "summary": "Không đăng nhập được phần mềm quản lý văn bản",
            "content": "Cán bộ báo không đăng nhập được từ sáng nay.",
            "unit": "Sở Nội vụ",
            "requester": {"channel": "web", "user_id": sender},
            "phone": "0912345678",
            "software": "qlvb",
            "urgency": "normal",
        }
        key = idempotency_key("web", sender, f"{sender}-confirm")
        result = await escalate(payload, key, "web", sender, self._client, self._outbox)
        if result.ticket is None:
            self.queued.append(str(result.local_code))
            return f"Đã xếp hàng {result.local_code}"
        self.tickets.append(result.ticket.code)
        return f"Đã tạo phiếu {result.ticket.code}"

    async def _telegram(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        now = int(time.time())
        if method == "getMe":
            result: Any = {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý", "username": "b"}
        elif method == "sendMessage":
            self.telegram_sent += 1
            chat = {"id": 1, "type": "private"}  # the gateway reads no more of the answer
            result = {"message_id": self.telegram_sent, "date": now, "chat": chat, "text": "-"}
        else:  # setMyCommands, sendChatAction, deleteWebhook...: nothing to keep
            result = True
        return JSONResponse({"ok": True, "result": result})

    async def _zalo_message(self, request: Request) -> JSONResponse:
        self.zalo_sent += 1
        return JSONResponse({"error": 0, "message": "Success", "data": {"message_id": "m1"}})

    async def _zalo_refresh(self, request: Request) -> JSONResponse:
        token = f"access-{time.monotonic_ns()}"
        pair = {"access_token": token, "refresh_token": f"r{token}", "expires_in": "90000"}
        return JSONResponse(pair)
