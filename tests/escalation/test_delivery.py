from __future__ import annotations

import pytest

from bot.escalation.client import DeskClient, DeskRejected, Ticket
from bot.escalation.delivery import deliver_pending, escalate
from bot.escalation.outbox import DELIVERED, REJECTED, Outbox
from tests.escalation.fake_desk import TOKEN, FakeDesk, payload


class Notices:
    """The notify callback, recording who was told what."""

    def __init__(self, fail_for: set[str] | None = None) -> None:
        self.sent: list[tuple[str, str, str, str]] = []
        self.fail_for = fail_for or set()

    async def __call__(self, channel: str, recipient: str, local_code: str, ticket: Ticket) -> None:
        if recipient in self.fail_for:
            raise RuntimeError("telegram is down")
        self.sent.append((channel, recipient, local_code, ticket.code))


def key(number: int) -> str:
    return f"conv-{number:04d}-escalation"


def queue(outbox: Outbox, *numbers: int, phone: str = "0912345678") -> None:
    for number in numbers:
        outbox.enqueue(payload(number, phone), key(number), "telegram", f"user-{number}")


async def test_escalate_returns_the_ticket_when_the_system_answers(
    client: DeskClient, desk: FakeDesk, sqlite_outbox: Outbox
) -> None:
    result = await escalate(payload(), key(1), "telegram", "user-1", client, sqlite_outbox)
    assert not result.queued
    assert result.ticket is not None
    assert result.ticket.code == desk.code_for(key(1))
    assert result.local_code is None
    assert sqlite_outbox.pending() == []


async def test_escalate_queues_with_a_local_code_when_the_system_is_down(
    client: DeskClient, desk: FakeDesk, sqlite_outbox: Outbox
) -> None:
    desk.down = True
    result = await escalate(payload(), key(1), "zalo", "user-1", client, sqlite_outbox)
    assert result.queued
    assert result.local_code == "CHO-000001"
    (row,) = sqlite_outbox.pending()
    assert (row.idempotency_key, row.channel, row.recipient) == (key(1), "zalo", "user-1")
    again = await escalate(payload(), key(1), "zalo", "user-1", client, sqlite_outbox)
    assert again.local_code == "CHO-000001"
    assert len(sqlite_outbox.pending()) == 1


async def test_escalate_lets_rejections_through_and_queues_what_configuration_can_fix(
    client: DeskClient, desk: FakeDesk, sqlite_outbox: Outbox
) -> None:
    with pytest.raises(DeskRejected):
        await escalate(payload(1, "12345"), key(1), "web", "u", client, sqlite_outbox)
    assert sqlite_outbox.pending() == []
    desk.token = "another-token"
    result = await escalate(payload(2), key(2), "web", "u", client, sqlite_outbox)
    assert result.queued and result.local_code is not None
    desk.token = TOKEN
    notices = Notices()
    assert (await deliver_pending(sqlite_outbox, client, notices)).delivered == 1
    assert desk.created == 1


async def test_a_retried_escalation_that_gets_through_settles_its_queued_row(
    client: DeskClient, desk: FakeDesk, sqlite_outbox: Outbox
) -> None:
    desk.down = True
    await escalate(payload(), key(1), "web", "user-1", client, sqlite_outbox)
    desk.down = False
    result = await escalate(payload(), key(1), "web", "user-1", client, sqlite_outbox)
    assert result.ticket is not None
    assert result.local_code == "CHO-000001"
    notices = Notices()
    assert (await deliver_pending(sqlite_outbox, client, notices)).delivered == 0
    assert notices.sent == []  # the official already got the ticket in the reply


async def test_delivery_sends_pending_rows_in_order_and_notifies_each_once(
    client: DeskClient, desk: FakeDesk, sqlite_outbox: Outbox
) -> None:
    queue(sqlite_outbox, 1, 2, 3)
    notices = Notices()
    report = await deliver_pending(sqlite_outbox, client, notices, batch=2)
    assert (report.delivered, report.rejected, report.failed, report.stopped) == (3, 0, 0, None)
    assert notices.sent == [
        ("telegram", "user-1", "CHO-000001", "HT-000001"),
        ("telegram", "user-2", "CHO-000002", "HT-000002"),
        ("telegram", "user-3", "CHO-000003", "HT-000003"),
    ]
    assert (await deliver_pending(sqlite_outbox, client, notices)).delivered == 0
    assert len(notices.sent) == 3
    delivered = sqlite_outbox.find(key(2))
    assert delivered is not None
    assert (delivered.status, delivered.ticket_code) == (DELIVERED, "HT-000002")


