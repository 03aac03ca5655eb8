from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store.database import make_engine, migrate
from bot.store.feedback import FeedbackStore
from tests.support.databases import postgres_schema_url


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
