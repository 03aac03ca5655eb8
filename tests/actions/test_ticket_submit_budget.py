"""A desk that hangs: the official still gets a code in time, and the ticket is opened once.

The desks here are real servers on real sockets: one that never answers at all, and one in
front of the real desk that passes the request on (so the ticket is created) and then never
answers, which is the worst case: a ticket exists that the official was not told about.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actions.ticket_submit import ActionSubmitTicket
from bot.escalation.client import DeskClient
from bot.escalation.delivery import BUDGET_SECONDS
from bot.escalation.outbox import Outbox
from bot.escalation.retry import RetryPolicy
from bot.notify.feed import FeedWatcher
from bot.notify.local_inbox import LocalInbox
from bot.notify.queued import queued_ticket_notify
from bot.notify.worker import NotifierWorker, build_notifier
from bot.rasa_settings import AssistantSettings
from bot.store.database import make_engine
from tests.actions.test_ticket_submit import confirmed
from tests.office_hours.moments import in_office_hours
from tests.support.databases import migrated_sqlite
from tests.support.desk_server import ASSISTANT, DeskServer
from tests.support.served import served_in_thread

BUDGET = 1.0
SENDER = "web-0123456789abcdef"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(migrated_sqlite(tmp_path / "helpdesk.db"))
    yield engine
    engine.dispose()


@pytest.fixture
def silent_desk() -> Iterator[str]:
    """A server that accepts connections and never answers anything."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as server:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


@pytest.fixture
def creates_then_hangs(desk_server: DeskServer) -> Iterator[str]:
    """A proxy that hands ticket creations to the real desk, then never answers them."""
    release = threading.Event()

    async def create(request: Request) -> Response:
        async with httpx.AsyncClient(base_url=desk_server.url) as desk:
            await desk.post(
                "/api/v1/tickets",
                content=await request.body(),
                headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
            )
        await asyncio.to_thread(release.wait, 30)  # the answer that never comes
        return Response(status_code=504)

    app = Starlette(routes=[Route("/api/v1/tickets", create, methods=["POST"])])
    with served_in_thread(app) as url:
        try:
            yield url
        finally:
            release.set()


@pytest.fixture
async def real_desk(desk_server: DeskServer) -> AsyncIterator[DeskClient]:
    """The notifier's client of the real desk."""
    async with httpx.AsyncClient(
        base_url=desk_server.url, headers={"Authorization": f"Bearer {ASSISTANT}"}
    ) as http:
        yield DeskClient(http, RetryPolicy(attempts=1))


async def submit_through(url: str, store: Engine) -> tuple[str, float]:
    """Run the action against the desk at `url` as the action server does; code, seconds."""
    http = httpx.AsyncClient(
        base_url=url,
        headers={"Authorization": f"Bearer {ASSISTANT}"},
        timeout=httpx.Timeout(10.0, connect=3.0),  # the settings' defaults
    )
    async with http:
        action = ActionSubmitTicket(
            DeskClient(http, RetryPolicy()), Outbox(store), BUDGET, clock=in_office_hours
        )
        dispatcher = CollectingDispatcher()
        started = time.monotonic()
        await action.run(dispatcher, confirmed(SENDER), {})
        took = time.monotonic() - started
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ticket_queued"
    return str(message["code"]), took


async def deliver_later(client: DeskClient, store: Engine) -> None:
    """Two notifier ticks, as the notifier would run them."""
    notifier = build_notifier(store)
    worker = NotifierWorker(
        Outbox(store),
        client,
        FeedWatcher(client, notifier, store),
        queued_ticket_notify(notifier),
    )
    await worker.tick()
    await worker.tick()


def test_the_default_budget_ends_well_within_the_gateways_wait() -> None:
    gateway_waits = AssistantSettings().rasa_timeout_seconds
    assert gateway_waits - BUDGET_SECONDS >= 2


async def test_a_desk_that_never_answers_still_gives_the_official_a_code_in_time(
    silent_desk: str, real_desk: DeskClient, store: Engine
) -> None:
    code, took = await submit_through(silent_desk, store)

    assert code == "CHO-000001" and took < BUDGET + 1.0
    await deliver_later(real_desk, store)
    page = await real_desk.list_tickets(requester_id=SENDER)
    assert page.total == 1
    (notice,) = LocalInbox(store).fetch(SENDER)
    assert notice.text.startswith(f"Yêu cầu tạm {code}") and page.items[0].code in notice.text


async def test_a_ticket_the_hanging_desk_created_is_found_again_not_opened_twice(
    creates_then_hangs: str, real_desk: DeskClient, store: Engine
) -> None:
    code, took = await submit_through(creates_then_hangs, store)

    assert took < BUDGET + 1.0
    assert (await real_desk.list_tickets(requester_id=SENDER)).total == 1  # created meanwhile
    await deliver_later(real_desk, store)
    page = await real_desk.list_tickets(requester_id=SENDER)
    assert page.total == 1
    row = Outbox(store).find_local(code)
    assert row is not None and (row.status, row.ticket_code) == ("delivered", page.items[0].code)
    (notice,) = LocalInbox(store).fetch(SENDER)
    assert notice.text.startswith(f"Yêu cầu tạm {code}")
