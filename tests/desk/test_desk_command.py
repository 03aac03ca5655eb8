import logging
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import inspect

from bot.cli.desk_command import WithoutQueryStrings
from bot.cli.main import main
from bot.desk import passwords
from bot.desk.accounts import FIRST_ADMIN_LOGIN, AccountRepository
from bot.desk.database import make_engine
from tests.desk.conftest import (
    ASSISTANT_TOKEN,
    LOGIN,
    NAME,
    PASSWORD,
    SESSION_SECRET,
    STAFF_TOKEN,
)

TOKENS = f"assistant:{ASSISTANT_TOKEN},staff:{STAFF_TOKEN}"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[uvicorn.Config]:
    """Configs that `desk serve` would have served, without serving them."""
    configs: list[uvicorn.Config] = []
    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)
    monkeypatch.setattr(uvicorn.Server, "run", lambda server: configs.append(server.config))
    return configs


def test_serve_migrates_then_serves_on_localhost_without_websockets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, served: list[uvicorn.Config]
) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'desk.db'}"
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", url)
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", TOKENS)
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    assert main(["desk", "serve"]) == 0
    (config,) = served
    assert (config.host, config.port, config.ws) == ("127.0.0.1", 8100, "none")
    engine = make_engine(url)
    assert "tickets" in inspect(engine).get_table_names()
    engine.dispose()
    assert main(["desk", "serve", "--port", "8123"]) == 0
    assert served[-1].port == 8123


def test_serve_listens_on_the_interface_a_container_asks_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, served: list[uvicorn.Config]
) -> None:
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", f"sqlite:///{tmp_path / 'desk.db'}")
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", TOKENS)
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    assert main(["desk", "serve", "--host", "0.0.0.0"]) == 0
    assert (served[-1].host, served[-1].port) == ("0.0.0.0", 8100)


@pytest.mark.parametrize("missing", ["HELPDESK_DESK_TOKENS", "HELPDESK_DESK_SESSION_SECRET"])
def test_serve_without_tokens_or_session_secret_says_which_variable_is_missing(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    served: list[uvicorn.Config],
    capsys: pytest.CaptureFixture[str],
    missing: str,
) -> None:
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", f"sqlite:///{tmp_path / 'desk.db'}")
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", TOKENS)
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    monkeypatch.delenv(missing)
    assert main(["desk", "serve"]) == 1
    assert f"{missing}: chưa được đặt; biến này là bắt buộc." in capsys.readouterr().err
    assert served == []
    assert not (tmp_path / "desk.db").exists()


def test_serve_makes_the_first_admin_account_once_when_there_is_none(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    served: list[uvicorn.Config],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'desk.db'}"
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", url)
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", TOKENS)
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    monkeypatch.setenv("HELPDESK_DESK_FIRST_ADMIN_PASSWORD", PASSWORD)
    assert main(["desk", "serve"]) == 0
    err = capsys.readouterr().err
    assert f"Đã tạo tài khoản quản trị đầu tiên {FIRST_ADMIN_LOGIN}" in err
    assert PASSWORD not in err
    monkeypatch.setenv("HELPDESK_DESK_FIRST_ADMIN_PASSWORD", "một mật khẩu khác hẳn")
    assert main(["desk", "serve"]) == 0
    assert "Đã tạo" not in capsys.readouterr().err
    engine = make_engine(url)
    try:
        (admin,) = AccountRepository(engine).all()
        found = AccountRepository(engine).credentials(FIRST_ADMIN_LOGIN)
    finally:
        engine.dispose()
    assert (admin.login, admin.role) == (FIRST_ADMIN_LOGIN, "admin")
    assert found is not None and passwords.verify(PASSWORD, found[1])


def test_serve_makes_no_admin_where_staff_have_accounts_or_no_password_is_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, served: list[uvicorn.Config]
) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'desk.db'}"
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", url)
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", TOKENS)
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    monkeypatch.setenv("HELPDESK_DESK_FIRST_ADMIN_PASSWORD", "")
    assert main(["desk", "serve"]) == 0
    engine = make_engine(url)
    try:
        assert AccountRepository(engine).all() == []
        AccountRepository(engine).add(LOGIN, NAME, "staff", PASSWORD)
        monkeypatch.setenv("HELPDESK_DESK_FIRST_ADMIN_PASSWORD", PASSWORD)
        assert main(["desk", "serve"]) == 0
        assert [a.login for a in AccountRepository(engine).all()] == [LOGIN]
    finally:
        engine.dispose()


def test_access_log_lines_lose_their_query_strings() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/tickets?q=0912345678", "1.1", 200),
        None,
    )
    assert WithoutQueryStrings().filter(record)
    assert "0912345678" not in record.getMessage()
    assert "/api/v1/tickets" in record.getMessage()
