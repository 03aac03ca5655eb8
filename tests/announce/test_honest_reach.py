"""The announcement preview counts who can be reached now, and sending keeps to it.

Over the fake Zalo OA server and a real store: an official silent for 9 days and one who left
the OA are counted apart, with why, and no message is tried towards them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.announce.audience import Audience
from bot.announce.broadcast import announce, reach_lines
from bot.channels.zalo.channel import CHANNEL as ZALO
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.wiring import build_channel
from bot.store.contacts import Contacts
from bot.store.database import make_engine
from tests.channels.zalo.fake_zalo import FakeZalo
from tests.notify.delivery_support import (
    Clock,
)
from tests.support.databases import migrated_sqlite

RECENT, SILENT, LEFT = "1000000000000000001", "1000000000000000002", "1000000000000000003"


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(migrated_sqlite(tmp_path / "helpdesk.db"))
    yield engine
    engine.dispose()


def audience_of_three(engine: Engine, clock: Clock) -> Audience:
    contacts = Contacts(engine, clock=clock)
    audience = Audience(engine, contacts)
    for user, days in ((RECENT, 1), (SILENT, 9), (LEFT, 2)):
        audience.touch(ZALO, f"zalo-{user}")
        contacts.interacted(ZALO, f"zalo-{user}", at=clock.ago(days))
    contacts.unreachable(ZALO, f"zalo-{LEFT}", "not_follower")
    return audience


def test_the_preview_counts_who_can_be_reached_now_and_who_cannot_and_why(
    sqlite_engine: Engine, clock: Clock
) -> None:
    audience = audience_of_three(sqlite_engine, clock)

    (reach,) = audience.reach()

    assert (reach.reachable, reach.opted_out) == (1, 0)
    assert dict(reach.not_now) == {"outside_window": 1, "not_follower": 1}
    lines = reach_lines(reach, ZALO).splitlines()
    assert lines[0] == "- Zalo: 1 cán bộ sẽ nhận, 0 cán bộ đã tắt thông báo"
    assert "1 cán bộ quá 7 ngày chưa nhắn" in lines[1]
    assert "1 cán bộ không còn quan tâm OA" in lines[1]


async def test_sending_tries_only_those_the_channel_allows_now(
    sqlite_engine: Engine, clock: Clock, fake: FakeZalo, zalo_settings: ZaloSettings
) -> None:
    audience = audience_of_three(sqlite_engine, clock)
    async with httpx.AsyncClient(timeout=10) as http:
        channel = build_channel(zalo_settings, sqlite_engine, http)
        tallies = await announce(
            "Lớp tập huấn chữ ký số lúc 8h00 thứ Hai.", audience, {ZALO: channel}
        )

    tally = tallies[ZALO]
    assert (tally.total, tally.sent, tally.unreachable, tally.failed) == (3, 1, 2, 0)
    assert [user for _, user in fake.requests] == [RECENT]
