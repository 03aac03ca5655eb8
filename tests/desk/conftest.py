"""A real, migrated desk database for each test: SQLite in a temporary folder, then PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from bot.desk import passwords
from bot.desk.accounts import Account, AccountRepository
from bot.desk.app import create_app
from bot.desk.database import make_engine
from bot.desk.settings import DeskSettings
from tests.support.databases import empty_postgres_schema_url, migrated_url

# As long as the desk asks (32 characters at least).
ASSISTANT_TOKEN = "assistant-token-0123456789abcdefgh"
STAFF_TOKEN = "staff-token-9876543210zyxwvutsrqpo"
ASSISTANT = {"Authorization": f"Bearer {ASSISTANT_TOKEN}"}
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
SESSION_SECRET = "session-secret-for-tests-0123456789abcdef"
# The staff account most tests sign in with.
LOGIN = "binh.tran"
PASSWORD = "mật khẩu của Bình 2026"
NAME = "Trần Thị Bình"
# What passwords.COST is, before quick_hashes lowers it.
REAL_COST = passwords.COST


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """scrypt at N=16, not 16,384: the same code in a thousandth of the time (a sign-in per
    test would cost minutes); test_passwords checks the real cost, and servers started as
    processes (tests/support/desk_server.py, `helpdesk run`) use it."""
    monkeypatch.setattr(passwords, "COST", passwords.Cost(n=16, r=8, p=1))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_kind(request: pytest.FixtureRequest) -> str:
    """SQLite, then PostgreSQL."""
    return str(request.param)


@pytest.fixture
def database_url(database_kind: str, tmp_path: Path) -> Iterator[str]:
    """An empty database, of each kind in turn, for the migrations' own tests."""
    if database_kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'desk.db'}"
    else:
        yield from empty_postgres_schema_url()


@pytest.fixture
def desk_url(database_kind: str, tmp_path: Path) -> Iterator[str]:
    """A migrated database without rows, of each kind in turn (migrated once per session)."""
    yield from migrated_url(database_kind, tmp_path / "var", "desk")


@pytest.fixture
def engine(desk_url: str) -> Iterator[Engine]:
    """An engine on the migrated database."""
    engine = make_engine(desk_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(desk_url: str) -> DeskSettings:
    """Settings with one token per role, a session secret and the default service levels."""
    return DeskSettings(
        database_url=desk_url,
        tokens=SecretStr(f"assistant:{ASSISTANT_TOKEN},staff:{STAFF_TOKEN}"),
        session_secret=SecretStr(SESSION_SECRET),
    )


@pytest.fixture
def client(settings: DeskSettings, engine: Engine) -> Iterator[TestClient]:
    """The real app on the real database."""
    with TestClient(create_app(settings, engine)) as client:
        yield client


@pytest.fixture
def accounts(engine: Engine) -> AccountRepository:
    """The staff accounts in the migrated database."""
    return AccountRepository(engine)


@pytest.fixture
def account(accounts: AccountRepository) -> Account:
    """An enabled staff account: LOGIN, PASSWORD, NAME."""
    return accounts.add(LOGIN, NAME, "staff", PASSWORD)


@pytest.fixture
async def browser(
    settings: DeskSettings, engine: Engine, account: Account
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on the desk app, over httpx's ASGI transport; it keeps cookies, follows nothing.
    The staff account (LOGIN, PASSWORD) exists."""
    transport = httpx.ASGITransport(app=create_app(settings, engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://desk.test") as client:
        yield client


def ticket_body(**changes: object) -> dict[str, object]:
    """A valid NewTicket, with some fields changed."""
    body: dict[str, object] = {
        "summary": "Không đăng nhập được phần mềm quản lý văn bản",
        "content": "Tôi nhập đúng mật khẩu mà vẫn báo sai. Đã thử đổi trình duyệt.",
        "unit": "UBND xã Tân Phú",
        "requester": {"channel": "web", "user_id": "web-0123456789abcdef", "name": "Nguyễn Văn A"},
        "phone": "0912345678",
        "software": "qlvb",
        "urgency": "normal",
    }
    body.update(changes)
    return body
