"""Tickets left waiting escalate: the real desk, the fake Bot API over HTTP, the clock injected.

The desk server runs on the real clock and counts deadlines in the shipped office hours; the
notifier's clock is set, from the ticket's own times, to the moments that matter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.engine import Engine
from telegram.ext import ExtBot

from bot.channels.telegram.channel import telegram_bot
from bot.channels.telegram.staff.alerts import TelegramAlerts
from bot.display import vietnam_time
from bot.escalation.client import Ticket
from bot.notify.escalations import EscalationWatcher
from bot.office_hours.calendar import OfficeHours
from bot.office_hours.loading import Escalation, OfficeSchedule, Supervisor, office_hours_from
from bot.store.escalation_alerts import EscalationAlerts
from tests.channels.telegram.fakes import TOKEN, FakeTelegram, fast_limiter
from tests.channels.telegram.staff.fakes import (
    PHONE,
    PUBLIC_URL,
    STAFF_CHAT,
    STAFF_TOKEN,
    desk_client,
    open_ticket,
    read_ticket,
    said,
)
from tests.support.desk_server import DeskServer

SUPERVISOR = 7030405
HOURS = office_hours_from().hours
SCHEDULE = OfficeSchedule(
    HOURS, Escalation(timedelta(hours=4), (Supervisor("Trần Thị Bình", SUPERVISOR),))
)


class Clock:
    """The notifier's clock, set by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def bot(telegram_url: str) -> AsyncIterator[ExtBot[int]]:
    """The notifier's bot on the fake Bot API."""
    async with telegram_bot(TOKEN, telegram_url, fast_limiter()) as bot:
        yield bot


@pytest.fixture
def clock() -> Clock:
    return Clock()


def watcher(url: str, bot: ExtBot[int], engine: Engine, clock: Clock) -> EscalationWatcher:
    """A notifier's escalations as the command builds them; each one as a restarted notifier."""
    board = TelegramAlerts(bot, STAFF_CHAT, PUBLIC_URL, SCHEDULE.escalation)
    return EscalationWatcher(desk_client(url), board, EscalationAlerts(engine), SCHEDULE, clock)


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def first_alert_time(ticket: Ticket) -> datetime:
    """When 4 working hours without a reply have passed, at a moment the office is open."""
    assert ticket.created_at is not None
    return HOURS.next_opening(HOURS.add_working_time(utc(ticket.created_at), timedelta(hours=4)))


def closed_after(hours: OfficeHours, moment: datetime) -> datetime:
    """The first moment after `moment` (on a 15-minute step) when the office is closed."""
    while hours.is_open(moment):
        moment += timedelta(minutes=15)
    return moment


async def test_an_unanswered_ticket_escalates_to_the_group_then_the_supervisor_each_once(
    desk_server: DeskServer,
    bot: ExtBot[int],
    engine: Engine,
    clock: Clock,
    fake_telegram: FakeTelegram,
) -> None:
    code = await open_ticket(desk_server.url)
    ticket = await read_ticket(desk_server.url, code)
    first = first_alert_time(ticket)

    clock.now = HOURS.add_working_time(utc(ticket.created_at or first), timedelta(hours=3.5))
    early = await watcher(desk_server.url, bot, engine, clock).poll_once()
    assert (early.ran, early.tickets, early.sent) == (True, 1, 0)
    assert fake_telegram.of("sendMessage") == []

    clock.now = first
    await watcher(desk_server.url, bot, engine, clock).poll_once()
    [alert] = said(fake_telegram)
    assert alert.splitlines()[0] == f"⏰ Phiếu {code} chưa có ý kiến xử lý sau 4 giờ làm việc."
    assert f"Xem chi tiết: {PUBLIC_URL}/desk/tickets/{code}" in alert
    assert PHONE not in alert
    assert said(fake_telegram, SUPERVISOR) == []

    again = await watcher(desk_server.url, bot, engine, clock).poll_once()
    assert again.sent == 0 and len(said(fake_telegram)) == 1

    clock.now = HOURS.next_opening(utc(ticket.deadline))
    overdue = await watcher(desk_server.url, bot, engine, clock).poll_once()
    assert overdue.sent == 2
    group, supervisor = fake_telegram.of("sendMessage")[1:]
    assert (int(group["chat_id"]), int(supervisor["chat_id"])) == (STAFF_CHAT, SUPERVISOR)
    assert said(fake_telegram)[1].startswith(f"🔴 Phiếu {code} đã quá hạn xử lý")
    assert "Người giám sát (Trần Thị Bình) được báo ngay sau tin này." in said(fake_telegram)[1]
    [private] = said(fake_telegram, SUPERVISOR)
    assert private.startswith(f"🔴 Kính gửi Trần Thị Bình: phiếu {code} đã quá hạn xử lý")
    assert PHONE not in private

    clock.now += timedelta(minutes=30)
    later = await watcher(desk_server.url, bot, engine, clock).poll_once()
    assert later.sent == 0 and len(fake_telegram.of("sendMessage")) == 3


