"""Fixtures of the report's tests: a tracker store, a store with votes, tickets on the desk."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.report.period import today
from bot.store.database import make_engine
from bot.store.feedback import FeedbackStore
from tests.report import scenario
from tests.report.conversations import save
from tests.support.databases import migrated_sqlite

_SETTINGS = ("HELPDESK_DESK_URL", "HELPDESK_DESK_TOKEN", "RASA_TRACKER_DB", "HELPDESK_DATABASE_URL")


@pytest.fixture(autouse=True)
def no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test sets: the machine's own settings must not reach its report."""
    for name in _SETTINGS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def day() -> date:
    """Today in Vietnam, as the report's default period counts."""
    return today()


@pytest.fixture
def tracker_url(tmp_path: Path, root: Path, day: date) -> str:
    """Rasa's SQL tracker store (SQLite) holding the scenario's conversations."""
    url = f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    save(url, root / "domain.yml", scenario.conversations(day))
    return url


@pytest.fixture
def store_url(tmp_path: Path) -> Iterator[str]:
    """The assistant's store, migrated, with the scenario's votes."""
    url = migrated_sqlite(tmp_path / "helpdesk.db")
    engine = make_engine(url)
    scenario.record_votes(FeedbackStore(engine))
    engine.dispose()
    yield url
