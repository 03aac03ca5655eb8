import asyncio
import logging

import pytest
from sqlalchemy.engine import Engine

from bot.escalation.client import DeskClient
from bot.escalation.outbox import Outbox
from bot.messages import LOCAL, Notifier
from bot.notify.cursor_feed import Keep
from bot.notify.feed import FeedReport, FeedWatcher
from bot.notify.local_inbox import LocalInbox
from bot.notify.queued import queued_ticket_notify
from bot.notify.worker import NotifierWorker, build_notifier
from tests.channels.telegram.fakes import eventually
from tests.escalation.fake_desk import FakeDesk, payload
from tests.notify.conftest import Recorder

OFFICIAL = "web-0123456789abcdef"


def worker(
    client: DeskClient, engine: Engine, notifier: Notifier, watcher: FeedWatcher | None = None
) -> NotifierWorker:
    return NotifierWorker(
        Outbox(engine),
        client,
        watcher or FeedWatcher(client, notifier, engine),
        queued_ticket_notify(notifier),
        poll_seconds=0.01,
    )


async def test_a_tick_delivers_the_outbox_before_reading_the_feed(
    desk: FakeDesk, client: DeskClient, sqlite_engine: Engine
) -> None:
    body = payload(1)
    body["requester"] = {"channel": LOCAL, "user_id": OFFICIAL}
    Outbox(sqlite_engine).enqueue(body, "escalation-0001", LOCAL, OFFICIAL)
    notifier = build_notifier(sqlite_engine)

    await worker(client, sqlite_engine, notifier).tick()
    code = desk.code_for("escalation-0001")
    desk.reply(code, "Anh/chị thử lại nhé.")
    await worker(client, sqlite_engine, notifier).tick()

    texts = [m.text for m in LocalInbox(sqlite_engine).fetch(OFFICIAL)]
    assert len(texts) == 2
    assert texts[0].startswith("Yêu cầu tạm CHO-000001")
    assert texts[1].endswith(": Anh/chị thử lại nhé.")


async def test_a_failing_tick_is_logged_and_the_loop_goes_on(
    client: DeskClient, sqlite_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    notifier = Notifier({LOCAL: Recorder()})
    passes: list[int] = []
    stop = asyncio.Event()

    class Flaky(FeedWatcher):
        async def poll_once(self, keep: Keep | None = None) -> FeedReport:
            passes.append(1)
            if len(passes) == 3:
                stop.set()
            raise RuntimeError("boom for 0912345678")

    flaky = Flaky(client, notifier, sqlite_engine)
    with caplog.at_level(logging.ERROR):
        await asyncio.wait_for(worker(client, sqlite_engine, notifier, flaky).run(stop), 5)

    assert len(passes) == 3
    assert "change feed failed (RuntimeError)" in caplog.text
    assert "0912345678" not in caplog.text


async def test_the_loop_ends_soon_after_stop(
    client: DeskClient, desk: FakeDesk, sqlite_engine: Engine
) -> None:
    stop = asyncio.Event()
    notifier = Notifier({LOCAL: Recorder()})
    runner = NotifierWorker(
        Outbox(sqlite_engine),
        client,
        FeedWatcher(client, notifier, sqlite_engine),
        queued_ticket_notify(notifier),
        poll_seconds=60,
    )
    task = asyncio.create_task(runner.run(stop))
    # Its first pass ends with the change feed; then it waits its 60 seconds.
    await eventually(lambda: any(r.url.path == "/api/v1/changes" for r in desk.requests))
    stop.set()
    await asyncio.wait_for(task, 2)


def test_the_local_inbox_is_always_registered(sqlite_engine: Engine) -> None:
    notifier = build_notifier(sqlite_engine, {"telegram": Recorder()})
    assert notifier.names == {LOCAL, "telegram"}


def test_the_poll_interval_must_be_positive(client: DeskClient, sqlite_engine: Engine) -> None:
    notifier = Notifier()
    with pytest.raises(ValueError):
        NotifierWorker(
            Outbox(sqlite_engine),
            client,
            FeedWatcher(client, notifier, sqlite_engine),
            queued_ticket_notify(notifier),
            poll_seconds=0,
        )
