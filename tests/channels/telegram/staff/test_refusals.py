"""Who may not act, what is ignored, and bad input in the staff group: answered, nothing changed."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.texts import texts
from tests.channels.telegram.fakes import (
    FakeRasa,
    FakeTelegram,
    Gateway,
    fast_limiter,
    message_update,
    running_gateway,
)
from tests.channels.telegram.staff.fakes import (
    OUTSIDER,
    PUBLIC_URL,
    STAFF,
    STAFF_CHAT,
    STAFF_TOKEN,
    bot_message,
    button_update,
    desk_changes,
    group_update,
    open_ticket,
    read_ticket,
    said,
)
from tests.support.desk_server import ASSISTANT, DeskServer

STAFF_TEXTS = texts("bot.channels.telegram").section("staff")


@pytest.fixture
def staff_desk(shared_desk: DeskServer) -> DeskServer:
    """One desk for the module: each test opens its own ticket and looks only at that one."""
    return shared_desk


def with_code(update: dict[str, Any], code: str) -> dict[str, Any]:
    """`update` with its "{code}" placeholders replaced by `code`."""
    return dict(json.loads(json.dumps(update).replace("{code}", code)))


STICKER = {
    "sticker": {
        "file_id": "s",
        "file_unique_id": "s",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
}


async def assert_untouched(url: str, code: str) -> None:
    """The ticket is as the assistant opened it: new, no notes, nothing on the feed but that."""
    ticket = await read_ticket(url, code)
    assert (ticket.status, ticket.notes) == ("new", ())
    assert [c.kind for c in await desk_changes(url, code)] == ["created"]


@pytest.mark.parametrize(
    "text",
    [
        "/traloi {code} Tôi trả lời thay",
        "/nhan {code}",
        "/trangthai {code} đã giải quyết",
        "/dong {code}",
        "Tôi trả lời thay",  # as a reply to the ticket's message
    ],
)
async def test_an_outsider_in_the_group_is_refused_and_nothing_changes(
    staff_gateway: Gateway,
    staff_env: DeskServer,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
    caplog: pytest.LogCaptureFixture,
    text: str,
) -> None:
    code = await open_ticket(staff_env.url)
    posted = bot_message(f"🆕 Phiếu mới {code}")

    with caplog.at_level(logging.DEBUG, logger="bot"):
        await staff_gateway.post_update(
            group_update(text.format(code=code), user_id=OUTSIDER, reply_to=posted)
        )

    assert said(fake_telegram) == [STAFF_TEXTS["not_staff"]]
    await assert_untouched(staff_env.url, code)
    assert fake_rasa.received == []
    assert "refused" in caplog.text
    assert str(OUTSIDER) not in caplog.text and STAFF_TOKEN not in caplog.text


async def test_an_outsiders_button_press_is_refused_and_nothing_changes(
    staff_gateway: Gateway, staff_env: DeskServer, fake_telegram: FakeTelegram
) -> None:
    code = await open_ticket(staff_env.url)

    await staff_gateway.post_update(button_update(f"staff:claim:{code}", user_id=OUTSIDER))

    [answer] = fake_telegram.of("answerCallbackQuery")
    assert answer["text"] == STAFF_TEXTS["not_staff"]
    assert answer["show_alert"] in (True, "true")
    assert fake_telegram.of("sendMessage") == []
    await assert_untouched(staff_env.url, code)


@pytest.mark.parametrize(
    "update",
    [
        group_update("/nhan {code}", chat_type="private", chat_id=STAFF),
        group_update("/dong {code}", chat_id=-100999),
        button_update("staff:claim:{code}", message=bot_message("{code}", chat_id=STAFF)),
    ],
    ids=["private chat", "another group", "button elsewhere"],
)
async def test_staff_actions_outside_the_staff_group_are_refused(
    staff_gateway: Gateway,
    staff_env: DeskServer,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
    update: dict[str, Any],
) -> None:
    code = await open_ticket(staff_env.url)
    update = with_code(update, code)
    if "callback_query" in update:
        update["callback_query"]["message"]["chat"] = {"id": STAFF, "type": "private"}

    await staff_gateway.post_update(update)

    await assert_untouched(staff_env.url, code)
    assert fake_rasa.received == []
    if "callback_query" in update:
        assert fake_telegram.of("answerCallbackQuery")[0]["text"] == STAFF_TEXTS["not_staff"]
    else:
        assert said(fake_telegram, int(update["message"]["chat"]["id"])) == [
            STAFF_TEXTS["elsewhere"]
        ]


@pytest.mark.parametrize(
    "update",
    [
        group_update("Chào cả nhà, chiều nay họp lúc 3 giờ nhé"),
        group_update("Mình nghỉ phép hôm nay", user_id=OUTSIDER),
        group_update(
            "Ok anh",
            reply_to={
                **bot_message("{code}"),
                "from": {"id": 1, "is_bot": False, "first_name": "An"},
            },
        ),
        group_update(None, extra=STICKER),
        group_update("/start@another_bot"),
        {
            **group_update("/nhan {code}"),
            "edited_message": group_update("/nhan {code}")["message"],
        },
    ],
    ids=["chatter", "outsider chatter", "reply to a colleague", "sticker", "other bot", "edited"],
)
async def test_ordinary_talk_in_the_group_is_ignored_and_never_reaches_rasa(
    staff_gateway: Gateway,
    staff_env: DeskServer,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
    update: dict[str, Any],
) -> None:
    code = await open_ticket(staff_env.url)
    update = with_code(update, code)
    if "edited_message" in update:
        del update["message"]

    response = await staff_gateway.post_update(update)

    assert response.json()["outcome"] == "handled"
    assert fake_telegram.of("sendMessage") == []
    assert fake_rasa.received == []
    await assert_untouched(staff_env.url, code)


async def test_other_commands_in_the_group_get_the_staff_help(
    staff_gateway: Gateway, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    await staff_gateway.post_update(group_update("/help"))
    await staff_gateway.post_update(group_update("/hotro@helpdesk_test_bot", user_id=OUTSIDER))

    assert said(fake_telegram) == [STAFF_TEXTS["help"]] * 2
    assert fake_rasa.received == []


@pytest.mark.parametrize(
    ("text", "reply_to", "answer", "values"),
    [
        ("/traloi", None, "no_code", {"example": STAFF_TEXTS["examples"]["traloi"]}),
        ("/traloi {code}", None, "no_text", {}),
        ("/traloi {code}    ", None, "no_text", {}),
        ("/traloi {code} " + "dài " * 1001, None, "too_long", {"limit": 4000}),
        ("/traloi HT-999999 Xin chào", None, "not_found", {"code": "HT-999999"}),
        ("/nhan", None, "no_code", {"example": STAFF_TEXTS["examples"]["nhan"]}),
        ("/dong HT-abc", None, "no_code", {"example": STAFF_TEXTS["examples"]["dong"]}),
        ("/trangthai {code}", None, "no_status", {}),
        ("/trangthai {code} bay lên trời", None, "unknown_status", {"given": "bay lên trời"}),
        ("/trangthai", None, "no_code", {"example": STAFF_TEXTS["examples"]["trangthai"]}),
        ("Em xem rồi", "Các lệnh của cán bộ hỗ trợ", "no_ticket_in_reply", {}),
        (None, "🆕 Phiếu mới {code}", "not_text", {"link": f"{PUBLIC_URL}/desk/tickets/{{code}}"}),
    ],
)
async def test_bad_input_is_explained_and_changes_nothing(
    staff_gateway: Gateway,
    staff_env: DeskServer,
    fake_telegram: FakeTelegram,
    text: str | None,
    reply_to: str | None,
    answer: str,
    values: dict[str, Any],
) -> None:
    code = await open_ticket(staff_env.url)
    posted = bot_message(reply_to.format(code=code)) if reply_to else None
    extra = STICKER if text is None else None
    filled = text.format(code=code) if text is not None else None

    await staff_gateway.post_update(group_update(filled, reply_to=posted, extra=extra))

    values = {name: str(value).format(code=code) for name, value in values.items()}
    assert said(fake_telegram) == [STAFF_TEXTS[answer].format(**values)]
    await assert_untouched(staff_env.url, code)


async def test_a_misconfigured_staff_group_is_off_and_the_officials_side_still_works(
    monkeypatch: pytest.MonkeyPatch,
    settings: GatewaySettings,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("HELPDESK_TELEGRAM_STAFF_CHAT_ID", str(STAFF_CHAT))
    monkeypatch.delenv("HELPDESK_DESK_STAFF_TOKEN", raising=False)

    with caplog.at_level(logging.ERROR, logger="bot"):
        app = create_app(settings, rate_limiter=fast_limiter())
    async with running_gateway(app) as gateway:
        await gateway.post_update(message_update("quên mật khẩu", chat_id=555))
        await gateway.post_update(group_update("/nhan HT-000001"))

    assert "HELPDESK_DESK_STAFF_TOKEN" in caplog.text
    assert [b["message"] for b in fake_rasa.received] == ["quên mật khẩu"]
    assert said(fake_telegram) == [texts("bot.channels.telegram").say("private_only")]


async def test_a_desk_token_without_the_staff_role_is_explained_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
    staff_env: DeskServer,
    settings: GatewaySettings,
    fake_telegram: FakeTelegram,
    caplog: pytest.LogCaptureFixture,
) -> None:
    code = await open_ticket(staff_env.url)
    monkeypatch.setenv("HELPDESK_DESK_STAFF_TOKEN", ASSISTANT)  # the assistant's role only

    with caplog.at_level(logging.ERROR, logger="bot"):
        async with running_gateway(create_app(settings, rate_limiter=fast_limiter())) as gateway:
            await gateway.post_update(group_update(f"/dong {code}"))

    assert said(fake_telegram) == [STAFF_TEXTS["desk_forbidden"]]
    assert "refused the staff token (HTTP 403)" in caplog.text and ASSISTANT not in caplog.text
    await assert_untouched(staff_env.url, code)


async def test_a_button_without_a_ticket_code_is_explained(
    staff_gateway: Gateway, fake_telegram: FakeTelegram
) -> None:
    await staff_gateway.post_update(button_update("staff:claim:?"))

    assert len(fake_telegram.of("answerCallbackQuery")) == 1
    assert said(fake_telegram) == [STAFF_TEXTS["expired_button"]]
