"""A real, migrated desk database for each test: SQLite in a temporary folder, then PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from bot.desk.app import create_app
from bot.desk.database import make_engine
from bot.desk.settings import DeskSettings
from tests.support.databases import empty_postgres_schema_url, migrated_url

ASSISTANT_TOKEN = "assistant-token-0123456789"
STAFF_TOKEN = "staff-token-9876543210"
ASSISTANT = {"Authorization": f"Bearer {ASSISTANT_TOKEN}"}
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
SESSION_SECRET = "session-secret-for-tests-0123456789abcdef"


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