async def test_delivery_stops_at_the_first_unavailable_and_keeps_the_order(
    client: DeskClient, desk: FakeDesk, sqlite_outbox: Outbox
) -> None:
    queue(sqlite_outbox, 1, 2, 3)
    desk.crash_after_create.add(key(2))  # created, then the system goes down mid-response
    notices = Notices()
    report = await deliver_pending(sqlite_outbox, client, notices)
    assert (report.delivered, report.failed, report.stopped) == (1, 1, "DeskUnavailable")
    assert [row.local_code for row in sqlite_outbox.pending()] == ["CHO-000002", "CHO-000003"]
    assert sqlite_outbox.pending()[0].attempts == 1
    assert sqlite_outbox.pending()[1].attempts == 0  # not even tried
    desk.down = False
    report = await deliver_pending(sqlite_outbox, client, notices)
    assert report.delivered == 2
    assert desk.created == 3  # the ticket made before the crash was found again, not remade
    assert [notice[2:] for notice in notices.sent] == [
        ("CHO-000001", "HT-000001"),
        ("CHO-000002", "HT-000002"),
        ("CHO-000003", "HT-000003"),
    ]


async def test_a_rejected_row_is_marked_rejected_without_the_phone_and_the_pass_goes_on(
    client: DeskClient, desk: FakeDesk, sqlite_outbox: Outbox
) -> None:
    queue(sqlite_outbox, 1)
    queue(sqlite_outbox, 2, phone="091234567")  # a digit short: the server refuses it
    queue(sqlite_outbox, 3)
    notices = Notices()
    report = await deliver_pending(sqlite_outbox, client, notices)
    assert (report.delivered, report.rejected, report.stopped) == (2, 1, None)
    assert [notice[1] for notice in notices.sent] == ["user-1", "user-3"]
    rejected = sqlite_outbox.find(key(2))
    assert rejected is not None
    assert rejected.status == REJECTED
    assert rejected.last_error == "số điện thoại [phone] không hợp lệ"


async def test_an_auth_error_stops_the_pass_and_the_rows_wait_for_a_good_token(
    client: DeskClient, desk: FakeDesk, sqlite_outbox: Outbox
) -> None:
    queue(sqlite_outbox, 1, 2)
    desk.token = "rotated-token"
    report = await deliver_pending(sqlite_outbox, client, Notices())
    assert (report.delivered, report.rejected, report.stopped) == (0, 0, "DeskAuthError")
    assert len(desk.requests) == 1
    desk.token = TOKEN
    assert (await deliver_pending(sqlite_outbox, client, Notices())).delivered == 2


async def test_a_crash_between_creating_and_marking_delivered_makes_no_second_ticket(
    client: DeskClient, desk: FakeDesk, sqlite_outbox: Outbox
) -> None:
    queue(sqlite_outbox, 1)
    (row,) = sqlite_outbox.pending()
    await client.create_ticket(row.payload, row.idempotency_key)  # the pass that then died
    notices = Notices()
    report = await deliver_pending(sqlite_outbox, client, notices)
    assert report.delivered == 1
    assert desk.created == 1
    assert notices.sent == [("telegram", "user-1", "CHO-000001", "HT-000001")]


async def test_a_failed_notice_is_counted_and_never_causes_a_second_delivery(
    client: DeskClient, desk: FakeDesk, sqlite_outbox: Outbox
) -> None:
    queue(sqlite_outbox, 1, 2)
    notices = Notices(fail_for={"user-1"})
    report = await deliver_pending(sqlite_outbox, client, notices)
    assert (report.delivered, report.notify_failed) == (2, 1)
    assert [notice[1] for notice in notices.sent] == ["user-2"]
    assert sqlite_outbox.pending() == []
    assert desk.created == 2
