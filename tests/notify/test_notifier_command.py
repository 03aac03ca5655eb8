from pathlib import Path

import pytest
from sqlalchemy import inspect

from bot.cli.main import main
from bot.escalation.retry import RetryPolicy
from bot.notify.settings import NotifierSettings
from bot.store.database import make_engine


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
