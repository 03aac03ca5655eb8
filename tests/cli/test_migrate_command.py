"""`helpdesk migrate`: the store's and the desk's tables brought to this version once, before
the servers of a deployment start (docs/deploy.md), on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from bot.cli.main import main
from bot.desk.database import VERSION_TABLE
from tests.support.databases import empty_postgres_schema_url


def tables(url: str) -> set[str]:
    engine = create_engine(url, future=True)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrate_brings_the_store_and_the_desk_to_this_version_and_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, desk = f"sqlite:///{tmp_path / 'helpdesk.db'}", f"sqlite:///{tmp_path / 'desk.db'}"
    monkeypatch.setenv("HELPDESK_DATABASE_URL", store)
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", desk)
    assert main(["migrate"]) == 0
    assert {"alembic_version", "outbox", "leases"} <= tables(store)
    assert {VERSION_TABLE, "tickets"} <= tables(desk)
    said = capsys.readouterr().err
    assert "Đã cập nhật cơ sở dữ liệu của trợ lý lên phiên bản mới nhất." in said
    assert "Đã cập nhật cơ sở dữ liệu của bàn hỗ trợ lên phiên bản mới nhất." in said


def test_migrate_without_the_desk_leaves_its_database_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'helpdesk.db'}")
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", f"sqlite:///{tmp_path / 'desk.db'}")
    assert main(["migrate", "--no-desk"]) == 0
    assert (tmp_path / "helpdesk.db").exists()
    assert not (tmp_path / "desk.db").exists()


def test_migrate_twice_on_one_postgresql_schema_shared_by_store_and_desk_changes_nothing_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for url in empty_postgres_schema_url():
        monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
        monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", url)
        assert main(["migrate"]) == 0
        first = tables(url)
        assert {"alembic_version", VERSION_TABLE, "outbox", "tickets"} <= first
        assert main(["migrate"]) == 0
        assert tables(url) == first


def test_an_unreachable_database_is_named_by_its_variable_without_the_url_or_its_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Port 9 (discard) is closed on the test machine: the connection is refused at once.
    password = "mat-khau-khong-duoc-in-ra"
    url = f"postgresql+psycopg2://helpdesk:{password}@127.0.0.1:9/helpdesk?connect_timeout=2"
    monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
    assert main(["migrate"]) == 1
    said = capsys.readouterr().err
    assert "Không cập nhật được cơ sở dữ liệu ghi ở HELPDESK_DATABASE_URL" in said
    assert password not in said and "127.0.0.1:9" not in said


def test_a_url_that_is_no_database_url_is_refused_in_vietnamese(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'helpdesk.db'}")
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", "khong-phai-dia-chi")
    assert main(["migrate"]) == 1
    assert "ghi ở HELPDESK_DESK_DATABASE_URL" in capsys.readouterr().err
