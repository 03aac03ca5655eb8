"""`helpdesk purge`: personal data past the retention period goes, the rest stays, on SQLite and
PostgreSQL, with Rasa's conversations saved by Rasa itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, text

from bot.cli.main import main
from bot.escalation.outbox import DELIVERED, PENDING
from bot.store import retention
from bot.store.database import make_engine, migrate
from bot.store.schema import (
    audience,
    contacts,
    escalation_alerts,
    feedback,
    kept_notices,
    local_messages,
    outbox,
    review_decisions,
    seen_updates,
)
from tests.report.conversations import Conversation, save
from tests.support.databases import empty_postgres_schema_url, migrated_sqlite

OLD, RECENT = 400, 10  # days ago, either side of a year
TABLES = (
    "feedback",
    "local_messages",
    "seen_updates",
    "audience",
    "outbox",
    "kept_notices",
    "contacts",
    "escalation_alerts",
    "review_decisions",
)


@dataclass(frozen=True)
class Databases:
    """Where the conversations and the store are, and how `helpdesk purge` is pointed at them."""

    tracker: str
    store: str
    options: list[str]


@pytest.fixture(autouse=True)
def only_what_the_test_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RASA_TRACKER_DB", "HELPDESK_DATABASE_URL", "HELPDESK_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(
    request: pytest.FixtureRequest, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Databases]:
    """Both sides of the cut-off in every table: SQLite files in a state folder, as `helpdesk
    run` keeps them, or one PostgreSQL schema holding Rasa's `events` beside the store."""
    if request.param == "sqlite":
        state = tmp_path / "var"
        found = Databases(
            f"sqlite:///{state / 'rasa_tracker.db'}",
            migrated_sqlite(state / "helpdesk.db"),
            ["--state-dir", str(state)],
        )
        fill(found, root)
        yield found
        return
    for url in empty_postgres_schema_url():
        monkeypatch.setenv("RASA_TRACKER_DB", url)
        monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
        migrate(url)
        found = Databases(url, url, [])
        fill(found, root)
        yield found


def ago(days: int) -> datetime:
    return datetime.utcnow() - timedelta(days=days)


def fill(found: Databases, root: Path) -> None:
    """Conversations and rows from OLD and from RECENT days ago."""
    today = date.today()
    quiet = Conversation("tg-quiet", today - timedelta(days=OLD)).user("xin chào", "greet")
    back = Conversation("tg-back", today - timedelta(days=OLD)).user("xin chào", "greet")
    back_again = Conversation("tg-back", today - timedelta(days=RECENT)).user("lại là tôi", "greet")
    back.events.extend(back_again.events)
    fresh = Conversation("zalo-fresh", today - timedelta(days=RECENT)).user("mật khẩu", "ask")
    save(found.tracker, root / "domain.yml", [quiet, back, fresh])
    engine = make_engine(found.store)
    with engine.begin() as connection:
        for days in (OLD, RECENT):
            when, tag = ago(days), str(days)
            connection.execute(
                insert(feedback).values(
                    conversation_id=tag, article_id="a", helpful=True, created_at=when
                )
            )
            connection.execute(
                insert(local_messages).values(recipient_id=tag, text="x", created_at=when)
            )
            connection.execute(
                insert(seen_updates).values(channel="tg", update_id=tag, seen_at=when)
            )
            connection.execute(
                insert(audience).values(
                    channel="tg", recipient=tag, first_seen=ago(OLD), last_seen=when
                )
            )
            connection.execute(
                insert(contacts).values(
                    channel="zalo", recipient=tag, last_interaction_at=when, updated_at=when
                )
            )
            for state in ("sent", "waiting"):
                connection.execute(
                    insert(kept_notices).values(
                        key=f"desk:{tag}-{state}",
                        channel="zalo",
                        recipient=tag,
                        ticket_code="HT-000001",
                        text="Trả lời",
                        short_text="Ngắn",
                        parts_sent=0,
                        template_sent=False,
                        state=state,
                        attempts=1,
                        created_at=when,
                        updated_at=when,
                    )
                )
            # A failed alert is still retried, however old.
            for state in ("sent", "failed"):
                connection.execute(
                    insert(escalation_alerts).values(
                        ticket_code=f"HT-{days:06d}",
                        level="overdue",
                        recipient=state,
                        state=state,
                        attempts=1,
                        updated_at=when,
                    )
                )
            connection.execute(
                insert(review_decisions).values(
                    question_key=tag,
                    group_key=tag,
                    representative="quên mật khẩu",
                    decision="dismissed",
                    acted_by="trainer",
                    via="desk",
                    acted_at=when,
                )
            )
            for status in (DELIVERED, PENDING):
                connection.execute(
                    insert(outbox).values(
                        idempotency_key=f"{tag}-{status}",
                        payload=json.dumps({"phone": "0912345678"}),
                        channel="telegram",
                        recipient_id=tag,
                        status=status,
                        created_at=when,
                        delivered_at=when if status == DELIVERED else None,
                    )
                )
    engine.dispose()


