"""The escalation alerts' records, on SQLite and PostgreSQL: written once, updated in place."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from bot.store.database import make_engine, migrate
from bot.store.escalation_alerts import FAILED, SENT, SET_ASIDE, AlertMark, EscalationAlerts
from tests.store.test_notification_tables import alembic
from tests.support.databases import migrated_store_url, postgres_schema_url

NOW = datetime(2026, 12, 7, 2, 0)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    for url in migrated_store_url(request.param, tmp_path):
        engine = make_engine(url)
        yield engine
        engine.dispose()


def test_an_alert_is_recorded_then_updated_in_place_by_ticket_level_and_recipient(
    engine: Engine,
) -> None:
    alerts = EscalationAlerts(engine, clock=lambda: NOW)
    alerts.record("HT-000001", "overdue", "group", FAILED, 1, NOW + timedelta(minutes=1))
    alerts.record("HT-000001", "overdue", "group", SENT, 2)
    alerts.record("HT-000001", "overdue", "supervisor:7030405", SET_ASIDE, 5)
    alerts.record("HT-000002", "unanswered", "group", SENT, 1)

    marks = alerts.marks(["HT-000001"])

    assert marks == {
        ("HT-000001", "overdue", "group"): AlertMark(
            "HT-000001", "overdue", "group", SENT, 2, None
        ),
        ("HT-000001", "overdue", "supervisor:7030405"): AlertMark(
            "HT-000001", "overdue", "supervisor:7030405", SET_ASIDE, 5, None
        ),
    }
    assert alerts.marks([]) == {}


@pytest.mark.parametrize(
    ("state", "next_attempt", "due"),
    [
        (FAILED, NOW - timedelta(seconds=1), True),
        (FAILED, NOW + timedelta(seconds=1), False),
        (FAILED, None, True),
        (SENT, None, False),
        (SET_ASIDE, None, False),
    ],
)
def test_only_a_failed_alert_whose_wait_is_over_is_due_again(
    state: str, next_attempt: datetime | None, due: bool
) -> None:
    assert AlertMark("HT-000001", "overdue", "group", state, 1, next_attempt).due(NOW) is due


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'helpdesk.db'}"
    else:
        yield from postgres_schema_url()


def test_the_migration_adds_the_table_and_goes_back(empty_url: str) -> None:
    migrate(empty_url)
    engine = make_engine(empty_url)
    assert "escalation_alerts" in inspect(engine).get_table_names()
    engine.dispose()
    command.downgrade(alembic(empty_url), "0007_reach")
    engine = make_engine(empty_url)
    assert "escalation_alerts" not in inspect(engine).get_table_names()
    engine.dispose()
