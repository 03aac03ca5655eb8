"""A real PostgreSQL database for tests: a fresh schema per test, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import create_engine, text

from bot.store.database import migrate

POSTGRES = os.environ.get("HELPDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_schema_url() -> Iterator[str]:
    """A fresh schema on the PostgreSQL server; CI must have one, elsewhere it may be absent."""
    engine = create_engine(POSTGRES, future=True)
    try:
        with engine.connect():
            pass
    except sqlalchemy.exc.OperationalError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no PostgreSQL server answers")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def migrated_store_url(kind: str, folder: Path) -> Iterator[str]:
    """The assistant's store, migrated: a SQLite file in `folder`, or a fresh PostgreSQL schema."""
    urls = (
        iter([f"sqlite:///{folder / 'helpdesk.db'}"]) if kind == "sqlite" else postgres_schema_url()
    )
    for url in urls:
        migrate(url)
        yield url
