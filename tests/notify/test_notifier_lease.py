"""Two notifiers on one store: one sends, the other waits and takes over; over the real desk."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.assistant.processes import free_port
from bot.escalation.client import DeskClient
from bot.escalation.outbox import Outbox
from bot.escalation.retry import RetryPolicy
from bot.messages import LOCAL
from bot.metrics import NotifierMetrics
from bot.notify.feed import FeedWatcher
from bot.notify.lease import SendingLease
from bot.notify.local_inbox import LocalInbox
from bot.notify.queued import queued_ticket_notify
from bot.notify.settings import NotifierSettings
from bot.notify.worker import NotifierWorker, build_notifier
from bot.store.leases import Leases
from tests.channels.telegram.fakes import eventually
from tests.notify.conftest import Recorder
from tests.support.desk_server import ASSISTANT, STAFF, DeskServer

OFFICIALS = [f"web-{n:024d}" for n in range(3)]


async def no_wait(seconds: float) -> None:
    return None


async def open_with_reply(url: str, number: int, official: str, reply: str) -> str:
    """A ticket of `official` opened as the assistant, and a staff reply to it."""
    body = {
        "summary": f"Không ký số được văn bản ({number})",
        "content": "Người dùng: ký số báo lỗi chứng thư",
        "unit": "UBND xã Quảng Phú",
        "requester": {"channel": LOCAL, "user_id": official},
        "phone": "0912345678",
        "software": "kyso",
    }
    headers = {"Authorization": f"Bearer {ASSISTANT}"}
    async with httpx.AsyncClient(base_url=url, headers=headers) as http:
        client = DeskClient(http, RetryPolicy(attempts=2, sleep=no_wait))
        ticket = await client.create_ticket(body, f"escalation-lease-{number:04d}")
    await add_reply(url, ticket.code, reply)
    return ticket.code


async def add_reply(url: str, code: str, text: str) -> None:
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {STAFF}"}) as s:
        answer = await s.post(
            f"/api/v1/tickets/{code}/replies", json={"author": "Cán bộ B", "text": text}
        )
    assert answer.status_code == 201


@dataclass
class Running:
    """A notifier worker running in a task until its own `stop`."""

    worker: NotifierWorker
    lease: SendingLease
    stop: asyncio.Event
    task: asyncio.Task[None]


@asynccontextmanager
async def notifier(url: str, engine: Engine) -> AsyncIterator[Running]:
    """A notifier process as the command builds it: its own desk client, lease and channels."""
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {ASSISTANT}"}
    ) as http:
        client = DeskClient(http, RetryPolicy(attempts=2, sleep=no_wait))
        channels = build_notifier(engine)
        lease = SendingLease(Leases(engine))
        worker = NotifierWorker(
            Outbox(engine),
            client,
            FeedWatcher(client, channels, engine),
            queued_ticket_notify(channels),
            poll_seconds=0.02,
            lease=lease,
        )
        stop = asyncio.Event()
        running = Running(worker, lease, stop, asyncio.create_task(worker.run(stop)))
        try:
            yield running
        finally:
            stop.set()
            await running.task


def received(engine: Engine) -> list[str]:
    inbox = LocalInbox(engine)
    return [message.text for official in OFFICIALS for message in inbox.fetch(official)]


async def ticks(*running: Running, more: int = 3) -> None:
    """Wait until each worker has ticked `more` times from now."""
    marks = [r.worker.ticks + more for r in running]
    await eventually(lambda: all(r.worker.ticks >= m for r, m in zip(running, marks, strict=True)))


async def test_two_notifiers_on_one_store_send_each_notice_once(
    desk_server: DeskServer, engine: Engine
) -> None:
    for number, official in enumerate(OFFICIALS):
        await open_with_reply(desk_server.url, number, official, f"Trả lời số {number}")

    async with notifier(desk_server.url, engine) as one, notifier(desk_server.url, engine) as two:
        await eventually(lambda: len(received(engine)) >= 3)
        await ticks(one, two)
        assert [one.lease.held, two.lease.held].count(True) == 1
        holder, waiting = (one, two) if one.lease.held else (two, one)
        # The holder stops and lets go: the other takes over and sends what comes next.
        holder.stop.set()
        await holder.task
        await add_reply(desk_server.url, "HT-000001", "Trả lời thêm")
        await eventually(lambda: len(received(engine)) >= 4)
        await ticks(waiting)
        assert waiting.lease.held

    texts = received(engine)
    assert sorted(t.rsplit(": ", 1)[1] for t in texts) == [
        "Trả lời số 0",
        "Trả lời số 1",
        "Trả lời số 2",
        "Trả lời thêm",
    ]


async def test_a_notifier_that_lost_its_lease_sends_nothing_more(
    desk_server: DeskServer, engine: Engine
) -> None:
    await open_with_reply(desk_server.url, 1, OFFICIALS[0], "Trả lời")
    local = Recorder()
    async with httpx.AsyncClient(
        base_url=desk_server.url, headers={"Authorization": f"Bearer {ASSISTANT}"}
    ) as http:
        watcher = FeedWatcher(DeskClient(http), build_notifier(engine, {LOCAL: local}), engine)
        report = await watcher.poll_once(keep=lambda: False)
    assert (report.sent, report.stopped) == (0, "LeaseLost") and local.sent == []
    assert watcher.position == 1  # the creation needed no notice; the reply waits


async def test_the_notifier_serves_its_metrics_when_a_port_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli.notifier_command import serve

    monkeypatch.setattr(RetryPolicy, "delay", lambda self, retry: 0.0)
    port = free_port()
    settings = NotifierSettings(
        desk_token="assistant-token-123",  # type: ignore[arg-type]
        desk_url="http://127.0.0.1:9",  # nobody listens: ticks fail and are logged
        database_url=f"sqlite:///{tmp_path / 'helpdesk.db'}",
        notifier_poll_seconds=0.05,
        notifier_metrics_port=port,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, stop))
    page = ""

    async def scraped() -> bool:
        nonlocal page
        try:
            async with httpx.AsyncClient() as http:
                page = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
        except httpx.TransportError:
            return False
        return "helpdesk_notifier_lease_held 1.0" in page

    try:
        await eventually(scraped)
    finally:
        stop.set()
        await task
    assert "helpdesk_notifier_notices_set_aside_total" in page
    assert "helpdesk_notifier_zalo_token_refresh_failures_total" in page
    assert isinstance(NotifierMetrics().render(), str)
