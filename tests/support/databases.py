"""Migrated databases for tests, each migrated once per test session and handed out afresh.

Running Alembic for every test cost 25 to 60 ms a database, a few hundred times a run. Instead:

- SQLite: the migrations run once into a template file per kind (the assistant's store, the
  desk's database); each test gets a copy of that file, which is what migrating gives.
- PostgreSQL: the migrations run once into a schema per kind, kept in a pool; each test takes a
  schema from the pool, emptied (`TRUNCATE ... RESTART IDENTITY`: no rows, counters from 1), and
  gives it back afterwards. A test that needs two at once gets a second one, migrated then. The
  migrations insert no rows (`_check_empty` makes sure), so an emptied schema is a fresh one.

Every test still runs on the real server; schemas have unique names, so parallel runs do not
meet. `empty_postgres_schema_url` is a new, empty schema, for tests of the migrations themselves.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

from bot.desk import database as desk_database
from bot.store import database as store_database

POSTGRES = os.environ.get("HELPDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

# What each kind of database is migrated with; its own Alembic version table is kept on emptying.
MIGRATIONS: dict[str, Callable[[str], None]] = {
    "store": store_database.migrate,
    "desk": desk_database.migrate,
}
_FILES = {"store": "helpdesk.db", "desk": "desk.db"}
_VERSION_TABLES = {"alembic_version", desk_database.VERSION_TABLE}

_templates: dict[str, Path] = {}
_free_schemas: dict[str, list[str]] = {"store": [], "desk": []}
_all_schemas: list[str] = []
_expected_tables: dict[str, set[str]] = {}
_folder: Path | None = None
_server: Engine | None = None


def _template_folder() -> Path:
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="helpdesk-test-templates-"))
        atexit.register(shutil.rmtree, _folder, True)
    return _folder


def migrated_sqlite(path: Path, kind: str = "store") -> str:
    """The URL of a migrated SQLite database of `kind` ("store" or "desk") at `path`.

    A database already at `path` (another fixture's, say) is migrated where it is, as before.
    """
    if path.exists():
        MIGRATIONS[kind](f"sqlite:///{path}")
        return f"sqlite:///{path}"
    template = _templates.get(kind)
    if template is None:
        template = _template_folder() / f"{kind}.db"
        MIGRATIONS[kind](f"sqlite:///{template}")
        _check_empty(f"sqlite:///{template}")
        _templates[kind] = template
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def _postgres() -> Engine:
    """An engine on the PostgreSQL server; CI must have one, elsewhere the test is skipped."""
    global _server
    if _server is None:
        engine = create_engine(POSTGRES, future=True)
        try:
            with engine.connect():
                pass
        except sqlalchemy.exc.OperationalError:
            engine.dispose()
            if os.environ.get("CI"):
                raise
            pytest.skip("no PostgreSQL server answers")
        _server = engine
    return _server


def _schema_url(schema: str) -> str:
    return f"{POSTGRES}?options=-csearch_path%3D{schema}"


def _new_schema() -> str:
    schema = f"t_{uuid.uuid4().hex[:10]}"
    with _postgres().begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    _all_schemas.append(schema)
    return schema


def _drop_schema(schema: str) -> None:
    with _postgres().begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    _all_schemas.remove(schema)


def empty_postgres_schema_url() -> Iterator[str]:
    """A new, empty schema on the PostgreSQL server, dropped afterwards."""
    schema = _new_schema()
    try:
        yield _schema_url(schema)
    finally:
        _drop_schema(schema)


# The name the tests knew it by.
postgres_schema_url = empty_postgres_schema_url


def migrated_postgres_url(kind: str = "store") -> Iterator[str]:
    """A PostgreSQL schema migrated for `kind`, without rows; back to the pool afterwards."""
    schema = _take(kind)
    try:
        yield _schema_url(schema)
    finally:
        _free_schemas[kind].append(schema)


def _take(kind: str) -> str:
    """A pooled schema of `kind`, emptied, or a new one migrated now."""
    free = _free_schemas[kind]
    while free:
        schema = free.pop()
        if _emptied(schema, _expected_tables[kind]):
            return schema
        _drop_schema(schema)  # a test changed its tables: never hand it out again
    schema = _new_schema()
    MIGRATIONS[kind](_schema_url(schema))
    _check_empty(_schema_url(schema))
    _expected_tables[kind] = _table_names(schema)
    return schema


def migrated_url(kind: str, folder: Path, database: str = "store") -> Iterator[str]:
    """A migrated `database` ("store", "desk"): a SQLite file in `folder` or a PostgreSQL schema."""
    if kind == "sqlite":
        yield migrated_sqlite(folder / _FILES[database], database)
    else:
        yield from migrated_postgres_url(database)


def migrated_store_url(kind: str, folder: Path) -> Iterator[str]:
    """The assistant's store, migrated: a SQLite file in `folder`, or a PostgreSQL schema."""
    yield from migrated_url(kind, folder, "store")


def _tables(connection: sqlalchemy.engine.Connection) -> list[str]:
    return [t for t in inspect(connection).get_table_names() if t not in _VERSION_TABLES]


def _table_names(schema: str) -> set[str]:
    with _postgres().connect() as connection:
        rows = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :schema"), {"schema": schema}
        )
        return {row[0] for row in rows}


def _emptied(schema: str, expected: set[str]) -> bool:
    """Delete every row but the migration versions (counters restart); False if tables changed."""
    names = _table_names(schema)
    if names != expected:
        return False
    listed = ", ".join(f'{schema}."{name}"' for name in sorted(names - _VERSION_TABLES))
    if listed:
        with _postgres().begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '20s'"))
            connection.execute(text(f"TRUNCATE {listed} RESTART IDENTITY CASCADE"))
    return True


def _check_empty(url: str) -> None:
    """Fail if the migrations left rows behind: emptying a database would then lose them."""
    engine = create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            for table in _tables(connection):
                rows = connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
                assert not rows, (
                    f"the migrations put {rows} rows in {table}: tests/support/databases.py "
                    "empties migrated databases between tests and would delete them"
                )
    finally:
        engine.dispose()


def drop_pooled_schemas() -> None:
    """Drop the schemas this process made, at the end of the session."""
    global _server
    for schema in list(_all_schemas):
        _drop_schema(schema)
    for free in _free_schemas.values():
        free.clear()
    if _server is not None:
        _server.dispose()
        _server = None
