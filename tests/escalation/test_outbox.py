from __future__ import annotations

import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from bot.escalation.outbox import DELIVERED, PENDING, REJECTED, Outbox, mask_phones
from bot.store import database
from bot.store.database import make_engine, migrate
from bot.store.schema import metadata, outbox
from tests.escalation.fake_desk import payload


def count_rows(store: Outbox) -> int:
    with store._engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(outbox)).scalar_one())


def test_enqueue_gives_local_codes_derived_from_the_row_id(outbox: Outbox) -> None:
    assert outbox.enqueue(payload(1), "key-000001", "telegram", "user-1") == "CHO-000001"
    assert outbox.enqueue(payload(2), "key-000002", "zalo", "user-2") == "CHO-000002"


def test_enqueueing_the_same_key_twice_keeps_one_row_and_one_code(outbox: Outbox) -> None:
    first = outbox.enqueue(payload(1), "key-000001", "telegram", "user-1")
    again = outbox.enqueue(payload(1), "key-000001", "telegram", "user-1")
    assert first == again
    assert count_rows(outbox) == 1


def test_enqueueing_the_same_key_from_many_threads_at_once_keeps_one_row(outbox: Outbox) -> None:
    start = threading.Barrier(6)
    codes: list[str] = []

    def enqueue() -> None:
        start.wait()
        codes.append(outbox.enqueue(payload(1), "key-racing", "web", "user-1"))

    threads = [threading.Thread(target=enqueue) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(codes) == 6
    assert len(set(codes)) == 1
    assert count_rows(outbox) == 1


def test_pending_returns_the_oldest_first_with_their_payload_and_recipient(outbox: Outbox) -> None:
    for number in (1, 2, 3):
        outbox.enqueue(payload(number), f"key-00000{number}", "telegram", f"user-{number}")
    rows = outbox.pending(limit=2)
    assert [row.local_code for row in rows] == ["CHO-000001", "CHO-000002"]
    assert rows[0].payload == payload(1)
    assert rows[0].payload["content"].startswith("Cán bộ")
    assert (rows[0].channel, rows[0].recipient, rows[0].status) == ("telegram", "user-1", PENDING)
    assert (rows[0].attempts, rows[0].ticket_code, rows[0].delivered_at) == (0, None, None)


def test_a_delivered_row_keeps_its_ticket_and_leaves_the_pending_list(outbox: Outbox) -> None:
    outbox.enqueue(payload(1), "key-000001", "telegram", "user-1")
    outbox.enqueue(payload(2), "key-000002", "telegram", "user-2")
    first = outbox.pending()[0]
    assert outbox.mark_delivered(first.id, "HT-000010") is True
    assert outbox.mark_delivered(first.id, "HT-000011") is False  # only one pass moves it
    assert [row.local_code for row in outbox.pending()] == ["CHO-000002"]
    stored = outbox.find("key-000001")
    assert stored is not None
    assert (stored.status, stored.ticket_code) == (DELIVERED, "HT-000010")
    assert stored.delivered_at is not None


def test_a_failure_is_counted_the_row_stays_pending_and_the_phone_never_kept(
    outbox: Outbox,
) -> None:
    outbox.enqueue(payload(1, phone="0987654321"), "key-000001", "telegram", "user-1")
    row_id = outbox.pending()[0].id
    outbox.record_failure(row_id, "HTTP 503 for 0987654321")
    outbox.record_failure(row_id, "ConnectError")
    (row,) = outbox.pending()
    assert (row.attempts, row.last_error) == (2, "ConnectError")
    outbox.record_failure(row_id, "người gửi 0987654321 / +84 987 654 321")
    (row,) = outbox.pending()
    assert row.last_error == "người gửi [phone] / [phone]"


def test_a_rejected_row_keeps_the_reason_and_leaves_the_pending_list(outbox: Outbox) -> None:
    outbox.enqueue(payload(1, phone="0987654321"), "key-000001", "telegram", "user-1")
    row_id = outbox.pending()[0].id
    outbox.mark_rejected(row_id, "số điện thoại 0987654321 không hợp lệ")
    assert outbox.pending() == []
    stored = outbox.find("key-000001")
    assert stored is not None
    assert (stored.status, stored.attempts) == (REJECTED, 1)
    assert stored.last_error == "số điện thoại [phone] không hợp lệ"
    assert outbox.mark_delivered(row_id, "HT-000001") is False


def test_mask_phones_leaves_ticket_codes_and_short_numbers_alone() -> None:
    text = "HT-000123 CHO-000001 HTTP 503 0912.345.678 84912345678"
    assert mask_phones(text) == "HT-000123 CHO-000001 HTTP 503 [phone] [phone]"


def test_the_migrations_create_exactly_the_tables_of_the_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    engine.dispose()


def test_the_outbox_migration_goes_down_and_up_again(database_url: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(database._MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    command.downgrade(config, "0001")
    migrate(database_url)
    engine = make_engine(database_url)
    assert Outbox(engine).enqueue(payload(), "key-000001", "web", "u") == "CHO-000001"
    engine.dispose()


@pytest.mark.parametrize("channel", [None, "x" * 5000], ids=["null_channel", "long_channel"])
def test_a_database_error_while_enqueueing_does_not_carry_the_phone(
    outbox: Outbox, database_url: str, channel: str | None
) -> None:
    if channel and database_url.startswith("sqlite"):
        pytest.skip("SQLite does not enforce the length of a string")
    with pytest.raises(StatementError) as raised:
        outbox.enqueue(payload(1, phone="0987654321"), "key-000001", channel, "user-1")  # type: ignore[arg-type]
    assert "0987654321" not in str(raised.value)
    assert count_rows(outbox) == 0