def counts(found: Databases) -> dict[str, int]:
    """Rows per table, and the senders with a conversation."""
    engine = make_engine(found.store)
    tables = {"feedback": feedback, "local_messages": local_messages, "outbox": outbox}
    tables |= {"seen_updates": seen_updates, "audience": audience}
    tables |= {"kept_notices": kept_notices, "contacts": contacts}
    tables |= {"escalation_alerts": escalation_alerts, "review_decisions": review_decisions}
    with engine.connect() as connection:
        found_counts = {
            name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in tables.items()
        }
    engine.dispose()
    engine = make_engine(found.tracker)
    with engine.connect() as connection:
        senders = connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars()
        found_counts["senders"] = len(list(senders))
        found_counts["events"] = int(
            connection.execute(text("SELECT count(*) FROM events")).scalar_one()
        )
    engine.dispose()
    return found_counts


def quiet_events(found: Databases) -> int:
    engine = make_engine(found.tracker)
    with engine.connect() as connection:
        query = text("SELECT count(*) FROM events WHERE sender_id = 'tg-quiet'")
        number = int(connection.execute(query).scalar_one())
    engine.dispose()
    return number


def purge(root: Path, found: Databases, *options: str) -> int:
    return main(["--root", str(root), "purge", *found.options, *options])


def test_a_purge_deletes_only_what_is_older_than_a_year_and_says_so_per_table(
    root: Path, databases: Databases, capsys: pytest.CaptureFixture[str]
) -> None:
    before, quiet = counts(databases), quiet_events(databases)
    assert quiet > 0

    assert purge(root, databases) == 0

    after = counts(databases)
    # One row of each gone; the outbox's pending old row stays, it still needs someone.
    assert {name: before[name] - after[name] for name in TABLES} == dict.fromkeys(TABLES, 1)
    assert (before["senders"] - after["senders"], before["events"] - after["events"]) == (1, quiet)
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Đã xóa dữ liệu cũ hơn 365 ngày (từ trước ")
    assert out[1] == f"  - events (hội thoại của 1 người): {quiet} dòng"
    assert "  - feedback (đánh giá câu trả lời): 1 dòng" in out
    assert "  - outbox (yêu cầu hỗ trợ gửi chậm đã chuyển xong): 1 dòng" in out
    assert len(out) == 2 + len(TABLES)

    assert purge(root, databases) == 0  # nothing left to go
    assert counts(databases) == after
    assert capsys.readouterr().out.count(": 0 dòng") == 1 + len(TABLES)


def test_a_dry_run_counts_and_deletes_nothing(
    root: Path, databases: Databases, capsys: pytest.CaptureFixture[str]
) -> None:
    before = counts(databases)

    assert purge(root, databases, "--dry-run", "--older-than", "365") == 0

    assert counts(databases) == before
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Chạy thử, chưa xóa gì.")
    assert out[1] == f"  - events (hội thoại của 1 người): {quiet_events(databases)} dòng"
    assert "  - audience (người nhận thông báo đã lâu không nhắn): 1 dòng" in out


def test_the_period_comes_from_the_option_or_helpdesk_retention_days(
    root: Path, databases: Databases, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HELPDESK_RETENTION_DAYS", "5000")
    before = counts(databases)
    assert purge(root, databases) == 0
    assert counts(databases) == before  # nothing is 5000 days old

    assert purge(root, databases, "--older-than", "5") == 0
    after = counts(databases)
    assert (after["senders"], after["events"], after["feedback"]) == (0, 0, 0)
    assert after["outbox"] == 2  # the pending rows


def test_missing_files_are_said_and_left_uncreated(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "nothing-here"
    assert main(["--root", str(root), "purge", "--state-dir", str(state)]) == 0
    out = capsys.readouterr().out
    assert "chưa có tệp" in out and not state.exists()


def test_a_wrong_period_is_refused(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--root", str(root), "purge", "--older-than", "0"])
    assert "--older-than: giá trị '0' không hợp lệ" in capsys.readouterr().err


def test_the_delivered_state_is_the_outboxs() -> None:
    assert retention.DELIVERED == DELIVERED
