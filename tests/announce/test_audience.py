"""The audience of announcements: who wrote on which channel, and who opted out."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.announce.audience import Audience, Reach
from bot.store.database import make_engine
from bot.store.schema import audience as audience_table
from tests.support.databases import migrated_store_url


@pytest.fixture(params=["sqlite", "postgresql"])
def audience(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Audience]:
    """An audience on a migrated store: a SQLite file, then a PostgreSQL schema."""
    for url in migrated_store_url(request.param, tmp_path):
        engine = make_engine(url)
        yield Audience(engine)
        engine.dispose()


def test_officials_who_wrote_are_recipients_once_each_in_order(audience: Audience) -> None:
    for recipient in ("telegram-1", "telegram-2", "telegram-1"):
        audience.touch("telegram", recipient)
    audience.touch("zalo", "zalo-9")

    assert audience.recipients("telegram") == ["telegram-1", "telegram-2"]
    assert audience.recipients("zalo") == ["zalo-9"]
    assert audience.recipients("local") == []


def test_an_official_who_opted_out_is_left_out_until_opting_back_in(audience: Audience) -> None:
    audience.touch("telegram", "telegram-1")
    audience.touch("telegram", "telegram-2")

    audience.opt_out("telegram", "telegram-1")
    audience.touch("telegram", "telegram-1")
    assert audience.recipients("telegram") == ["telegram-2"]
    assert audience.reach() == [Reach("telegram", 1, 1)]

    audience.opt_in("telegram", "telegram-1")
    assert audience.recipients("telegram") == ["telegram-1", "telegram-2"]


def test_opting_out_before_ever_being_seen_still_counts(audience: Audience) -> None:
    audience.opt_out("zalo", "zalo-5")
    audience.touch("zalo", "zalo-5")

    assert audience.recipients("zalo") == []
    assert audience.reach() == [Reach("zalo", 0, 1)]


def test_a_busy_official_costs_one_write_until_the_hour_is_over(audience: Audience) -> None:
    audience.touch("telegram", "telegram-1")
    engine = audience.engine
    with engine.connect() as connection:
        first = connection.execute(select(audience_table.c.last_seen)).scalar_one()

    audience.touch("telegram", "telegram-1")

    with engine.connect() as connection:
        assert connection.execute(select(audience_table.c.last_seen)).scalar_one() == first


def test_two_gateways_seeing_a_new_official_at_once_keep_one_row(audience: Audience) -> None:
    others = [Audience(audience.engine) for _ in range(4)]
    threads = [threading.Thread(target=other.touch, args=("zalo", "zalo-77")) for other in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert audience.recipients("zalo") == ["zalo-77"]
