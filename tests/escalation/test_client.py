from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from bot.escalation.client import (
    DeskAuthError,
    DeskClient,
    DeskError,
    DeskRejected,
    DeskUnavailable,
    TicketNotFound,
)
from bot.escalation.retry import RetryPolicy
from tests.escalation.fake_desk import NOW, TOKEN, FakeDesk, payload, ticket_json

KEY = "conv-42-escalation-1"
Step = httpx.Response | type[httpx.TransportError]


class Scripted:
    """A server that answers from a script, one step per request, recording the requests."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, httpx.Response):
            return step
        raise step("simulated", request=request)


@pytest.fixture
async def scripted(retry: RetryPolicy) -> AsyncIterator[Callable[..., Any]]:
    """Build a (server, client) pair from a script; the clients are closed after the test."""
    opened: list[httpx.AsyncClient] = []

    def build(*steps: Step) -> tuple[Scripted, DeskClient]:
        server = Scripted(*steps)
        http = httpx.AsyncClient(
            transport=httpx.MockTransport(server.handle),
            base_url="http://desk.test",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        opened.append(http)
        return server, DeskClient(http, retry)

    yield build
    for http in opened:
        await http.aclose()


def created(status: int = 201) -> httpx.Response:
    return httpx.Response(status, json=ticket_json("HT-000007", payload()))


async def test_create_sends_token_key_and_body_and_reads_the_new_ticket(
    client: DeskClient, desk: FakeDesk
) -> None:
    ticket = await client.create_ticket(payload(), KEY)
    assert ticket.code == "HT-000001"
    assert ticket.status == "new"
    assert ticket.deadline == datetime(2025, 3, 6, 8, tzinfo=timezone.utc)
    assert ticket.notes == ()
    assert ticket.existed is False
    (request,) = desk.requests
    assert request.method == "POST"
    assert request.url == "http://desk.test/api/v1/tickets"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Idempotency-Key"] == KEY
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == payload()


async def test_repeated_key_with_same_body_returns_the_existing_ticket_marked_existed(
    client: DeskClient, desk: FakeDesk
) -> None:
    first = await client.create_ticket(payload(), KEY)
    again = await client.create_ticket(payload(), KEY)
    assert again.code == first.code
    assert (first.existed, again.existed) == (False, True)
    assert desk.created == 1


async def test_connect_error_and_503_are_retried_with_the_same_key_and_body_then_succeed(
    scripted: Callable[..., Any], sleeps: list[float]
) -> None:
    server, client = scripted(httpx.ConnectError, httpx.Response(503), created())
    ticket = await client.create_ticket(payload(), KEY)
    assert ticket.code == "HT-000007"
    assert len(server.requests) == 3
    assert {request.headers["Idempotency-Key"] for request in server.requests} == {KEY}
    assert len({request.content for request in server.requests}) == 1
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize("error", [httpx.ReadTimeout, httpx.ConnectTimeout, httpx.ReadError])
async def test_timeouts_and_dropped_connections_are_retried(
    scripted: Callable[..., Any], error: type[httpx.TransportError]
) -> None:
    server, client = scripted(error, created())
    assert (await client.create_ticket(payload(), KEY)).code == "HT-000007"
    assert len(server.requests) == 2


async def test_reads_are_retried_on_5xx_too(scripted: Callable[..., Any]) -> None:
    ticket = ticket_json("HT-000007", payload())
    server, client = scripted(httpx.Response(502), httpx.Response(200, json=ticket))
    assert (await client.get_ticket("HT-000007")).code == "HT-000007"
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, DeskRejected),
        (401, DeskAuthError),
        (403, DeskAuthError),
        (404, TicketNotFound),
        (409, DeskRejected),
    ],
)
async def test_4xx_is_not_retried_and_raises_its_own_error(
    scripted: Callable[..., Any], sleeps: list[float], status: int, error: type[DeskError]
) -> None:
    body = {"error": "refused", "field": "phone"}
    server, client = scripted(httpx.Response(status, json=body), created())
    with pytest.raises(error) as raised:
        await client.create_ticket(payload(), KEY)
    assert len(server.requests) == 1
    assert sleeps == []
    assert str(raised.value) == "refused"
    if isinstance(raised.value, DeskRejected):
        assert (raised.value.field, raised.value.status) == ("phone", status)


async def test_rejection_without_a_json_body_keeps_the_text(scripted: Callable[..., Any]) -> None:
    _, client = scripted(httpx.Response(400, text="bad request"))
    with pytest.raises(DeskRejected) as raised:
        await client.create_ticket(payload(), KEY)
    assert (raised.value.message, raised.value.field) == ("bad request", None)


async def test_exhausted_retries_raise_desk_unavailable_after_capped_backoff(
    scripted: Callable[..., Any], sleeps: list[float]
) -> None:
    server, client = scripted(httpx.Response(503))
    with pytest.raises(DeskUnavailable, match="3 attempts"):
        await client.create_ticket(payload(), KEY)
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]


async def test_the_waits_between_attempts_double_up_to_the_cap() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    server = Scripted(httpx.Response(503))
    policy = RetryPolicy(attempts=5, base_delay=0.5, max_delay=1.5, sleep=sleep)
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(server.handle), base_url="http://desk.test"
    ) as http:
        with pytest.raises(DeskUnavailable, match="5 attempts failed, the last with HTTP 503"):
            await DeskClient(http, policy).changes()
    assert len(server.requests) == 5
    assert slept == [0.5, 1.0, 1.5, 1.5]


async def test_unreachable_server_raises_desk_unavailable(scripted: Callable[..., Any]) -> None:
    server, client = scripted(httpx.ConnectError)
    with pytest.raises(DeskUnavailable, match="ConnectError"):
        await client.changes()
    assert len(server.requests) == 3


@pytest.mark.parametrize("status", [202, 204, 301, 429])
async def test_a_status_the_contract_does_not_name_is_an_error_and_not_retried(
    scripted: Callable[..., Any], status: int
) -> None:
    server, client = scripted(httpx.Response(status, json={}))
    with pytest.raises(DeskError, match=f"unexpected HTTP {status}"):
        await client.create_ticket(payload(), KEY)
    assert len(server.requests) == 1


async def test_get_answering_201_is_not_a_success(scripted: Callable[..., Any]) -> None:
    _, client = scripted(httpx.Response(201, json=ticket_json("HT-000007", payload())))
    with pytest.raises(DeskError, match="unexpected HTTP 201"):
        await client.get_ticket("HT-000007")


@pytest.mark.parametrize("body", [b"<html>ok</html>", b'{"code": "HT-000007"}', b"[]"])
async def test_a_success_with_a_body_off_the_contract_is_a_desk_error(
    scripted: Callable[..., Any], body: bytes
) -> None:
    _, client = scripted(httpx.Response(201, content=body))
    with pytest.raises(DeskError, match="malformed response"):
        await client.create_ticket(payload(), KEY)


async def test_a_too_short_key_is_refused_before_anything_is_sent(
    client: DeskClient, desk: FakeDesk
) -> None:
    with pytest.raises(ValueError):
        await client.create_ticket(payload(), "short")
    assert desk.requests == []


async def test_get_ticket_reads_notes_and_unknown_code_is_not_found(
    scripted: Callable[..., Any],
) -> None:
    note = {"id": 3, "author": "Chị Lan", "text": "Đã cấp lại mật khẩu", "created_at": NOW}
    body = {**ticket_json("HT-000007", payload()), "status": "resolved", "notes": [note]}
    server, client = scripted(httpx.Response(200, json=body), httpx.Response(404, json={}))
    ticket = await client.get_ticket("HT-000007")
    assert ticket.status == "resolved"
    assert [n.text for n in ticket.notes] == ["Đã cấp lại mật khẩu"]
    assert ticket.notes[0].created_at.tzinfo is not None
    assert server.requests[0].url.path == "/api/v1/tickets/HT-000007"
    with pytest.raises(TicketNotFound):
        await client.get_ticket("HT-999999")


async def test_list_tickets_sends_the_filters_and_reads_the_page(
    scripted: Callable[..., Any],
) -> None:
    items = [ticket_json("HT-000002", payload(2)), ticket_json("HT-000001", payload(1))]
    server, client = scripted(httpx.Response(200, json={"items": items, "total": 9}))
    page = await client.list_tickets(
        status="new",
        requester_id="user-2",
        updated_since=datetime(2025, 3, 1, tzinfo=timezone.utc),
        unit=None,
        limit=2,
    )
    assert [t.code for t in page.items] == ["HT-000002", "HT-000001"]
    assert page.total == 9
    assert dict(server.requests[0].url.params) == {
        "status": "new",
        "requester_id": "user-2",
        "updated_since": "2025-03-01T00:00:00+00:00",
        "limit": "2",
    }


async def test_list_tickets_refuses_an_unknown_filter(scripted: Callable[..., Any]) -> None:
    server, client = scripted(httpx.Response(200, json={"items": [], "total": 0}))
    with pytest.raises(TypeError, match="stauts"):
        await client.list_tickets(stauts="new")
    assert server.requests == []


async def test_changes_reads_the_feed_after_a_position(scripted: Callable[..., Any]) -> None:
    feed = [
        {"position": 5, "kind": "created", "code": "HT-000001", "at": NOW},
        {"position": 6, "kind": "status", "code": "HT-000001", "at": NOW, "status": "resolved"},
    ]
    server, client = scripted(httpx.Response(200, json={"changes": feed}))
    changes = await client.changes(after=4, limit=2)
    assert [(c.position, c.kind, c.status, c.note) for c in changes] == [
        (5, "created", None, None),
        (6, "status", "resolved", None),
    ]
    assert dict(server.requests[0].url.params) == {"after": "4", "limit": "2"}


async def test_a_ticket_carries_its_unit_software_and_urgency_for_staff(
    scripted: Callable[..., Any],
) -> None:
    _, client = scripted(httpx.Response(200, json=ticket_json("HT-000007", payload())))
    ticket = await client.get_ticket("HT-000007")
    assert (ticket.unit, ticket.software, ticket.urgency) == ("UBND xã Tân Phú", "qlvb", "normal")


async def test_add_reply_posts_author_and_text_and_reads_the_note(
    scripted: Callable[..., Any],
) -> None:
    note = {"id": 4, "author": "Minh Trần", "text": "Anh/chị thử lại nhé", "created_at": NOW}
    server, client = scripted(httpx.Response(201, json=note))
    added = await client.add_reply("HT-000007", "Minh Trần", "Anh/chị thử lại nhé")
    assert (added.id, added.author, added.text) == (4, "Minh Trần", "Anh/chị thử lại nhé")
    (request,) = server.requests
    assert (request.method, request.url.path) == ("POST", "/api/v1/tickets/HT-000007/replies")
    assert json.loads(request.content) == {"author": "Minh Trần", "text": "Anh/chị thử lại nhé"}


@pytest.mark.parametrize("failure", [httpx.Response(503), httpx.ReadTimeout, httpx.ConnectError])
async def test_a_reply_is_never_sent_twice(scripted: Callable[..., Any], failure: Step) -> None:
    note = {"id": 4, "author": "B", "text": "x", "created_at": NOW}
    server, client = scripted(failure, httpx.Response(201, json=note))
    with pytest.raises(DeskUnavailable):
        await client.add_reply("HT-000007", "B", "x")
    assert len(server.requests) == 1


async def test_change_status_posts_it_is_retried_like_a_read_and_returns_the_ticket(
    scripted: Callable[..., Any],
) -> None:
    body = {**ticket_json("HT-000007", payload()), "status": "in_progress"}
    server, client = scripted(httpx.Response(502), httpx.Response(200, json=body))
    ticket = await client.change_status("HT-000007", "in_progress", "Minh Trần")
    assert ticket.status == "in_progress"
    assert len(server.requests) == 2
    assert server.requests[1].url.path == "/api/v1/tickets/HT-000007/status"
    assert json.loads(server.requests[1].content) == {
        "status": "in_progress",
        "author": "Minh Trần",
    }


@pytest.mark.parametrize(
    ("status", "error"), [(400, DeskRejected), (403, DeskAuthError), (404, TicketNotFound)]
)
async def test_staff_calls_raise_the_contracts_errors(
    scripted: Callable[..., Any], status: int, error: type[DeskError]
) -> None:
    _, client = scripted(httpx.Response(status, json={"error": "refused", "field": "status"}))
    with pytest.raises(error):
        await client.change_status("HT-000007", "flying", "B")
    with pytest.raises(error):
        await client.add_reply("HT-000007", "B", "x")