async def test_nothing_is_sent_outside_office_hours_and_what_was_due_goes_at_the_opening(
    desk_server: DeskServer,
    bot: ExtBot[int],
    sqlite_engine: Engine,
    clock: Clock,
    fake_telegram: FakeTelegram,
) -> None:
    code = await open_ticket(desk_server.url)
    ticket = await read_ticket(desk_server.url, code)
    clock.now = closed_after(HOURS, first_alert_time(ticket))
    # Due by working time, the office closed: past the deadline even, a week on, at night.
    for moment in (clock.now, closed_after(HOURS, utc(ticket.deadline) + timedelta(days=7))):
        clock.now = moment
        report = await watcher(desk_server.url, bot, sqlite_engine, clock).poll_once()
        assert (report.ran, report.closed, report.sent) == (True, True, 0)
    assert fake_telegram.of("sendMessage") == []

    clock.now = HOURS.next_opening(clock.now)
    opening = await watcher(desk_server.url, bot, sqlite_engine, clock).poll_once()
    assert opening.sent == 2  # overdue by then: the group, then the supervisor
    assert [int(sent["chat_id"]) for sent in fake_telegram.of("sendMessage")] == [
        STAFF_CHAT,
        SUPERVISOR,
    ]


async def test_a_ticket_with_a_staff_reply_or_waiting_for_the_official_is_not_chased(
    desk_server: DeskServer,
    bot: ExtBot[int],
    sqlite_engine: Engine,
    clock: Clock,
    fake_telegram: FakeTelegram,
) -> None:
    replied = await open_ticket(desk_server.url, 1)
    waiting = await open_ticket(desk_server.url, 2)
    staff = desk_client(desk_server.url, STAFF_TOKEN)
    await staff.add_reply(replied, "Cán bộ B", "Anh/chị chờ em kiểm tra")
    await staff.change_status(waiting, "waiting_official", "Cán bộ B")
    await staff.aclose()
    ticket = await read_ticket(desk_server.url, replied)

    clock.now = first_alert_time(ticket)
    report = await watcher(desk_server.url, bot, sqlite_engine, clock).poll_once()

    assert (report.tickets, report.sent) == (1, 0)  # only the replied one is the staff's turn
    clock.now = HOURS.next_opening(utc(ticket.deadline))
    overdue = await watcher(desk_server.url, bot, sqlite_engine, clock).poll_once()
    deadline = vietnam_time(ticket.deadline)
    assert [line.splitlines()[0] for line in said(fake_telegram)] == [
        f"🔴 Phiếu {replied} đã quá hạn xử lý ({deadline}), hiện ở trạng thái mới."
    ]
    assert overdue.sent == 2


async def test_a_group_alert_telegram_refuses_is_retried_and_the_supervisor_waits_for_it(
    desk_server: DeskServer,
    bot: ExtBot[int],
    sqlite_engine: Engine,
    clock: Clock,
    fake_telegram: FakeTelegram,
) -> None:
    code = await open_ticket(desk_server.url)
    ticket = await read_ticket(desk_server.url, code)
    clock.now = HOURS.next_opening(utc(ticket.deadline))
    fake_telegram.failing_sends = 1

    failed = await watcher(desk_server.url, bot, sqlite_engine, clock).poll_once()
    retried = await watcher(desk_server.url, bot, sqlite_engine, clock).poll_once()

    assert (failed.failed, failed.sent) == (1, 0)  # the supervisor was not told before the group
    assert retried.sent == 2
    assert [int(sent["chat_id"]) for sent in fake_telegram.of("sendMessage")] == [
        STAFF_CHAT,  # refused
        STAFF_CHAT,
        SUPERVISOR,
    ]


async def test_a_pass_runs_at_most_once_a_minute(
    desk_server: DeskServer,
    bot: ExtBot[int],
    sqlite_engine: Engine,
    clock: Clock,
) -> None:
    escalations = watcher(desk_server.url, bot, sqlite_engine, clock)
    ran = [(await escalations.poll_once()).ran]
    clock.now += timedelta(seconds=30)
    ran.append((await escalations.poll_once()).ran)
    clock.now += timedelta(seconds=31)
    ran.append((await escalations.poll_once()).ran)
    assert ran == [True, False, True]


async def test_a_notifier_that_lost_its_lease_sends_nothing(
    desk_server: DeskServer,
    bot: ExtBot[int],
    sqlite_engine: Engine,
    clock: Clock,
    fake_telegram: FakeTelegram,
) -> None:
    code = await open_ticket(desk_server.url)
    clock.now = HOURS.next_opening(utc((await read_ticket(desk_server.url, code)).deadline))

    report = await watcher(desk_server.url, bot, sqlite_engine, clock).poll_once(lambda: False)

    assert (report.sent, report.stopped) == (0, "LeaseLost")
    assert fake_telegram.of("sendMessage") == []
    assert EscalationAlerts(sqlite_engine).marks([code]) == {}


async def test_a_desk_that_is_down_ends_the_pass_quietly(
    desk_server: DeskServer, bot: ExtBot[int], sqlite_engine: Engine, clock: Clock
) -> None:
    desk_server.stop()
    report = await watcher(desk_server.url, bot, sqlite_engine, clock).poll_once()
    assert (report.ran, report.stopped, report.sent) == (True, "DeskUnavailable", 0)
