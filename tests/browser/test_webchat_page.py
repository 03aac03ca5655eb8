"""The web chat in Chromium, served by the real gateway: typing, buttons, and a staff reply.

Rasa is a fake speaking its REST channel's format (tests/channels/telegram/fakes.py): what the
browser proves is the page (what it shows, what it sends back for a button, what it polls),
not the model's answers, which the slow tier's end-to-end tests prove. The staff reply takes
the real path: the desk server's staff page, the notifier's round, the gateway's store.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect
from pydantic import SecretStr

from bot.escalation.client import DeskClient
from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.messages import LOCAL
from bot.notify.feed import FeedWatcher
from bot.notify.worker import build_notifier
from bot.store.database import make_engine
from bot.texts import texts
from bot.webchat.settings import WebChatSettings
from tests.browser.conftest import StaffAccount, new_page
from tests.browser.desk_page import DeskPage
from tests.channels.telegram.fakes import CHANNEL_TOKEN, FakeRasa
from tests.support.desk_server import ASSISTANT, DeskServer
from tests.support.served import serving

pytestmark = pytest.mark.slow

WEB = texts("bot.chat").section("web")
NOTICES = texts("bot.notify")
OFFER = "Anh/chị có muốn tạo phiếu hỗ trợ để cán bộ giúp không ạ?"
BUTTONS = [("Tạo phiếu hỗ trợ", "/affirm"), ("Không, cảm ơn", "/deny")]
TAKEN = "Em đã ghi nhận yêu cầu, cán bộ hỗ trợ sẽ trả lời anh/chị tại đây."


def offer_then_take(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Rasa offering a ticket with two buttons, and taking it when the first is pressed."""
    if body["message"] == "/affirm":
        return [{"recipient_id": body["sender"], "text": TAKEN}]
    buttons = [{"title": title, "payload": payload} for title, payload in BUTTONS]
    return [{"recipient_id": body["sender"], "text": OFFER, "buttons": buttons}]


@pytest.fixture
async def gateway(fake_rasa: FakeRasa, rasa_url: str, sqlite_url: str) -> AsyncIterator[str]:
    """The gateway (Telegram and Zalo off) on the fake Rasa and a migrated store; its URL."""
    fake_rasa.reply = offer_then_take
    settings = GatewaySettings(
        rasa_url=rasa_url,
        database_url=sqlite_url,
        rasa_channel_token=SecretStr(CHANNEL_TOKEN),
    )
    web = WebChatSettings(secret=SecretStr("web-chat-secret-for-the-browser-tests-0123456789"))
    async with serving(create_app(settings, web=web)) as url:
        yield url


async def sender_of(page: Page) -> str:
    """The sender id the page was given by the server and keeps in localStorage."""
    found = await page.wait_for_function("() => localStorage.getItem('helpdesk.sender')")
    return str(await found.json_value())


async def open_ticket_for(url: str, sender: str, summary: str) -> str:
    """A ticket on the desk for the official on the web chat, as the assistant opens it."""
    body = {
        "summary": summary,
        "content": f"Người dùng: {summary.lower()}",
        "unit": "UBND xã Quảng Phú",
        "requester": {"channel": LOCAL, "user_id": sender},
        "phone": "0912345678",
        "software": "kyso",
    }
    headers = {"Authorization": f"Bearer {ASSISTANT}", "Idempotency-Key": "browser-web-1"}
    async with httpx.AsyncClient(base_url=url, timeout=10) as desk:
        response = await desk.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


async def notifier_round(url: str, store: str) -> None:
    """One round of the notifier: the desk's one staff reply told to its official."""
    engine = make_engine(store)
    headers = {"Authorization": f"Bearer {ASSISTANT}"}
    try:
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10) as http:
            watcher = FeedWatcher(DeskClient(http), build_notifier(engine), engine)
            report = await watcher.poll_once()
        assert (report.sent, report.stopped) == (1, None), report
    finally:
        engine.dispose()


async def test_an_official_types_a_question_and_presses_a_button(
    page: Page, gateway: str, fake_rasa: FakeRasa
) -> None:
    await page.goto(gateway)
    await page.get_by_placeholder(WEB["placeholder"]).fill("ký số báo lỗi chứng thư")
    await page.get_by_role("button", name=WEB["send"], exact=True).click()

    replies = page.locator(".msg.bot")
    await expect(replies).to_have_count(1)
    await expect(replies.first).to_contain_text(OFFER)
    buttons = replies.first.get_by_role("button")
    await expect(buttons).to_have_text([title for title, _ in BUTTONS])

    await buttons.first.click()

    await expect(page.locator(".msg.user")).to_have_text(["ký số báo lỗi chứng thư", BUTTONS[0][0]])
    await expect(replies).to_have_count(2)
    await expect(replies.last).to_have_text(TAKEN)
    sender = await sender_of(page)
    local = {"channel": "local"}  # what the page tells Rasa of every message
    assert fake_rasa.received == [
        {"sender": sender, "message": "ký số báo lỗi chứng thư", "metadata": local},
        {"sender": sender, "message": "/affirm", "metadata": local},
    ]


async def test_a_staff_reply_on_the_desk_arrives_in_the_open_page(
    page: Page,
    browser: Browser,
    gateway: str,
    sqlite_url: str,
    desk_server: DeskServer,
    staff: StaffAccount,
) -> None:
    await page.goto(gateway)
    summary = "Ký số báo lỗi chứng thư"
    code = await open_ticket_for(desk_server.url, await sender_of(page), summary)
    answer = "Anh/chị cài lại chứng thư số theo hướng dẫn em gửi kèm giúp em nhé."
    desk = DeskPage(await new_page(browser), desk_server.url)
    await desk.sign_in(staff.login, staff.password)
    await desk.open_ticket(code)
    await desk.reply(answer)

    await notifier_round(desk_server.url, sqlite_url)

    notice = NOTICES.say("reply", code=code, summary=summary, text=answer)
    await expect(page.locator(".msg.bot")).to_have_text([notice])
