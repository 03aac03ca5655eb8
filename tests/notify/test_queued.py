from sqlalchemy.engine import Engine

from bot.escalation.client import DeskClient
from bot.escalation.delivery import deliver_pending
from bot.escalation.outbox import Outbox
from bot.messages import LOCAL, Notifier
from bot.notify.local_inbox import LocalInbox
from bot.notify.queued import queued_ticket_notify
from tests.escalation.fake_desk import FakeDesk, payload
from tests.notify.conftest import Recorder

OFFICIAL = "terminal-0123456789ab"


async def test_a_delivered_escalation_tells_the_official_code_and_deadline(
    desk: FakeDesk, client: DeskClient, engine: Engine
) -> None:
    outbox = Outbox(engine)
    local_code = outbox.enqueue(payload(1), "escalation-0001", LOCAL, OFFICIAL)
    notifier = Notifier({LOCAL: LocalInbox(engine)})

    report = await deliver_pending(outbox, client, queued_ticket_notify(notifier))

    assert (report.delivered, report.notify_failed) == (1, 0)
    (message,) = LocalInbox(engine).fetch(OFFICIAL)
    code = desk.code_for("escalation-0001")
    # The fake desk's deadline is 08:00 UTC on 6 March 2025: 15:00 in Vietnam.
    assert message.text.startswith(
        f"Yêu cầu tạm {local_code} của anh/chị đã được chuyển thành phiếu {code}, "
        "hạn xử lý 15:00 06/03/2025."
    )


async def test_an_escalation_from_an_unregistered_channel_is_delivered_without_notice(
    desk: FakeDesk, client: DeskClient, sqlite_engine: Engine
) -> None:
    outbox = Outbox(sqlite_engine)
    outbox.enqueue(payload(1), "escalation-0001", "zalo", "zalo-user")
    local = Recorder()

    report = await deliver_pending(outbox, client, queued_ticket_notify(Notifier({LOCAL: local})))

    assert (report.delivered, report.notify_failed) == (1, 1)
    assert local.sent == []
    assert desk.created == 1
