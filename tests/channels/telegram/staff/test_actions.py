"""Support staff act on tickets from their Telegram group, over real HTTP to the real desk."""

from __future__ import annotations

import logging

import pytest

from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.texts import texts
from tests.channels.telegram.fakes import (
    FakeRasa,
    FakeTelegram,
    Gateway,
    fast_limiter,
    running_gateway,
)
from tests.channels.telegram.staff.fakes import (
    OTHER_STAFF,
    STAFF,
    STAFF_CHAT,
    STAFF_NAME,
    STAFF_TOKEN,
    bot_message,
    button_update,
    desk_changes,
    group_update,
    open_ticket,
    read_ticket,
    said,
)
from tests.support.desk_server import DeskServer

STAFF_TEXTS = texts("bot.channels.telegram").section("staff")


@pytest.fixture
def staff_desk(shared_desk: DeskServer) -> DeskServer:
    """One desk for the module: each test opens its own ticket and looks only at that one."""
    return shared_desk


async def test_a_reply_to_the_ticket_message_is_a_reply_on_the_desk_in_the_staff_name(
    staff_gateway: Gateway,
    staff_env: DeskServer,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
    caplog: pytest.LogCaptureFixture,
) -> None:
    code = await open_ticket(staff_env.url)
    posted = bot_message(f"🆕 Phiếu mới {code}\nTrích yếu: Không ký số được")
    update = group_update("Anh/chị cài lại chứng thư số\ngiúp em nhé.", reply_to=posted)

    with caplog.at_level(logging.DEBUG, logger="bot"):
        response = await staff_gateway.post_update(update)

    assert response.json() == {"ok": True, "outcome": "handled"}
    ticket = await read_ticket(staff_env.url, code)
    assert [(n.author, n.text) for n in ticket.notes] == [
        (STAFF_NAME, "Anh/chị cài lại chứng thư số\ngiúp em nhé.")
    ]
    assert said(fake_telegram) == [STAFF_TEXTS["replied"].format(name=STAFF_NAME, code=code)]
    [sent] = fake_telegram.of("sendMessage")
    assert sent["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert fake_rasa.received == []
    for secret in (STAFF_TOKEN, str(STAFF), str(STAFF_CHAT), "cài lại chứng thư"):
        assert secret not in caplog.text


async def test_the_staff_group_has_its_own_command_menu(
    staff_gateway: Gateway, fake_telegram: FakeTelegram
) -> None:
    officials, staff = fake_telegram.of("setMyCommands")
    assert "scope" not in officials
    assert staff["scope"] == {"type": "chat", "chat_id": STAFF_CHAT}
    assert [c["command"] for c in staff["commands"]] == [
        "traloi",
        "nhan",
        "trangthai",
        "dong",
        "guibai",
        "mau",
    ]


@pytest.mark.parametrize(
    "command",
    [
        "/traloi {code} Dòng một\nDòng hai",
        "/traloi@helpdesk_test_bot {code} Dòng một\nDòng hai",
        "/traloi {lenient} Dòng một\nDòng hai",
    ],
)
async def test_a_reply_by_command_keeps_its_lines(
    staff_gateway: Gateway, staff_env: DeskServer, fake_telegram: FakeTelegram, command: str
) -> None:
    code = await open_ticket(staff_env.url)
    lenient = "ht " + code.removeprefix("HT-").lstrip("0")

    await staff_gateway.post_update(group_update(command.format(code=code, lenient=lenient)))

    ticket = await read_ticket(staff_env.url, code)
    assert [(n.author, n.text) for n in ticket.notes] == [(STAFF_NAME, "Dòng một\nDòng hai")]
    assert said(fake_telegram) == [STAFF_TEXTS["replied"].format(name=STAFF_NAME, code=code)]


@pytest.mark.parametrize(
    ("command", "status", "done", "shown"),
    [
        ("/nhan {code}", "in_progress", "claimed", "Đang xử lý"),
        ("/trangthai {code} ĐANG XỬ LÝ", "in_progress", "status_changed", "Đang xử lý"),
        (
            "/trangthai {code} cho phan hoi",
            "waiting_official",
            "status_changed",
            "Chờ người hỏi phản hồi",
        ),
        ("/trangthai {code} đã giải quyết", "resolved", "status_changed", "Đã giải quyết"),
        ("/trangthai {code} closed", "closed", "status_changed", "Đã đóng"),
        ("/dong {code}", "closed", "closed", "Đã đóng"),
    ],
)
async def test_claim_status_and_close_change_the_ticket_on_the_desk(
    staff_gateway: Gateway,
    staff_env: DeskServer,
    fake_telegram: FakeTelegram,
    command: str,
    status: str,
    done: str,
    shown: str,
) -> None:
    code = await open_ticket(staff_env.url)

    await staff_gateway.post_update(group_update(command.format(code=code)))

    assert (await read_ticket(staff_env.url, code)).status == status
    [change] = [c for c in await desk_changes(staff_env.url, code) if c.kind == "status"]
    assert (change.code, change.status) == (code, status)
    expected = STAFF_TEXTS[done].format(code=code, name=STAFF_NAME, status=shown)
    assert said(fake_telegram) == [expected]


@pytest.mark.parametrize(
    ("command", "status"),
    [("/nhan", "in_progress"), ("/dong", "closed"), ("/trangthai chờ", "waiting_official")],
)
async def test_a_command_replying_to_the_ticket_message_needs_no_code(
    staff_gateway: Gateway, staff_env: DeskServer, command: str, status: str
) -> None:
    other = await open_ticket(staff_env.url, 1)
    code = await open_ticket(staff_env.url, 2)
    posted = bot_message(f"🆕 Phiếu mới {code}")

    await staff_gateway.post_update(group_update(command, user_id=OTHER_STAFF, reply_to=posted))

    assert (await read_ticket(staff_env.url, code)).status == status
    assert (await read_ticket(staff_env.url, other)).status == "new"


async def test_the_claim_button_takes_the_ticket_on(
    staff_gateway: Gateway, staff_env: DeskServer, fake_telegram: FakeTelegram
) -> None:
    code = await open_ticket(staff_env.url)
    posted = bot_message(f"🆕 Phiếu mới {code}")

    await staff_gateway.post_update(button_update(f"staff:claim:{code}", message=posted))

    assert (await read_ticket(staff_env.url, code)).status == "in_progress"
    [answer] = fake_telegram.of("answerCallbackQuery")
    assert "show_alert" not in answer
    assert said(fake_telegram) == [STAFF_TEXTS["claimed"].format(name=STAFF_NAME, code=code)]
    [sent] = fake_telegram.of("sendMessage")
    assert sent["reply_parameters"]["message_id"] == posted["message_id"]


async def test_staff_commands_work_in_polling_mode(
    staff_env: DeskServer, settings: GatewaySettings, fake_telegram: FakeTelegram
) -> None:
    code = await open_ticket(staff_env.url)
    fake_telegram.queue_update(group_update(f"/traloi {code} Em đã xử lý xong."))
    fake_telegram.queue_update(group_update(f"/dong {code}"))
    app = create_app(settings, polling=True, poll_timeout=1, rate_limiter=fast_limiter())

    async with running_gateway(app):
        await fake_telegram.wait_for("sendMessage", 2)

    ticket = await read_ticket(staff_env.url, code)
    assert [n.text for n in ticket.notes] == ["Em đã xử lý xong."]
    assert ticket.status == "closed"
    assert said(fake_telegram) == [
        STAFF_TEXTS["replied"].format(name=STAFF_NAME, code=code),
        STAFF_TEXTS["closed"].format(name=STAFF_NAME, code=code),
    ]
