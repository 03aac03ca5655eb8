"""200 escalations through an outage, lost responses and crashes: one ticket and one notice each."""

from __future__ import annotations

from collections import defaultdict

from bot.escalation.client import DeskClient, Ticket
from bot.escalation.delivery import deliver_pending, escalate
from bot.escalation.outbox import DELIVERED, Outbox
from tests.escalation.fake_desk import FakeDesk, payload

TOTAL = 200
OUTAGE = range(60, 140)


def key(number: int) -> str:
    return f"conv-{number:04d}-escalation"


async def test_200_escalations_through_an_outage_make_200_tickets_and_notify_everyone_once(
    client: DeskClient, desk: FakeDesk, outbox: Outbox
) -> None:
    told: dict[str, list[str]] = defaultdict(list)  # recipient -> ticket codes they were given
    queued: dict[str, str] = {}  # recipient -> local code they were given meanwhile

    for number in range(TOTAL):
        desk.down = number in OUTAGE
        if number % 7 == 0:
            desk.lose_response.add(key(number))  # created, but the answer never arrives
        if number == 59:
            desk.crash_after_create.add(key(number))  # created, then the outage starts
        recipient = f"user-{number}"
        result = await escalate(payload(number), key(number), "telegram", recipient, client, outbox)
        if result.ticket is not None:
            told[recipient].append(result.ticket.code)
        else:
            assert result.local_code is not None
            queued[recipient] = result.local_code

    assert desk.down is False
    assert len(queued) == len(OUTAGE) + 1  # the outage, and the one created just before it

    notices: list[tuple[str, str]] = []

    async def notify(channel: str, recipient: str, local_code: str, ticket: Ticket) -> None:
        assert channel == "telegram"
        assert queued[recipient] == local_code
        told[recipient].append(ticket.code)
        notices.append((local_code, ticket.code))
        if len(notices) == 25:
            desk.down = True  # the system fails again in the middle of the delivery pass

    first = await deliver_pending(outbox, client, notify, batch=10)
    assert (first.delivered, first.stopped) == (25, "DeskUnavailable")
    desk.down = False
    next_key = outbox.pending(1)[0].idempotency_key
    desk.crash_after_create.add(next_key)
    second = await deliver_pending(outbox, client, notify, batch=10)
    assert (second.delivered, second.stopped) == (0, "DeskUnavailable")
    desk.down = False
    for number in range(TOTAL):
        desk.lose_response.add(key(number))  # any creation from here on loses its first answer
    third = await deliver_pending(outbox, client, notify, batch=10)
    assert (third.delivered, third.rejected, third.stopped) == (len(queued) - 25, 0, None)

    assert first.notify_failed + second.notify_failed + third.notify_failed == 0
    assert desk.created == TOTAL
    codes = {desk.code_for(key(number)) for number in range(TOTAL)}
    assert len(codes) == TOTAL
    assert told == {f"user-{n}": [desk.code_for(key(n))] for n in range(TOTAL)}
    assert [local for local, _ in notices] == sorted(queued.values())  # in the order queued
    assert outbox.pending() == []
    for recipient, local_code in queued.items():
        row = outbox.find(key(int(recipient.removeprefix("user-"))))
        assert row is not None
        assert (row.local_code, row.status) == (local_code, DELIVERED)
        assert row.ticket_code == told[recipient][0]
