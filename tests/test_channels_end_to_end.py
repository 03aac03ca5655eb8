"""Officials on Telegram and Zalo, through `helpdesk run` and the trained model, over real HTTP.

One `helpdesk run` serves the module: Telegram by long polling against the fake Bot API, Zalo
through the gateway's webhook against the fake OA API, both fakes served on local ports.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.kb.loader import KnowledgeBase
from tests.channels.telegram.fakes import (
    SECRET,
    TOKEN,
    FakeTelegram,
    callback_update,
    message_update,
)
from tests.channels.telegram.staff.fakes import STAFF, STAFF_CHAT, bot_message, group_update, said
from tests.channels.zalo.conftest import OA_SECRET, USER, signed, text_event
from tests.channels.zalo.fake_zalo import APP_ID, APP_SECRET, FakeZalo, served
from tests.support.running import Running, helpdesk_run

pytestmark = pytest.mark.slow

OFFICIAL = 7001  # the official's Telegram chat


@dataclass
class Channels:
    """The running assistant and the fake channel servers it talks to."""

    run: Running
    telegram: FakeTelegram
    zalo: FakeZalo


@pytest.fixture(scope="module")
def channels(
    root: Path, model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Channels]:
    """`helpdesk run` with Telegram and Zalo configured from the environment, as an office would."""
    telegram, zalo = FakeTelegram(), FakeZalo()
    access, refresh = zalo.issue()
    with served(telegram) as telegram_url, served(zalo) as zalo_url:
        env = {
            "HELPDESK_TELEGRAM_TOKEN": TOKEN,
            "HELPDESK_TELEGRAM_WEBHOOK_SECRET": SECRET,
            "HELPDESK_TELEGRAM_BASE_URL": f"{telegram_url}/bot",
            "HELPDESK_TELEGRAM_STAFF_CHAT_ID": str(STAFF_CHAT),
            "HELPDESK_TELEGRAM_STAFF_IDS": str(STAFF),
            "HELPDESK_ZALO_APP_ID": APP_ID,
            "HELPDESK_ZALO_OA_SECRET_KEY": OA_SECRET,
            "HELPDESK_ZALO_APP_SECRET_KEY": APP_SECRET,
            "HELPDESK_ZALO_ACCESS_TOKEN": access,
            "HELPDESK_ZALO_REFRESH_TOKEN": refresh,
            "HELPDESK_ZALO_API_BASE_URL": zalo_url,
            "HELPDESK_ZALO_OAUTH_BASE_URL": zalo_url,
        }
        with helpdesk_run(root, tmp_path_factory.mktemp("state"), env) as run:
            yield Channels(run, telegram, zalo)


def eventually(check: Callable[[], Any], timeout: float = 60) -> Any:
    """The first true value of `check()`; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("nothing came in time")


# What shows that a turn's messages are all in: a test of the messages of that turn so far.
Done = Callable[[list[dict[str, Any]]], bool]


def anything(messages: list[dict[str, Any]]) -> bool:
    return True


def with_buttons(messages: list[dict[str, Any]]) -> bool:
    return "reply_markup" in messages[-1]


def offers(title: str) -> Done:
    """The last message has a button `title`."""

    def done(messages: list[dict[str, Any]]) -> bool:
        keyboard = messages[-1].get("reply_markup", {}).get("inline_keyboard", [])
        return any(button["text"] == title for row in keyboard for button in row)

    return done


def naming_a_ticket(messages: list[dict[str, Any]]) -> bool:
    return re.search(r"HT-[0-9]{6}", " ".join(m["text"] for m in messages)) is not None


def sent_to(telegram: FakeTelegram, chat_id: int, after: int) -> list[dict[str, Any]]:
    """The sendMessage calls to `chat_id` after the first `after` of them."""
    return [p for p in telegram.of("sendMessage") if int(p["chat_id"]) == chat_id][after:]


