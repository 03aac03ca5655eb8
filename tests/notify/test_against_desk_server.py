"""From a staff reply on the real desk, over real HTTP, to the official's web chat."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from bot.cli.main import main
from bot.escalation.client import DeskClient
from bot.escalation.retry import RetryPolicy
from bot.messages import LOCAL, Notifier
from bot.notify.feed import FeedWatcher
from bot.notify.local_inbox import LocalInbox
from bot.store.database import make_engine, migrate
from bot.webchat.app import create_app
from bot.webchat.sessions import TOKEN_HEADER, WebSessions
from bot.webchat.settings import WebChatSettings
from tests.support.desk_server import ASSISTANT, STAFF, DeskServer

SENDER = "web-0123456789abcdef01234567"
WEB = WebChatSettings(secret=SecretStr("s" * 43))


async def open_and_reply(url: str, text: str) -> str:
    """Open a ticket from the local web chat as the assistant, and reply to it as staff."""

    async def no_wait(seconds: float) -> None:
        return None

    body = {
        "summary": "Không ký số được văn bản đi",
        "content": "Người dùng: ký số báo lỗi chứng thư",
        "unit": "UBND xã Quảng Phú",
        "requester": {"channel": LOCAL, "user_id": SENDER},
        "phone": "0912345678",
        "software": "kyso",
    }
    assistant = httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {ASSISTANT}"})
    async with assistant:
        client = DeskClient(assistant, RetryPolicy(attempts=2, sleep=no_wait))
        ticket = await client.create_ticket(body, "escalation-web-0001")
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {STAFF}"}
    ) as staff:
        reply = await staff.post(
            f"/api/v1/tickets/{ticket.code}/replies", json={"author": "Cán bộ B", "text": text}
        )
        assert reply.status_code == 201
        status = await staff.post(
            f"/api/v1/tickets/{ticket.code}/status",
            json={"status": "waiting_official", "author": "Cán bộ B"},
        )
        assert status.status_code == 200
    return ticket.code


def web_inbox(inbox: LocalInbox, after: int = 0) -> dict[str, Any]:
    rasa = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    token = WebSessions(WEB.secret.get_secret_value()).token_for(SENDER)
    with TestClient(create_app(http=rasa, inbox=inbox, web=WEB)) as web:
        response = web.get(
            "/api/inbox", params={"sender": SENDER, "after": after}, headers={TOKEN_HEADER: token}
        )
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_a_staff_reply_reaches_the_web_chat(desk_server: DeskServer, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'helpdesk.db'}"
    migrate(url)
    engine = make_engine(url)
    inbox = LocalInbox(engine)
    code = asyncio.run(open_and_reply(desk_server.url, "Anh/chị cài lại chứng thư số giúp em nhé."))

    async def poll() -> None:
        async with httpx.AsyncClient(
            base_url=desk_server.url, headers={"Authorization": f"Bearer {ASSISTANT}"}
        ) as http:
            watcher = FeedWatcher(DeskClient(http), Notifier({LOCAL: inbox}), engine)
            report = await watcher.poll_once()
            assert (report.seen, report.sent, report.stopped) == (3, 2, None)

    asyncio.run(poll())

    body = web_inbox(inbox)
    reply, status = body["messages"]
    assert reply["text"] == (
        f"Cán bộ hỗ trợ đã trả lời phiếu {code} (Không ký số được văn bản đi): "
        "Anh/chị cài lại chứng thư số giúp em nhé."
    )
    assert "Chờ anh/chị phản hồi" in status["text"]
    assert body["last"] == status["id"]
    assert web_inbox(inbox, after=status["id"]) == {"messages": [], "last": status["id"]}
    engine.dispose()


def test_the_notifier_command_delivers_from_the_real_desk(
    desk_server: DeskServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'helpdesk.db'}"
    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)
    monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
    monkeypatch.setenv("HELPDESK_DESK_URL", desk_server.url)
    monkeypatch.setenv("HELPDESK_DESK_TOKEN", ASSISTANT)
    asyncio.run(open_and_reply(desk_server.url, "Đã cấp lại chứng thư."))

    assert main(["notifier", "--once"]) == 0
    assert main(["notifier", "--once"]) == 0  # the cursor is kept: nothing is sent twice

    engine = make_engine(url)
    texts = [m.text for m in LocalInbox(engine).fetch(SENDER)]
    engine.dispose()
    assert len(texts) == 2
    assert texts[0].endswith(": Đã cấp lại chứng thư.")
