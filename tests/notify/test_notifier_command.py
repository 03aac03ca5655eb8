import asyncio
from pathlib import Path

import pytest
import yaml
from sqlalchemy import inspect

from bot.cli.main import main
from bot.cli.notifier_command import serve
from bot.escalation.retry import RetryPolicy
from bot.notify.settings import NotifierSettings
from bot.office_hours.loading import WEEKDAYS
from bot.store.database import make_engine
from tests.channels.telegram.fakes import TOKEN, FakeTelegram
from tests.channels.telegram.staff.fakes import STAFF_CHAT, open_ticket, said
from tests.support.desk_server import ASSISTANT, DeskServer


@pytest.fixture(autouse=True)
def quiet_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)


def test_without_a_token_the_variable_is_named_and_nothing_runs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'helpdesk.db'}")
    monkeypatch.delenv("HELPDESK_DESK_TOKEN", raising=False)
    assert main(["notifier"]) == 1
    assert "HELPDESK_DESK_TOKEN: chưa được đặt" in capsys.readouterr().err
    assert not (tmp_path / "helpdesk.db").exists()


def test_a_bad_poll_interval_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HELPDESK_DESK_TOKEN", "assistant-token-123")
    monkeypatch.setenv("HELPDESK_NOTIFIER_POLL_SECONDS", "0")
    assert main(["notifier"]) == 1
    assert "HELPDESK_NOTIFIER_POLL_SECONDS: phải là một số lớn hơn 0" in capsys.readouterr().err


def test_once_migrates_and_survives_a_desk_that_is_down(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'helpdesk.db'}"
    monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
    monkeypatch.setenv("HELPDESK_DESK_TOKEN", "assistant-token-123")
    monkeypatch.setenv("HELPDESK_DESK_URL", "http://127.0.0.1:9")  # nobody listens there
    monkeypatch.setattr(RetryPolicy, "delay", lambda self, retry: 0.0)
    assert main(["notifier", "--once"]) == 0
    engine = make_engine(url)
    assert {"local_messages", "feed_cursor"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_DESK_TOKEN", "assistant-token-123")
    monkeypatch.setenv("HELPDESK_DESK_URL", "http://desk.example:8100")
    monkeypatch.setenv("HELPDESK_NOTIFIER_POLL_SECONDS", "5")
    settings = NotifierSettings()  # type: ignore[call-arg]
    assert settings.desk_token.get_secret_value() == "assistant-token-123"
    assert (settings.desk_url, settings.notifier_poll_seconds) == ("http://desk.example:8100", 5)
    assert "assistant-token-123" not in repr(settings)


async def test_the_notifier_tells_the_staff_group_of_a_ticket_left_unanswered(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    desk_server: DeskServer,
    telegram_url: str,
    fake_telegram: FakeTelegram,
) -> None:
    always_open = {
        "timezone": "Asia/Ho_Chi_Minh",
        "week": {day: ["00:00-24:00"] for day in WEEKDAYS},
        # A few milliseconds: long gone by the time the notifier has started.
        "escalation": {"first_alert_hours": 0.000001},
    }
    hours_file = tmp_path / "office_hours.yml"
    hours_file.write_text(yaml.safe_dump(always_open), encoding="utf-8")
    for name, value in {
        "HELPDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'helpdesk.db'}",
        "HELPDESK_DESK_URL": desk_server.url,
        "HELPDESK_DESK_TOKEN": ASSISTANT,
        "HELPDESK_TELEGRAM_TOKEN": TOKEN,
        "HELPDESK_TELEGRAM_BASE_URL": telegram_url,
        "HELPDESK_TELEGRAM_STAFF_CHAT_ID": str(STAFF_CHAT),
        "HELPDESK_OFFICE_HOURS_FILE": str(hours_file),
    }.items():
        monkeypatch.setenv(name, value)
    code = await open_ticket(desk_server.url)

    await serve(NotifierSettings(), asyncio.Event(), once=True)  # type: ignore[call-arg]

    posts = [text.splitlines()[0] for text in said(fake_telegram)]
    assert posts == [
        f"🆕 Phiếu mới {code}",
        f"⏰ Phiếu {code} chưa có ý kiến xử lý sau 1e-06 giờ làm việc.",
    ]
