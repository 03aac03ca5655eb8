import getpass
import io
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from bot.cli.main import main
from bot.desk import passwords
from bot.desk.accounts import AccountRepository
from bot.desk.app import create_app
from bot.desk.database import make_engine
from bot.desk.settings import DeskSettings
from bot.desk.staff_sessions import SessionStore
from tests.desk.browsing import sign_in
from tests.desk.conftest import LOGIN, NAME, PASSWORD

Helpdesk = Callable[..., tuple[int, str, str]]


@pytest.fixture
def helpdesk(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], desk_url: str
) -> Helpdesk:
    """`helpdesk ARGS` on the test's database, `stdin` as its input: exit code, stdout, stderr."""
    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", desk_url)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def typed(monkeypatch: pytest.MonkeyPatch, *answers: str) -> list[str]:
    """Answer getpass's prompts with `answers` in turn; the prompts asked, in order."""
    asked: list[str] = []
    left = list(answers)

    def answer(prompt: str = "") -> str:
        asked.append(prompt)
        return left.pop(0)

    monkeypatch.setattr(getpass, "getpass", answer)
    return asked


def add(helpdesk: Helpdesk, *more: str) -> tuple[int, str, str]:
    command = ("desk", "account", "add", LOGIN, "--display", NAME, "--password-stdin", *more)
    return helpdesk(*command, stdin=PASSWORD + "\n")


