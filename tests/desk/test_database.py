from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

import bot.desk
from bot.desk.database import make_engine, migrate
from bot.store.database import migrate as migrate_store


def test_migration_creates_the_tables_and_their_indexes(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url)
    try:
        schema = inspect(engine)
        tables = set(schema.get_table_names())
        indexes = {index["name"] for index in schema.get_indexes("tickets")}
    finally:
        engine.dispose()
    assert {"tickets", "notes", "idempotency", "changes"} <= tables
    assert {
        "ix_tickets_status",
        "ix_tickets_unit",
        "ix_tickets_software",
        "ix_tickets_requester",
        "ix_tickets_updated_at",
    } <= indexes


def test_migration_0002_adds_accounts_sessions_failures_and_who_wrote(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url)
    try:
        schema = inspect(engine)
        tables = set(schema.get_table_names())
        columns = {
            table: {column["name"] for column in schema.get_columns(table)}
            for table in ("staff_accounts", "notes", "changes")
        }
        indexes = {index["name"] for index in schema.get_indexes("sign_in_failures")}
    finally:
        engine.dispose()
    assert {"staff_accounts", "staff_sessions", "sign_in_failures"} <= tables
    assert "password_hash" in columns["staff_accounts"] and "disabled" in columns["staff_accounts"]
    assert "account_id" in columns["notes"] and "account_id" in columns["changes"]
    assert {"ix_sign_in_failures_login", "ix_sign_in_failures_address"} <= indexes


def test_migrating_twice_is_harmless(database_url: str) -> None:
    migrate(database_url)
    migrate(database_url)


def test_the_desk_and_the_store_can_share_one_database(database_url: str) -> None:
    migrate_store(database_url)
    migrate(database_url)
    engine = make_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"feedback", "tickets", "alembic_version", "desk_alembic_version"} <= tables


MIGRATIONS = Path(bot.desk.__file__).parent / "migrations"


def _alembic(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def test_migration_0004_adds_ratings_and_keeps_the_tickets_already_there(
    database_url: str,
) -> None:
    make_engine(database_url).dispose()
    command.upgrade(_alembic(database_url), "0002")
    engine = make_engine(database_url)
    now = datetime(2026, 12, 1, 8)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tickets (code, summary, content, search, unit, requester_channel,"
                " requester_id, phone, software, urgency, status, deadline, created_at,"
                " updated_at) VALUES ('HT-000001', 'Quên mật khẩu', 'Nội dung', '', 'UBND xã',"
                " 'telegram', 'tg-1', '0912345678', 'qlvb', 'normal', 'resolved', :at, :at, :at)"
            ),
            {"at": now},
        )
    engine.dispose()

    migrate(database_url)
    engine = make_engine(database_url)
    try:
        schema = inspect(engine)
        assert "ratings" in schema.get_table_names()
        assert "ix_ratings_rated_at" in {i["name"] for i in schema.get_indexes("ratings")}
        with engine.connect() as connection:
            article = connection.execute(text("SELECT article FROM tickets")).scalar_one()
        assert article is None
    finally:
        engine.dispose()

    command.downgrade(_alembic(database_url), "0002")
    engine = make_engine(database_url)
    try:
        schema = inspect(engine)
        assert "ratings" not in schema.get_table_names()
        assert "article" not in {c["name"] for c in schema.get_columns("tickets")}
    finally:
        engine.dispose()
