from typing import Any

import httpx
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.ticket_status import ActionTicketStatus, code_in
from bot.escalation.client import DeskClient
from bot.escalation.outbox import Outbox
from bot.escalation.retry import RetryPolicy
from tests.actions.conftest import make_tracker
from tests.desk.conftest import ticket_body

ME = "web-0123456789abcdef"
SOMEONE_ELSE = "web-fedcba9876543210"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("phiếu HT-000123 sao rồi", "HT-000123"),
        ("kiem tra phieu ht 123", "HT-000123"),
        ("ht000457 xong chưa", "HT-000457"),
        ("mã tạm CHO-000002", "CHO-000002"),
        ("phiếu của tôi đến đâu rồi", None),
        ("HTML bị lỗi", None),
    ],
)
def test_codes_are_found_however_they_are_typed(text: str, code: str | None) -> None:
    assert code_in(text) == code


async def open_ticket(staff: httpx.AsyncClient, owner: str, number: int, **changes: object) -> str:
    body = ticket_body(
        requester={"channel": "local", "user_id": owner},
        summary=f"Không đăng nhập được ({number})",
        **changes,
    )
    headers = {"Idempotency-Key": f"status-test-{owner}-{number}"}
    response = await staff.post("/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201
    return str(response.json()["code"])


async def ask(
    desk: DeskClient, outbox: Outbox, text: str, sender: str = ME
) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ticket_status", text=text, sender=sender)
    assert await ActionTicketStatus(desk, outbox).run(dispatcher, tracker, {}) == []
    messages: list[dict[str, Any]] = dispatcher.messages
    return messages


async def test_a_ticket_by_code_shows_its_status_and_latest_reply(
    desk: DeskClient, staff: httpx.AsyncClient, outbox: Outbox
) -> None:
    code = await open_ticket(staff, ME, 1)
    (message,) = await ask(desk, outbox, f"phiếu {code} sao rồi")
    assert (message["response"], message["status"]) == (
        "utter_ticket_status_one_no_reply",
        "Mới",
    )
    await staff.post(
        f"/api/v1/tickets/{code}/replies", json={"author": "Trần B", "text": "Đã cấp lại mật khẩu"}
    )
    await staff.post(
        f"/api/v1/tickets/{code}/status", json={"status": "resolved", "author": "Trần B"}
    )
    (message,) = await ask(desk, outbox, f"phiếu {code} sao rồi")
    assert message["response"] == "utter_ticket_status_one"
    assert (message["status"], message["author"], message["reply"]) == (
        "Đã giải quyết",
        "Trần B",
        "Đã cấp lại mật khẩu",
    )


async def test_another_officials_ticket_is_answered_as_if_it_did_not_exist(
    desk: DeskClient, staff: httpx.AsyncClient, outbox: Outbox
) -> None:
    theirs = await open_ticket(staff, SOMEONE_ELSE, 1)
    (message,) = await ask(desk, outbox, f"phiếu {theirs}")
    (missing,) = await ask(desk, outbox, "phiếu HT-999999")
    assert message["response"] == missing["response"] == "utter_ticket_status_not_found"
    assert "summary" not in message


# Questions without a code: tests/actions/test_recent_tickets.py.


async def test_a_local_code_tells_whether_the_ticket_was_delivered(
    desk: DeskClient, staff: httpx.AsyncClient, outbox: Outbox
) -> None:
    local = outbox.enqueue({"summary": "x"}, "queued-key-0001", "local", ME)
    (message,) = await ask(desk, outbox, f"phiếu {local}")
    assert message["response"] == "utter_ticket_status_waiting"
    (message,) = await ask(desk, outbox, f"phiếu {local}", sender=SOMEONE_ELSE)
    assert message["response"] == "utter_ticket_status_not_found"
    code = await open_ticket(staff, ME, 1)
    row = outbox.find("queued-key-0001")
    assert row is not None and outbox.mark_delivered(row.id, code)
    (message,) = await ask(desk, outbox, f"phiếu {local}")
    assert (message["response"], message["code"]) == ("utter_ticket_status_one_no_reply", code)


@pytest.mark.parametrize("question", ["phiếu HT-000001", "phiếu hôm qua của tôi sao rồi"])
async def test_with_the_system_down_the_official_is_told_to_try_later(
    outbox: Outbox, question: str
) -> None:
    down = DeskClient(
        httpx.AsyncClient(
            transport=httpx.MockTransport(lambda r: httpx.Response(503)), base_url="http://desk"
        ),
        RetryPolicy(attempts=1),
    )
    (message,) = await ask(down, outbox, question)
    assert message["response"] == "utter_ticket_status_unavailable"
