from sqlalchemy import inspect

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
