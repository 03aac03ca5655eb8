"""A ticket's page tells the signed-in staff when a reply could not reach the official.

The desk reads the assistant's store (`helpdesk run` gives every process its address): a
notice waiting for the official, or one that cannot reach them, shows above the ticket with the
phone number to call. Only signed-in staff see the page at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.desk.accounts import Account
from bot.desk.app import create_app
from bot.desk.settings import DeskSettings
from bot.store.database import make_engine
from bot.store.kept_notices import UNREACHABLE, WAITING, KeptNotices
from tests.desk.browsing import open_ticket, sign_in
from tests.support.databases import migrated_sqlite

WAITS = "Phản hồi chưa gửi được qua Zalo, sẽ gửi khi cán bộ nhắn lại."


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return migrated_sqlite(tmp_path / "helpdesk.db")


@pytest.fixture
async def desk(
    settings: DeskSettings, engine: Engine, account: Account, store_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    with_store = settings.copy(update={"store_database_url": store_url})
    transport = httpx.ASGITransport(app=create_app(with_store, engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://desk.test") as client:
        yield client


def keep(store_url: str, code: str, state: str, channel: str = "zalo") -> None:
    store = make_engine(store_url)
    kept = KeptNotices(store)
    notice, _ = kept.keep(f"desk:{state}", channel, "zalo-1", code, "Trả lời", "Ngắn")
    kept.settle(notice.id, state, "outside_window")
    store.dispose()


@pytest.mark.parametrize(
    ("state", "said"),
    [(WAITING, WAITS), (UNREACHABLE, "Phản hồi không gửi được qua Zalo (cán bộ đã chặn")],
)
async def test_the_ticket_page_says_a_reply_did_not_reach_the_official_with_the_phone(
    state: str, said: str, desk: httpx.AsyncClient, store_url: str
) -> None:
    code = await open_ticket(desk, 1, phone="0987654321")
    keep(store_url, code, state)

    await sign_in(desk)
    page = (await desk.get(f"/desk/tickets/{code}")).text

    assert said in page
    assert "gọi cán bộ theo số 0987654321" in page


async def test_a_delivered_reply_says_nothing_and_only_signed_in_staff_see_the_page(
    desk: httpx.AsyncClient, store_url: str
) -> None:
    code = await open_ticket(desk, 1)
    other = await open_ticket(desk, 2)
    keep(store_url, code, "sent")
    keep(store_url, other, WAITING)

    assert (await desk.get(f"/desk/tickets/{other}")).status_code == 303  # to the sign-in
    await sign_in(desk)
    assert "chưa gửi được" not in (await desk.get(f"/desk/tickets/{code}")).text
