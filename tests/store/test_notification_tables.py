from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect

from bot.messages import OutgoingMessage
from bot.notify.feed import FeedCursor
from bot.notify.local_inbox import LocalInbox
from bot.store import database
from bot.store.database import make_engine, migrate
from tests.support.databases import postgres_schema_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'helpdesk.db'}"
    else:
        yield from postgres_schema_url()


def alembic(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(database._MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def test_the_migration_creates_the_inbox_and_the_cursor(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url)
    schema = inspect(engine)
    assert {"local_messages", "feed_cursor"} <= set(schema.get_table_names())
    indexes = {tuple(i["column_names"]) for i in schema.get_indexes("local_messages")}
    assert ("recipient_id", "id") in indexes
    assert schema.get_pk_constraint("feed_cursor")["constrained_columns"] == ["name"]
    engine.dispose()


def test_the_migration_goes_down_and_up_again_keeping_older_data(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url)
    LocalInbox(engine).store("web-0123456789abcdef", OutgoingMessage("x"))
    FeedCursor(engine).advance(7)
    engine.dispose()

    command.downgrade(alembic(database_url), "0002")
    engine = make_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    assert "local_messages" not in tables and "feed_cursor" not in tables
    assert "outbox" in tables
    engine.dispose()

    migrate(database_url)
    engine = make_engine(database_url)
    assert LocalInbox(engine).fetch("web-0123456789abcdef") == []
    assert FeedCursor(engine).read() == 0
    FeedCursor(engine).advance(2**40)  # positions of a big document system fit
    FeedCursor(engine).advance(2**40 + 1)
    assert FeedCursor(engine).read() == 2**40 + 1
    engine.dispose()
