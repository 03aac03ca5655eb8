"""The rating question: asked once a ticket is resolved or closed, on the official's channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import Engine

from bot.desk import database as desk_database
from bot.desk.app import create_app
from bot.desk.settings import DeskSettings
from bot.escalation.client import DeskClient
from bot.escalation.ratings import rate_ticket
from bot.escalation.retry import RetryPolicy
from bot.messages import Notifier
from bot.notify.rating_feed import RatingFeed, rating_payload, rating_question
from tests.notify.conftest import Recorder
from tests.support.databases import migrated_sqlite

ASSISTANT = "assistant-token-for-rating-feed-tests"
STAFF = "staff-token-for-the-rating-feed-tests"
OFFICIAL = "tg-5550607"


class Desk:
    """The real desk in process: the assistant's client and the staff's calls."""

    def __init__(self, engine: Engine, client: DeskClient, staff: httpx.AsyncClient) -> None:
        self.engine = engine
        self.client = client
        self.staff = staff
        self._keys = 0

    async def resolved(self, channel: str = "telegram", status: str = "resolved") -> str:
        """A ticket the official opened on `channel`, moved to `status` by staff; its code."""
        self._keys += 1
        body = {
            "summary": "Không ký số được văn bản đi",
            "content": "Máy báo không tìm thấy chứng thư số",
            "unit": "UBND xã Tân Phú",
            "requester": {"channel": channel, "user_id": OFFICIAL},
            "phone": "0912345678",
            "software": "kyso",
        }
        code = (await self.client.create_ticket(body, f"rating-feed-{self._keys:04d}")).code
        await self.move(code, status)
        return code

    async def move(self, code: str, status: str) -> None:
        answer = await self.staff.post(
            f"/api/v1/tickets/{code}/status", json={"status": status, "author": "Lê Văn C"}
        )
        assert answer.status_code == 200


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    url = migrated_sqlite(tmp_path / "desk.db", "desk")
    engine = desk_database.make_engine(url)
    settings = DeskSettings(
        database_url=url,
        tokens=SecretStr(f"assistant:{ASSISTANT},staff:{STAFF}"),
        session_secret=SecretStr("s" * 40),
    )
    app = create_app(settings, engine)

    def http(token: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://desk",
            headers={"Authorization": f"Bearer {token}"},
        )

    client = DeskClient(http(ASSISTANT), RetryPolicy(attempts=1))
    async with http(STAFF) as staff:
        yield Desk(engine, client, staff)
    await client.aclose()
    engine.dispose()


def feed(desk: Desk, store: Engine, channels: dict[str, Recorder]) -> RatingFeed:
    notifier = Notifier(channels)
    return RatingFeed(desk.client, notifier, store, frozenset({"telegram", "local"}))


async def test_a_resolved_ticket_brings_one_question_with_five_buttons(
    desk: Desk, sqlite_engine: Engine
) -> None:
    code = await desk.resolved()
    telegram = Recorder()
    asking = feed(desk, sqlite_engine, {"telegram": telegram})
    await asking.poll_once()
    await asking.poll_once()
    [(recipient, question)] = telegram.sent
    assert recipient == OFFICIAL
    assert question.text.startswith(f"Phiếu {code} (Không ký số được văn bản đi)")
    assert [b.payload for b in question.buttons] == [
        rating_payload(code, score) for score in ("1", "2", "3", "4", "5")
    ]


async def test_a_ticket_rated_or_reopened_before_the_question_is_not_asked_about(
    desk: Desk, sqlite_engine: Engine
) -> None:
    rated = await desk.resolved()
    await rate_ticket(desk.client, rated, ("telegram", OFFICIAL), 5)
    reopened = await desk.resolved()
    await desk.move(reopened, "in_progress")
    telegram = Recorder()
    await feed(desk, sqlite_engine, {"telegram": telegram}).poll_once()
    assert telegram.sent == []


async def test_closing_an_unrated_resolved_ticket_asks_once_more(
    desk: Desk, sqlite_engine: Engine
) -> None:
    code = await desk.resolved()
    telegram = Recorder()
    asking = feed(desk, sqlite_engine, {"telegram": telegram})
    await asking.poll_once()
    await desk.move(code, "closed")
    await asking.poll_once()
    assert len(telegram.sent) == 2
    await rate_ticket(desk.client, code, ("telegram", OFFICIAL), 4)
    await desk.move(code, "resolved")
    await asking.poll_once()
    assert len(telegram.sent) == 2


async def test_channels_whose_buttons_cannot_come_back_are_not_asked(
    desk: Desk, sqlite_engine: Engine
) -> None:
    await desk.resolved(channel="zalo")
    await desk.resolved(channel="email")
    zalo = Recorder()
    report = await feed(desk, sqlite_engine, {"zalo": zalo}).poll_once()
    assert zalo.sent == []
    assert report.skipped == 2


async def test_the_first_pass_leaves_tickets_resolved_long_ago_alone(
    desk: Desk, sqlite_engine: Engine
) -> None:
    await desk.resolved()
    with desk.engine.begin() as connection:
        connection.execute(text("UPDATE changes SET at = :at"), {"at": datetime(2020, 1, 1)})
    recent = await desk.resolved()
    telegram = Recorder()
    await feed(desk, sqlite_engine, {"telegram": telegram}).poll_once()
    assert [q.text.split(" ")[1] for _, q in telegram.sent] == [recent]


def test_every_button_payload_fits_telegrams_callback_data() -> None:
    question = rating_question("HT-999999", "Một tiêu đề rất dài " * 10)
    assert all(len(b.payload.encode()) <= 64 for b in question.buttons)
    assert len(question.text) < 400
