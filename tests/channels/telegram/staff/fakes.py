"""The support staff's group for tests: its updates as Telegram sends them, and the real desk.

The gateway reads the staff group's settings from the environment (`staff_env`); tickets are
opened on the real desk server as the assistant opens them, and read back with its API.
"""

from __future__ import annotations

import html
import itertools
import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.escalation.client import Change, DeskClient, Ticket
from bot.escalation.retry import RetryPolicy
from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from tests.channels.telegram.fakes import (
    BOT_ID,
    FakeTelegram,
    Gateway,
    fast_limiter,
    running_gateway,
    user,
)
from tests.support import desk_server
from tests.support.desk_server import ASSISTANT, DeskServer

# The real desk's staff token, exported under this name: STAFF here is a Telegram user id.
STAFF_TOKEN = desk_server.STAFF
STAFF_CHAT = -1001234567890
STAFF, OTHER_STAFF, OUTSIDER = 7010203, 7020304, 9990807
STAFF_NAME = "Minh Trần"
PUBLIC_URL = "https://hotro.example.gov.vn"
OFFICIAL_CHAT = 5550607
PHONE = "0912345678"

_ids = itertools.count(50_000)


def staff_user(user_id: int = STAFF) -> dict[str, Any]:
    """A member of the staff group: Minh Trần, or someone else for other ids."""
    return user(user_id, "Minh", "Trần") if user_id == STAFF else user(user_id, "Khách", None)


def bot_message(text: str, chat_id: int = STAFF_CHAT, message_id: int = 42) -> dict[str, Any]:
    """A message the bot sent to the group, as Telegram shows it in a reply or a button press."""
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "supergroup", "title": "Tổ hỗ trợ"},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Trợ lý hỗ trợ"},
        "text": text,
    }


def group_update(
    text: str | None,
    user_id: int = STAFF,
    chat_id: int = STAFF_CHAT,
    reply_to: dict[str, Any] | None = None,
    chat_type: str = "supergroup",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An update with a message in the staff group (or `chat_id`), a command if it starts "/"."""
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type, "title": "Tổ hỗ trợ"}
    if chat_type == "private":
        chat = {"id": chat_id, "type": "private", "first_name": "Minh"}
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": chat,
        "from": staff_user(user_id),
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    message.update(extra or {})
    return {"update_id": next(_ids), "message": message}


def button_update(
    data: str, user_id: int = STAFF, message: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An update with a press, by `user_id`, on a button of the bot's message in the group."""
    pressed = message or bot_message("🆕 Phiếu mới HT-000001")
    pressed = {
        **pressed,
        "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": data}]]},
    }
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": f"cb{next(_ids)}",
            "from": staff_user(user_id),
            "chat_instance": "77",
            "data": data,
            "message": pressed,
        },
    }


def said(fake: FakeTelegram, chat_id: int = STAFF_CHAT) -> list[str]:
    """What the bot wrote to `chat_id`, as people read it (HTML tags and escapes undone)."""
    return [html.unescape(re.sub(r"</?b>", "", text)) for text in fake.texts(chat_id)]


def desk_client(url: str, token: str = ASSISTANT) -> DeskClient:
    """A client of the real desk, trying each call once."""
    http = httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"})
    return DeskClient(http, RetryPolicy(attempts=1))


async def open_ticket(
    url: str, number: int = 1, channel: str = "telegram", user_id: str = f"telegram-{OFFICIAL_CHAT}"
) -> str:
    """Open a ticket on the desk as the assistant does for an official; its code."""
    body = {
        "summary": f"Không ký số được văn bản đi ({number})",
        "content": f"Người dùng: ký số báo lỗi chứng thư, gọi {PHONE}",
        "unit": "UBND xã Quảng Phú",
        "requester": {"channel": channel, "user_id": user_id},
        "phone": PHONE,
        "software": "kyso",
        "urgency": "urgent",
    }
    client = desk_client(url)
    try:
        return (await client.create_ticket(body, f"escalation-{uuid.uuid4().hex}")).code
    finally:
        await client.aclose()


async def read_ticket(url: str, code: str) -> Ticket:
    """The ticket as the desk has it now."""
    client = desk_client(url)
    try:
        return await client.get_ticket(code)
    finally:
        await client.aclose()


async def desk_changes(url: str, code: str) -> list[Change]:
    """Every change of ticket `code` on the desk's feed."""
    client = desk_client(url)
    try:
        changes = await client.changes(after=0, limit=500)
        return [change for change in changes if change.code == code]
    finally:
        await client.aclose()


@pytest.fixture
def shared_desk(desk_server: DeskServer) -> DeskServer:
    """The session's desk, emptied for each test (once one desk per module, kept between tests)."""
    return desk_server


@pytest.fixture
def staff_desk(desk_server: DeskServer) -> DeskServer:
    """The desk the staff group acts on: the session's desk, as a fresh one for each test."""
    return desk_server


@pytest.fixture
def staff_env(monkeypatch: pytest.MonkeyPatch, staff_desk: DeskServer) -> DeskServer:
    """The staff group's settings in the environment, on the real desk server."""
    desk_server = staff_desk
    monkeypatch.setenv("HELPDESK_TELEGRAM_STAFF_CHAT_ID", str(STAFF_CHAT))
    monkeypatch.setenv("HELPDESK_TELEGRAM_STAFF_IDS", f"{STAFF}, {OTHER_STAFF}")
    monkeypatch.setenv("HELPDESK_DESK_URL", desk_server.url)
    monkeypatch.setenv("HELPDESK_DESK_STAFF_TOKEN", STAFF_TOKEN)
    monkeypatch.setenv("HELPDESK_DESK_PUBLIC_URL", PUBLIC_URL)
    return desk_server


@pytest.fixture
async def staff_gateway(staff_env: DeskServer, settings: GatewaySettings) -> AsyncIterator[Gateway]:
    """The gateway on the fakes with the staff group on, in webhook mode."""
    async with running_gateway(create_app(settings, rate_limiter=fast_limiter())) as served:
        yield served