def test_add_then_list_shows_the_account_in_vietnamese_without_its_hash(
    helpdesk: Helpdesk, accounts: AccountRepository
) -> None:
    assert helpdesk("desk", "account", "list")[1].startswith("Chưa có tài khoản nào")
    code, out, _ = add(helpdesk)
    assert code == 0
    assert out == f"Đã tạo tài khoản {LOGIN} cho {NAME}, vai trò cán bộ hỗ trợ.\n"
    admin = ("vu.an", "--display", "Vũ An", "--role", "admin", "--password-stdin")
    assert helpdesk("desk", "account", "add", *admin, stdin="mật khẩu của An 2026\n")[0] == 0
    code, out, _ = helpdesk("desk", "account", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Có 2 tài khoản:"
    assert lines[1].startswith(f"- {LOGIN}: {NAME}, cán bộ hỗ trợ, đang dùng, tạo lúc ")
    assert lines[1].endswith(", chưa đăng nhập lần nào")
    assert lines[2].startswith("- vu.an: Vũ An, quản trị, đang dùng")
    assert "scrypt" not in out and PASSWORD not in out
    found = accounts.credentials(LOGIN)
    assert found is not None and passwords.verify(PASSWORD, found[1])


def test_a_typed_password_is_asked_twice_without_echo(
    helpdesk: Helpdesk, monkeypatch: pytest.MonkeyPatch, accounts: AccountRepository
) -> None:
    asked = typed(monkeypatch, PASSWORD, PASSWORD)
    assert helpdesk("desk", "account", "add", LOGIN, "--display", NAME)[0] == 0
    assert asked == ["Mật khẩu (ít nhất 12 ký tự, không hiện khi gõ): ", "Nhập lại mật khẩu: "]
    assert accounts.get(LOGIN) is not None


def test_two_different_passwords_change_nothing(
    helpdesk: Helpdesk, monkeypatch: pytest.MonkeyPatch, accounts: AccountRepository
) -> None:
    typed(monkeypatch, PASSWORD, PASSWORD + "x")
    code, out, err = helpdesk("desk", "account", "add", LOGIN, "--display", NAME)
    assert (code, out) == (1, "")
    assert "Hai lần nhập mật khẩu không khớp nhau" in err
    assert accounts.all() == []


@pytest.mark.parametrize(
    ("args", "stdin", "said"),
    [
        (("X", "--display", NAME), PASSWORD, "Tên đăng nhập «X» không dùng được"),
        ((LOGIN, "--display", " "), PASSWORD, "Họ tên hiển thị cần có từ 1 đến 120 ký tự"),
        ((LOGIN, "--display", NAME), "ngắn quá", "Mật khẩu cần dài từ 12 đến 256 ký tự"),
        ((LOGIN, "--display", NAME), "", "Mật khẩu cần dài từ 12 đến 256 ký tự"),
    ],
)
def test_a_bad_account_is_refused_in_vietnamese(
    helpdesk: Helpdesk, accounts: AccountRepository, args: tuple[str, ...], stdin: str, said: str
) -> None:
    code, out, err = helpdesk("desk", "account", "add", *args, "--password-stdin", stdin=stdin)
    assert (code, out) == (1, "")
    assert said in err
    assert accounts.all() == []


def test_a_taken_name_or_an_unknown_role_is_refused(helpdesk: Helpdesk) -> None:
    assert add(helpdesk)[0] == 0
    code, _, err = add(helpdesk)
    assert code == 1 and f"Tên đăng nhập {LOGIN} đã có tài khoản" in err
    with pytest.raises(SystemExit) as refused:
        add(helpdesk, "--role", "root")
    assert refused.value.code == 2


def test_password_sets_a_new_one_and_ends_the_old_sessions(
    helpdesk: Helpdesk, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    add(helpdesk)
    account = AccountRepository(engine).get(LOGIN)
    assert account is not None
    key = SessionStore(engine).open(account.id)
    typed(monkeypatch, "mật khẩu mới của Bình", "mật khẩu mới của Bình")
    code, out, _ = helpdesk("desk", "account", "password", LOGIN.upper())
    assert code == 0 and out.startswith(f"Đã đặt mật khẩu mới cho tài khoản {LOGIN}.")
    assert SessionStore(engine).read(key) is None
    found = AccountRepository(engine).credentials(LOGIN)
    assert found is not None and passwords.verify("mật khẩu mới của Bình", found[1])


def test_password_of_an_unknown_account_says_so_before_asking(
    helpdesk: Helpdesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked = typed(monkeypatch)
    code, _, err = helpdesk("desk", "account", "password", "khong.co")
    assert code == 1 and "Không có tài khoản nào tên khong.co" in err
    assert asked == []


def test_disable_ends_every_session_at_once_and_enable_lets_it_back(
    helpdesk: Helpdesk, engine: Engine
) -> None:
    add(helpdesk)
    account = AccountRepository(engine).get(LOGIN)
    assert account is not None
    keys = [SessionStore(engine).open(account.id) for _ in range(2)]
    code, out, _ = helpdesk("desk", "account", "disable", LOGIN)
    assert (code, out) == (0, f"Đã khóa tài khoản {LOGIN} và kết thúc 2 phiên đăng nhập đang mở.\n")
    assert [SessionStore(engine).read(key) for key in keys] == [None, None]
    assert ", đã khóa, " in helpdesk("desk", "account", "list")[1]
    assert helpdesk("desk", "account", "enable", LOGIN)[1] == f"Đã mở lại tài khoản {LOGIN}.\n"
    assert ", đang dùng, " in helpdesk("desk", "account", "list")[1]


def test_sessions_lists_then_revokes_an_accounts_sessions(
    helpdesk: Helpdesk, engine: Engine
) -> None:
    add(helpdesk)
    assert helpdesk("desk", "account", "sessions", LOGIN)[1] == (
        f"Tài khoản {LOGIN} không có phiên đăng nhập nào đang mở.\n"
    )
    account = AccountRepository(engine).get(LOGIN)
    assert account is not None
    key = SessionStore(engine).open(account.id)
    lines = helpdesk("desk", "account", "sessions", LOGIN)[1].splitlines()
    assert lines[0] == f"Tài khoản {LOGIN} có 1 phiên đăng nhập đang mở:"
    assert lines[1].startswith("- mở lúc ") and ", hết hạn lúc " in lines[1]
    code, out, _ = helpdesk("desk", "account", "sessions", LOGIN, "--revoke")
    assert (code, out) == (0, f"Đã kết thúc 1 phiên đăng nhập của tài khoản {LOGIN}.\n")
    assert SessionStore(engine).read(key) is None
    assert helpdesk("desk", "account", "sessions", "khong.co", "--revoke")[0] == 1


async def test_an_account_added_on_the_command_line_signs_in_on_the_page(
    helpdesk: Helpdesk, settings: DeskSettings, engine: Engine
) -> None:
    add(helpdesk)
    transport = httpx.ASGITransport(app=create_app(settings, engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://desk.test") as browser:
        assert (await sign_in(browser)).status_code == 303
        assert NAME in (await browser.get("/desk")).text


def test_the_commands_set_up_a_fresh_database_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'desk.db'}"
    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", url)
    assert main(["desk", "account", "list"]) == 0
    assert "Chưa có tài khoản nào" in capsys.readouterr().out
    engine = make_engine(url)
    assert "staff_accounts" in inspect(engine).get_table_names()
    engine.dispose()


def test_a_trainer_account_is_added_with_its_role(
    helpdesk: Helpdesk, accounts: AccountRepository
) -> None:
    code, out, _ = add(helpdesk, "--role", "trainer")
    assert code == 0
    role = "người soạn bài (hàng chờ câu hỏi)"
    assert out == f"Đã tạo tài khoản {LOGIN} cho {NAME}, vai trò {role}.\n"
    found = accounts.get(LOGIN)
    assert found is not None and found.role == "trainer"
