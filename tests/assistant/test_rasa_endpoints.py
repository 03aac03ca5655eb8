"""The endpoints `helpdesk rasa` gives Rasa: the committed ones, with the stores the URLs name."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import inspect

from bot.assistant.rasa_endpoints import LOCK_PREFIX, endpoints, write_endpoints
from tests.support.databases import empty_postgres_schema_url


def test_on_sqlite_without_redis_the_committed_endpoints_are_kept(root: Path) -> None:
    committed = yaml.safe_load((root / "endpoints.yml").read_text(encoding="utf-8"))
    assert endpoints(root / "endpoints.yml", "sqlite:///var/helpdesk.db", None) == committed


def test_on_postgresql_the_conversations_live_in_that_database(root: Path) -> None:
    url = "postgresql+psycopg2://helpdesk:mat-khau@db.local:6543/helpdesk"
    found = endpoints(root / "endpoints.yml", url, None)
    assert found["tracker_store"] == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db.local",
        "port": 6543,
        "db": "helpdesk",
        "username": "helpdesk",
        "password": "mat-khau",
    }
    assert found["action_endpoint"]["url"] == "${ACTION_SERVER_URL}"  # the rest is untouched


def test_the_database_url_s_options_reach_rasa_such_as_its_schema(root: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dt_abc"
    found = endpoints(root / "endpoints.yml", url, None)
    assert found["tracker_store"]["query"] == {"options": "-csearch_path=t_abc"}


def test_with_redis_turns_are_also_locked_there(root: Path) -> None:
    found = endpoints(root / "endpoints.yml", None, "rediss://:bi-mat@cache.local:6380/2")
    assert found["lock_store"] == {
        "type": "redis",
        "url": "cache.local",
        "port": 6380,
        "db": 2,
        "key_prefix": LOCK_PREFIX,
        "password": "bi-mat",
        "use_ssl": True,
    }


@pytest.fixture
def postgres() -> Iterator[str]:
    """A new schema of the machine's PostgreSQL."""
    yield from empty_postgres_schema_url()


def test_rasa_builds_its_stores_from_them_on_the_real_servers(root: Path, postgres: str) -> None:
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
    from rasa.utils.endpoints import EndpointConfig

    found = endpoints(root / "endpoints.yml", postgres, "redis://127.0.0.1:6379/0")
    tracker = TrackerStore.create(EndpointConfig.from_dict(found["tracker_store"]))
    assert isinstance(tracker, SQLTrackerStore)
    with tracker.engine.connect() as connection:  # Rasa made its table in the schema named
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
        assert "events" in inspect(connection).get_table_names(schema=schema)
    assert schema in postgres
    locks = LockStore.create(EndpointConfig.from_dict(found["lock_store"]))
    assert isinstance(locks, RedisLockStore)


def test_the_written_file_is_its_owner_s_only(root: Path, tmp_path: Path) -> None:
    url = "postgresql+psycopg2://helpdesk:mat-khau@127.0.0.1/helpdesk"
    written = write_endpoints(tmp_path, root / "endpoints.yml", url, None)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert yaml.safe_load(written.read_text())["tracker_store"]["password"] == "mat-khau"
