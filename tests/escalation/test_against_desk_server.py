"""The client, outbox and delivery against the real desk server, over real HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bot.escalation.client import DeskAuthError, DeskClient
from bot.escalation.delivery import deliver_pending, escalate
from bot.escalation.outbox import Outbox
from bot.escalation.retry import RetryPolicy
from bot.store.database import make_engine, migrate
from tests.support.desk_server import ASSISTANT, STAFF, DeskServer


def payload(number: int) -> dict[str, object]:
    return {
        "summary": f"Không đăng nhập được phần mềm QLVB ({number})",
        "content": "Người dùng: quên mật khẩu <b>qlvb</b>'; DROP TABLE tickets; --",
        "unit": "UBND xã Quảng Phú",
        "requester": {"channel": "web", "user_id": f"web-{number:024x}"},
        "phone": "0912345678",
        "software": "qlvb",
    }


def client(url: str, token: str = ASSISTANT) -> DeskClient:
    http = httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=5.0
    )

    async def no_wait(seconds: float) -> None:
        return None

    return DeskClient(http, RetryPolicy(attempts=2, sleep=no_wait))


async def test_ticket_opened_replied_and_seen_in_the_change_feed(desk_server: DeskServer) -> None:
    desk_client = client(desk_server.url)
    ticket = await desk_client.create_ticket(payload(1), "escalation-0001")
    again = await desk_client.create_ticket(payload(1), "escalation-0001")
    assert (again.code, again.existed) == (ticket.code, True)

    async with httpx.AsyncClient(
        base_url=desk_server.url, headers={"Authorization": f"Bearer {STAFF}"}
    ) as staff:
        reply = await staff.post(
            f"/api/v1/tickets/{ticket.code}/replies",
            json={"author": "Cán bộ hỗ trợ", "text": "Anh/chị thử đặt lại mật khẩu nhé."},
        )
        assert reply.status_code == 201
        status = await staff.post(
            f"/api/v1/tickets/{ticket.code}/status",
            json={"status": "resolved", "author": "Cán bộ hỗ trợ"},
        )
        assert status.status_code == 200

    seen = await desk_client.get_ticket(ticket.code)
    assert seen.status == "resolved"
    assert [n.text for n in seen.notes] == ["Anh/chị thử đặt lại mật khẩu nhé."]
    kinds = [c.kind for c in await desk_client.changes(after=0)]
    assert kinds == ["created", "reply", "status"]


async def test_a_forged_token_is_refused(desk_server: DeskServer) -> None:
    with pytest.raises(DeskAuthError):
        await client(desk_server.url, token="forged").create_ticket(payload(1), "escalation-0002")
    assert (await client(desk_server.url).list_tickets()).total == 0


async def test_escalations_while_the_desk_is_down_are_delivered_once_it_is_back(
    desk_server: DeskServer, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'helpdesk.db'}"
    migrate(url)
    outbox = Outbox(make_engine(url))
    desk_client = client(desk_server.url)
    told: dict[str, str] = {}

    async def notify(channel: str, recipient: str, local_code: str, ticket: object) -> None:
        assert recipient not in told
        told[recipient] = ticket.code  # type: ignore[attr-defined]

    results = []
    for number in range(20):
        if number == 5:
            desk_server.stop()
        if number == 15:
            desk_server.start()
        results.append(
            await escalate(
                payload(number),
                f"escalation-{number:04d}",
                "web",
                f"official-{number}",
                desk_client,
                outbox,
            )
        )
    queued = [r for r in results if r.queued]
    assert len(queued) == 10
    assert all(r.local_code for r in queued)

    report = await deliver_pending(outbox, desk_client, notify)
    assert report.delivered == 10
    assert await deliver_pending(outbox, desk_client, notify) == type(report)()
    page = await desk_client.list_tickets(limit=200)
    assert page.total == 20
    assert len(told) == 10
