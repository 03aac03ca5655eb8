import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import text

from bot.store.database import make_engine, migrate
from bot.store.feedback import FeedbackStore

POSTGRES = os.environ.get("HELPDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_schema_url() -> Iterator[str]:
    """A fresh schema on the PostgreSQL server; CI must have one, elsewhere it may be absent."""
    try:
        engine = make_engine(POSTGRES)
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


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'helpdesk.db'}"
    else:
        yield from postgres_schema_url()


def test_votes_are_stored_and_counted_per_article(database_url: str) -> None:
    migrate(database_url)
    store = FeedbackStore(make_engine(database_url))
    store.record("c1", "qlvb.dang_nhap", True)
    store.record("c2", "qlvb.dang_nhap", True)
    store.record("c3", "qlvb.dang_nhap", False)
    store.record("c3", "hoc.diem_dat", False)
    assert store.counts("qlvb.dang_nhap") == (2, 1)
    assert store.counts("hoc.diem_dat") == (0, 1)
    assert store.counts("kyso.het_han") == (0, 0)


def test_migrating_twice_keeps_the_data(database_url: str) -> None:
    migrate(database_url)
    FeedbackStore(make_engine(database_url)).record("c1", "qlvb.dang_nhap", True)
    migrate(database_url)
    assert FeedbackStore(make_engine(database_url)).counts("qlvb.dang_nhap") == (1, 0)
