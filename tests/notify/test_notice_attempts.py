"""Each notice once, a bounded number of tries, and one official's failure blocking no other."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.cli.main import main
from bot.escalation.client import DeskClient
from bot.messages import LOCAL, Notifier, OutgoingMessage
from bot.metrics import NotifierMetrics
from bot.notify.feed import FeedCursor, FeedWatcher
from bot.notify.notices import MAX_ATTEMPTS, SET_ASIDE, NoticeLog, retry_delay
from bot.store.database import make_engine
from bot.store.kept_notices import WAITING, KeptNotices
from tests.escalation.fake_desk import FakeDesk
from tests.notify.conftest import Recorder
from tests.notify.test_feed import open_ticket

ZALO_OFFICIAL = "zalo-2468135790123456789"


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 8, 0)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Broken:
    """A channel that never delivers, and counts how often it was asked to."""

    tries: int = 0

    async def send(self, recipient: str, message: OutgoingMessage) -> None:
        self.tries += 1
        raise RuntimeError(f"Zalo is down for {recipient} 0912345678")


def move_cursor_table(engine: Engine, away: bool) -> None:
    """Take the cursor's table out of reach (or bring it back): the store fails mid-pass."""
    names = ("feed_cursor", "feed_cursor_away")
    old, new = names if away else reversed(names)
    with engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))


async def test_a_notice_sent_just_before_a_crash_is_not_sent_again(
    desk: FakeDesk, client: DeskClient, engine: Engine
) -> None:
    local = Recorder()
    code = await open_ticket(client, 1)
    desk.reply(code, "Trả lời")

    class CrashAfterSending:
        """Delivers, then the store fails before the cursor can move past the notice."""

        async def send(self, recipient: str, message: OutgoingMessage) -> None:
            await local.send(recipient, message)
            move_cursor_table(engine, away=True)

    with pytest.raises(SQLAlchemyError):
        await FeedWatcher(client, Notifier({LOCAL: CrashAfterSending()}), engine).poll_once()
    move_cursor_table(engine, away=False)
    assert FeedCursor(engine).read() == 1  # the creation; the reply was sent, not settled

    report = await FeedWatcher(client, Notifier({LOCAL: local}), engine).poll_once()

    assert len(local.sent) == 1 and report.sent == 0
    assert FeedCursor(engine).read() == 2


async def test_one_officials_failing_channel_blocks_no_other_and_is_set_aside_at_last(
    desk: FakeDesk,
    client: DeskClient,
    engine: Engine,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock, metrics = Clock(), NotifierMetrics()
    zalo, local = Broken(), Recorder()
    stuck = await open_ticket(client, 1, channel="zalo", user=ZALO_OFFICIAL)
    told = await open_ticket(client, 2)
    desk.reply(stuck, "Trả lời cho người dùng Zalo")
    desk.reply(told, "Trả lời thứ nhất")

    def watcher() -> FeedWatcher:
        notifier = Notifier({LOCAL: local, "zalo": zalo})
        notices = NoticeLog(engine, clock=clock)
        return FeedWatcher(client, notifier, engine, notices=notices, metrics=metrics)

    first = await watcher().poll_once()
    assert local.texts == [local.texts[0]] and local.texts[0].endswith(": Trả lời thứ nhất")
    assert (first.sent, first.failed, zalo.tries) == (1, 1, 1)
    assert FeedCursor(engine).read() == 2  # both creations; the Zalo notice holds it there

    # The first retry is the very next pass; later ones wait their turn, and not a pass less.
    # The other official is told once, however often the feed is read again meanwhile.
    desk.reply(told, "Trả lời thứ hai")
    second = await watcher().poll_once()
    assert (zalo.tries, second.failed, second.sent) == (2, 1, 1)
    for attempt in range(3, MAX_ATTEMPTS + 1):
        clock.now += retry_delay(attempt - 1) - timedelta(seconds=1)
        early = await watcher().poll_once()
        assert (zalo.tries, early.waiting, early.sent) == (attempt - 1, 1, 0)
        clock.now += timedelta(seconds=1)
        with caplog.at_level(logging.WARNING):
            await watcher().poll_once()
        assert zalo.tries == attempt
    assert [t.rsplit(": ", 1)[1] for t in local.texts] == ["Trả lời thứ nhất", "Trả lời thứ hai"]

    (aside,) = NoticeLog(engine).set_aside()
    assert (aside.ticket_code, aside.channel, aside.state) == (stuck, "zalo", SET_ASIDE)
    assert (aside.attempts, aside.last_error) == (MAX_ATTEMPTS, "RuntimeError")
    assert FeedCursor(engine).read() == 5  # past everything: nothing holds it any more
    assert metrics.value("notices_set_aside", channel="zalo") == 1
    assert metrics.value("notice_failures", channel="zalo") == MAX_ATTEMPTS - 1
    assert metrics.value("notices_sent", channel=LOCAL) == 2
    assert f"ticket {stuck}: notice set aside after {MAX_ATTEMPTS} failed attempts" in caplog.text
    assert "0912345678" not in caplog.text and ZALO_OFFICIAL not in caplog.text

    await watcher().poll_once()
    assert zalo.tries == MAX_ATTEMPTS  # never tried again

    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)
    monkeypatch.setenv("HELPDESK_DATABASE_URL", database_url)
    assert main(["notifier", "--set-aside"]) == 0
    listed = capsys.readouterr().out
    assert f"Phiếu {stuck}, kênh zalo: {MAX_ATTEMPTS} lần không gửi được" in listed
    assert told not in listed and "0912345678" not in listed


def test_the_waits_between_tries_grow_and_are_capped() -> None:
    waits = [retry_delay(n).total_seconds() for n in range(1, 8)]
    assert waits == [0, 60, 240, 960, 1800, 1800, 1800]


def test_with_nothing_set_aside_the_list_says_so(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)
    monkeypatch.setenv("HELPDESK_DATABASE_URL", database_url)
    assert main(["notifier", "--set-aside"]) == 0
    assert "Không có thông báo nào bị thôi gửi." in capsys.readouterr().out


def test_the_list_names_the_replies_still_waiting_for_their_official_without_their_text(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = make_engine(database_url)
    kept = KeptNotices(store)
    notice, _ = kept.keep("desk:3", "zalo", "zalo-1", "HT-000003", "Bí mật 0912345678", "Ngắn")
    kept.settle(notice.id, WAITING, "outside_window", count_attempt=False)
    store.dispose()
    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)
    monkeypatch.setenv("HELPDESK_DATABASE_URL", database_url)

    assert main(["notifier", "--set-aside"]) == 0

    listed = capsys.readouterr().out
    assert "- Phiếu HT-000003, kênh zalo: chờ người hỏi nhắn lại (outside_window)" in listed
    assert "Bí mật" not in listed and "zalo-1" not in listed
