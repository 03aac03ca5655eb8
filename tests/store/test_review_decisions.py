"""Trainers' decisions on the review queue, kept per question, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from bot.store.database import make_engine, migrate
from bot.store.review_decisions import ATTACHED, DISMISSED, Decision, ReviewDecisions
from tests.store.test_notification_tables import alembic
from tests.support.databases import migrated_store_url, postgres_schema_url

NOW = datetime(2026, 12, 5, 9, 0)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    for url in migrated_store_url(str(request.param), tmp_path):
        engine = make_engine(url)
        yield engine
        engine.dispose()


def decision(group: str, kind: str, at: datetime = NOW, article: str | None = None) -> Decision:
    version = 2 if article else None
    return Decision(group, f"câu hỏi {group}", kind, article, version, "Phạm Thu Hà", "desk", at)


def test_a_decision_is_kept_for_every_question_of_its_group(engine: Engine) -> None:
    decisions = ReviewDecisions(engine)
    assert decisions.decided() == set() and decisions.recent() == []
    decisions.record(decision("g1", ATTACHED, article="hntt.tham_gia"), ["q1", "q2", "q2"])
    later = NOW.replace(hour=10)
    decisions.record(decision("g2", DISMISSED, later), ["q3"])
    decisions.record(decision("g3", DISMISSED), [])  # a group of no question keeps nothing

    assert decisions.decided() == {"q1", "q2", "q3"}
    assert decisions.recent() == [
        decision("g2", DISMISSED, later),
        decision("g1", ATTACHED, article="hntt.tham_gia"),
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'helpdesk.db'}"
    else:
        yield from postgres_schema_url()


def test_the_migration_adds_the_table_and_goes_back(empty_url: str) -> None:
    migrate(empty_url)
    engine = make_engine(empty_url)
    assert "review_decisions" in inspect(engine).get_table_names()
    engine.dispose()
    command.downgrade(alembic(empty_url), "0007_reach")
    engine = make_engine(empty_url)
    assert "review_decisions" not in inspect(engine).get_table_names()
    engine.dispose()
