"""`helpdesk notifier` with Telegram, Zalo and the staff group on: the real desk to the fakes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.channels.telegram.fakes import TOKEN, FakeTelegram
from tests.channels.telegram.staff.fakes import (
    OFFICIAL_CHAT,
    PUBLIC_URL,
    STAFF_CHAT,
    STAFF_TOKEN,
    desk_client,
    open_ticket,
    said,
)
from tests.channels.zalo.fake_zalo import APP_ID, APP_SECRET, FakeZalo, served
from tests.support.desk_server import ASSISTANT, DeskServer
from tests.support.served import served_in_thread

ZALO_USER = "2468135790123456789"


@pytest.fixture(autouse=True)
def quiet_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, str]]:
    """The fake Bot API in a thread, and its base URL for python-telegram-bot."""
    fake = FakeTelegram()
    with served_in_thread(fake.app()) as url:
        yield fake, f"{url}/bot"


@pytest.fixture
def zalo() -> Iterator[tuple[FakeZalo, str]]:
    """The fake Zalo in a thread, and its URL."""
    fake = FakeZalo()
    with served(fake) as url:
        yield fake, url


@pytest.fixture
def environment(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    root: Path,
    desk_server: DeskServer,
    telegram: tuple[FakeTelegram, str],
    zalo: tuple[FakeZalo, str],
) -> None:
    """Every channel on, as an administrator would configure the notifier."""
    access, refresh = zalo[0].issue()
    for name, value in {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'helpdesk.db'}",
        "DESK_URL": desk_server.url,
        "DESK_TOKEN": ASSISTANT,
        "DESK_PUBLIC_URL": PUBLIC_URL,
        "KNOWLEDGE_BASE_DIR": str(root / "knowledge_base"),
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": telegram[1],
        "TELEGRAM_STAFF_CHAT_ID": str(STAFF_CHAT),
        "ZALO_APP_ID": APP_ID,
        "ZALO_OA_SECRET_KEY": "oa-secret-for-tests",
        "ZALO_APP_SECRET_KEY": APP_SECRET,
        "ZALO_ACCESS_TOKEN": access,
        "ZALO_REFRESH_TOKEN": refresh,
        "ZALO_API_BASE_URL": zalo[1],
        "ZALO_OAUTH_BASE_URL": zalo[1],
    }.items():
        monkeypatch.setenv(f"HELPDESK_{name}", value)


async def staff_answer(url: str, code: str, text: str, status: str | None = None) -> None:
    """A staff reply (and a status change) on the desk, as the staff group or page makes them."""
    staff = desk_client(url, STAFF_TOKEN)
    try:
        await staff.add_reply(code, "Minh Trần", text)
        if status is not None:
            await staff.change_status(code, status, "Minh Trần")
    finally:
        await staff.aclose()


@pytest.mark.usefixtures("environment")
def test_officials_hear_on_telegram_and_zalo_and_staff_see_new_tickets(
    desk_server: DeskServer,
    telegram: tuple[FakeTelegram, str],
    zalo: tuple[FakeZalo, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    on_telegram = asyncio.run(open_ticket(desk_server.url, 1))
    on_zalo = asyncio.run(open_ticket(desk_server.url, 2, "zalo", f"zalo-{ZALO_USER}"))
    asyncio.run(staff_answer(desk_server.url, on_telegram, "Anh/chị cài lại chứng thư nhé."))
    asyncio.run(staff_answer(desk_server.url, on_zalo, "Đã cấp lại tài khoản.", "resolved"))

    with caplog.at_level(logging.DEBUG):
        assert main(["notifier", "--once"]) == 0
        assert main(["notifier", "--once"]) == 0  # the cursors are kept: nothing twice

    fake_telegram, fake_zalo = telegram[0], zalo[0]
    [notice] = said(fake_telegram, OFFICIAL_CHAT)
    assert notice.startswith(f"Cán bộ hỗ trợ đã trả lời phiếu {on_telegram} (")
    assert notice.endswith("): Anh/chị cài lại chứng thư nhé.")
    reply, status, rating = fake_zalo.texts_to(ZALO_USER)
    assert reply.endswith("): Đã cấp lại tài khoản.")
    assert on_zalo in status and "Đã giải quyết" in status
    # Resolved: asked to rate it, the stars as numbered choices typed back to any gateway.
    assert rating.startswith(f"Phiếu {on_zalo} (") and "\n5. " in rating
    # A ticket resolved before the staff group heard of it needs nobody: only the open one.
    assert [post.splitlines()[0] for post in said(fake_telegram, STAFF_CHAT)] == [
        f"🆕 Phiếu mới {on_telegram}"
    ]
    for secret in (TOKEN, ASSISTANT, str(OFFICIAL_CHAT), ZALO_USER, str(STAFF_CHAT)):
        assert secret not in caplog.text


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"HELPDESK_TELEGRAM_TOKEN": "not-a-token"}, "HELPDESK_TELEGRAM_TOKEN"),
        ({"HELPDESK_TELEGRAM_STAFF_CHAT_ID": "-100123"}, "HELPDESK_TELEGRAM_TOKEN"),
        (
            {"HELPDESK_TELEGRAM_TOKEN": TOKEN, "HELPDESK_TELEGRAM_STAFF_CHAT_ID": "12345"},
            "HELPDESK_TELEGRAM_STAFF_CHAT_ID",
        ),
        ({"HELPDESK_ZALO_APP_ID": APP_ID}, "HELPDESK_ZALO_OA_SECRET_KEY"),
    ],
)
def test_bad_channel_settings_are_named_and_nothing_runs(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    variables: dict[str, str],
    named: str,
) -> None:
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'helpdesk.db'}")
    monkeypatch.setenv("HELPDESK_DESK_TOKEN", "assistant-token-123")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    assert main(["notifier", "--once"]) == 1

    error = capsys.readouterr().err
    assert named in error
    assert "not-a-token" not in error
    assert not (tmp_path / "helpdesk.db").exists()