def test_a_telegram_question_is_answered_with_inline_buttons_that_work(
    channels: Channels, knowledge_base: KnowledgeBase
) -> None:
    telegram = channels.telegram
    before = len(sent_to(telegram, OFFICIAL, 0))

    telegram.queue_update(message_update("Tôi quên mật khẩu phần mềm quản lý văn bản", OFFICIAL))

    def answer_with_buttons() -> list[dict[str, Any]] | None:
        replies = sent_to(telegram, OFFICIAL, before)
        return replies if replies and "reply_markup" in replies[-1] else None

    replies = eventually(answer_with_buttons)
    title = knowledge_base.articles["qlvb.quen_mat_khau"].title
    assert replies[0]["text"].startswith(html.escape(title, quote=False))
    keyboard = replies[-1]["reply_markup"]["inline_keyboard"]
    data = [button["callback_data"] for row in keyboard for button in row]
    assert len(data) == 2

    answered = len(telegram.of("answerCallbackQuery"))
    telegram.queue_update(callback_update(data[0], OFFICIAL, keyboard=keyboard))

    eventually(lambda: len(telegram.of("answerCallbackQuery")) > answered)
    thanks = eventually(lambda: sent_to(telegram, OFFICIAL, before + len(replies)))
    assert "cảm ơn" in thanks[0]["text"].lower()


def test_a_zalo_question_typed_without_diacritics_is_answered(
    channels: Channels, knowledge_base: KnowledgeBase
) -> None:
    raw, signature = signed(text_event("may tinh khong nhan usb token", "e2e-zalo-1"))

    response = httpx.post(
        f"http://127.0.0.1:{channels.run.chat}/zalo",
        content=raw,
        headers={"X-ZEvent-Signature": signature},
        timeout=30,
    )

    assert response.status_code == 200
    texts = eventually(lambda: channels.zalo.texts_to(USER))
    title = knowledge_base.articles["kyso.khong_nhan_token"].title
    assert texts[0].startswith(title)
    # The feedback question comes as numbered choices the official can answer by number.
    feedback = eventually(lambda: [t for t in channels.zalo.texts_to(USER) if "1." in t])
    assert "2." in feedback[-1]


def test_an_escalation_on_telegram_is_answered_from_the_staff_group(channels: Channels) -> None:
    telegram, official = channels.telegram, 7002

    def turn(update: dict[str, Any], until: Done = anything) -> list[dict[str, Any]]:
        """Send `update`; the bot's messages since, once they show the turn is `until` done.

        Telegram allows one message a second per chat, so a turn's messages trickle in; the
        gateway handles a chat's updates in order, so one still on its way comes before the
        next turn's, and the next turn waits for its own last message.
        """
        before = len(sent_to(telegram, official, 0))
        telegram.queue_update(update)

        def done() -> list[dict[str, Any]] | None:
            messages = sent_to(telegram, official, before)
            return messages if messages and until(messages) else None

        found: list[dict[str, Any]] = eventually(done)
        return found

    def press(messages: list[dict[str, Any]], title: str, until: Done) -> list[dict[str, Any]]:
        keyboard = messages[-1]["reply_markup"]["inline_keyboard"]
        [data] = [b["callback_data"] for row in keyboard for b in row if b["text"] == title]
        return turn(callback_update(data, official, keyboard=keyboard), until)

    turn(message_update("máy tính không nhận usb token ký số", official))
    offer = turn(message_update("cho tôi gặp cán bộ hỗ trợ", official), offers("Tạo phiếu hỗ trợ"))
    software = press(offer, "Tạo phiếu hỗ trợ", offers("Chữ ký số"))
    proposed = press(software, "Chữ ký số", with_buttons)
    keyboard = proposed[-1]["reply_markup"]["inline_keyboard"]
    turn(callback_update(keyboard[0][0]["callback_data"], official, keyboard=keyboard))
    turn(message_update("UBND xã Tân Phú", official))
    summary = turn(message_update("0912 345 678", official), offers("Gửi phiếu"))
    created = press(summary, "Gửi phiếu", naming_a_ticket)
    code = re.search(r"HT-[0-9]{6}", " ".join(m["text"] for m in created))
    assert code is not None, created

    # The notifier posts the new ticket to the staff group, without the phone number.
    post = eventually(lambda: [t for t in said(telegram, STAFF_CHAT) if code.group() in t])[0]
    assert "UBND xã Tân Phú" in post and "0912" not in post

    before = len(sent_to(telegram, official, 0))
    reply = "Anh/chị rút token ra, cắm sang cổng USB khác rồi cài lại driver giúp em ạ."
    telegram.queue_update(group_update(reply, reply_to=bot_message(post)))

    notices = eventually(
        lambda: [m for m in sent_to(telegram, official, before) if "cổng USB khác" in m["text"]]
    )
    assert code.group() in html.unescape(notices[0]["text"])
