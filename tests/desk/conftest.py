"""A real, migrated desk database for each test: SQLite in a temporary folder, then PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from bot.desk.app import create_app
from bot.desk.database import make_engine, migrate
from bot.desk.settings import DeskSettings
from tests.support.databases import postgres_schema_url

ASSISTANT_TOKEN = "assistant-token-0123456789"
STAFF_TOKEN = "staff-token-9876543210"
ASSISTANT = {"Authorization": f"Bearer {ASSISTANT_TOKEN}"}
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
SESSION_SECRET = "session-secret-for-tests-0123456789abcdef"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, of each kind in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'desk.db'}"
    else:
        yield from postgres_schema_url()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the migrated database."""
    migrate(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(database_url: str) -> DeskSettings:
    """Settings with one token per role, a session secret and the default service levels."""
    return DeskSettings(
        database_url=database_url,
        tokens=f"assistant:{ASSISTANT_TOKEN},staff:{STAFF_TOKEN}",
        session_secret=SESSION_SECRET,
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
