"""A status question without a code lists the official's recent tickets, over the real desk
server (HTTP, the assistant's token) and the real outbox."""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import create_engine, update

from actions.ticket_status import ActionTicketStatus
from bot.desk.schema import tickets
from bot.escalation.client import DeskClient
from bot.escalation.outbox import Outbox
from bot.escalation.retry import RetryPolicy
from tests.actions.conftest import make_tracker, pressed
from tests.desk.conftest import ticket_body
from tests.support.desk_server import ASSISTANT, STAFF, DeskServer

ME = ("web", "web-0123456789abcdef")
# Thursday 26/11/2026, 10:00 in Vietnam.
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=timezone.utc)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


class Desk:
    """Tickets opened on the real desk server as officials sent them, on given days."""

    def __init__(self, server: DeskServer, staff: httpx.AsyncClient) -> None:
        self._server, self._staff = server, staff
        self._opened = 0

    async def open(
        self, summary: str, sent: datetime, owner: tuple[str, str] = ME, status: str = "new"
    ) -> str:
        body = ticket_body(summary=summary, requester={"channel": owner[0], "user_id": owner[1]})
        self._opened += 1
        key = f"recent-tickets-{self._opened}"
        response = await self._staff.post(
            "/api/v1/tickets", json=body, headers={"Idempotency-Key": key}
        )
        assert response.status_code == 201, response.text
        code = str(response.json()["code"])
        if status != "new":
            change = {"status": status, "author": "Trần B"}
            assert (
                await self._staff.post(f"/api/v1/tickets/{code}/status", json=change)
            ).is_success
        # The server stamps tickets with its clock; this one was sent on `sent`.
        engine = create_engine(f"sqlite:///{self._server.database}", future=True)
        with engine.begin() as connection:
            at = sent.astimezone(timezone.utc).replace(tzinfo=None)
            connection.execute(
                update(tickets).where(tickets.c.code == code).values(created_at=at, updated_at=at)
            )
        engine.dispose()
        return code


@pytest.fixture
async def desk(desk_server: DeskServer) -> AsyncIterator[Desk]:
    headers = {"Authorization": f"Bearer {STAFF}"}
    async with httpx.AsyncClient(base_url=desk_server.url, headers=headers) as staff:
        yield Desk(desk_server, staff)


@pytest.fixture
async def assistant(desk_server: DeskServer) -> AsyncIterator[DeskClient]:
    headers = {"Authorization": f"Bearer {ASSISTANT}"}
    client = DeskClient(
        httpx.AsyncClient(base_url=desk_server.url, headers=headers), RetryPolicy(attempts=1)
    )
    yield client
    await client.aclose()


async def ask(
    assistant: DeskClient, outbox: Outbox, text: str, owner: tuple[str, str] = ME
) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        "ticket_status", text=text, sender=owner[1], metadata={"channel": owner[0]}
    )
    action = ActionTicketStatus(assistant, outbox, clock=lambda: NOW)
    assert await action.run(dispatcher, tracker, {}) == []
    (message,) = dispatcher.messages
    found: dict[str, Any] = message
    return found


def codes(message: dict[str, Any]) -> list[str]:
    return [b["payload"].rsplit(" ", 1)[-1] for b in message["buttons"]]


def shown(root: Path, message: dict[str, Any]) -> str:
    """The message as the official reads it: the domain's response, filled in."""
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    return str(domain["responses"][message["response"]][0]["text"]).format(**message)


async def test_the_newest_five_are_listed_newest_first_each_with_a_button_to_see_it(
    root: Path, desk: Desk, assistant: DeskClient, outbox: Outbox
) -> None:
    sent = [await desk.open(f"Không ký số được văn bản số {n}", days_ago(n)) for n in range(7)]
    closed = await desk.open("Xin cấp tài khoản thư công vụ", days_ago(0.5), status="closed")
    message = await ask(assistant, outbox, "phiếu của tôi đến đâu rồi")

    assert message["response"] == "utter_ticket_status_list"
    assert codes(message) == [sent[0], closed, *sent[1:4]]
    text = shown(root, message)
    assert (
        "• " + sent[0] + ": Không ký số được văn bản số 0 (Mới, gửi lúc 10:00 26/11/2026)" in text
    )
    assert f"{closed}: Xin cấp tài khoản thư công vụ (Đã đóng, gửi lúc 22:00 25/11/2026)" in text
    assert message["buttons"][0] == {
        "title": f"Xem phiếu {sent[0]}",
        "payload": f"kiểm tra phiếu {sent[0]}",
    }
    # The button's message is a status question with the code: it shows that ticket in full.
    full = await ask(assistant, outbox, message["buttons"][0]["payload"])
    assert (full["response"], full["code"]) == ("utter_ticket_status_one_no_reply", sent[0])


THEIRS = [("web", "web-fedcba9876543210"), ("zalo", ME[1])]


@pytest.mark.parametrize(
    "question",
    [
        "phiếu của tôi sao rồi",
        "phiếu hôm qua của tôi sao rồi",
        "cái lỗi máy in tôi báo hôm nọ xử lý đến đâu",
        "yêu cầu tuần trước",
    ],
)
async def test_another_officials_tickets_never_appear(
    desk: Desk, assistant: DeskClient, outbox: Outbox, question: str
) -> None:
    mine = await desk.open("Không đăng nhập được hồ sơ công việc", days_ago(20))
    # Theirs are newer, of every period asked about, and about the printer.
    theirs = [
        await desk.open(f"Máy in không in được văn bản ({n})", days_ago(days), owner)
        for n, owner in enumerate(THEIRS)
        for days in (0, 1, 6)
    ]
    outbox.enqueue({"summary": "Máy in kẹt giấy"}, "queued-theirs-01", *THEIRS[0])
    message = await ask(assistant, outbox, question)
    assert codes(message) == [mine]
    assert not any(code in str(message) for code in [*theirs, "CHO-000001"])
    assert "Máy in" not in str(message)


@pytest.mark.parametrize(
    ("question", "response", "sent_then"),
    [
        ("phiếu hôm qua của tôi sao rồi", "utter_ticket_status_list_period", [1]),
        ("phieu hom qua cua toi the nao roi", "utter_ticket_status_list_period", [1]),
        ("yêu cầu tuần trước vẫn chưa thấy trả lời", "utter_ticket_status_list_period", [8, 9]),
        ("hôm thứ hai tôi có gửi phiếu", "utter_ticket_status_list_period", [3]),
        ("phiếu tháng trước của tôi", "utter_ticket_status_list_period", [30]),
        # Nothing sent then: the recent ones, saying so.
        ("phiếu hôm kia của tôi", "utter_ticket_status_list_not_in_period", [0, 1, 3, 8, 9]),
    ],
)
async def test_a_named_period_keeps_the_tickets_sent_then(
    root: Path,
    desk: Desk,
    assistant: DeskClient,
    outbox: Outbox,
    question: str,
    response: str,
    sent_then: list[int],
) -> None:
    sent = {
        days: await desk.open(f"Phiếu gửi {days} ngày trước", days_ago(days))
        for days in (0, 1, 3, 8, 9, 30)
    }
    message = await ask(assistant, outbox, question)
    assert message["response"] == response
    assert codes(message) == [sent[days] for days in sent_then]
    assert "{" not in shown(root, message)


async def test_tickets_about_what_the_question_names_come_first(
    desk: Desk, assistant: DeskClient, outbox: Outbox
) -> None:
    printer = await desk.open("Máy in không in được văn bản đi", days_ago(6))
    token = await desk.open("Máy tính không nhận USB token", days_ago(2))
    mail = await desk.open("Không gửi được thư công vụ", days_ago(1))
    message = await ask(assistant, outbox, "cái lỗi máy in tôi báo hôm nọ xử lý đến đâu")
    assert codes(message) == [printer, token, mail]
    message = await ask(assistant, outbox, "may in cua toi sao roi")
    assert codes(message)[0] == printer


async def test_requests_waiting_to_be_sent_are_listed_and_found_by_their_local_code(
    root: Path, desk: Desk, assistant: DeskClient, outbox: Outbox
) -> None:
    older = await desk.open("Không đăng nhập được", days_ago(3))
    local = outbox.enqueue({"summary": "Lỗi chữ ký số"}, "queued-mine-0001", *ME)
    message = await ask(assistant, outbox, "yêu cầu của tôi đến đâu rồi")
    assert codes(message) == [local, older]
    assert f"{local}: Lỗi chữ ký số (Đang chờ gửi đến hệ thống, gửi lúc" in shown(root, message)
    waiting = await ask(assistant, outbox, message["buttons"][0]["payload"])
    assert (waiting["response"], waiting["code"]) == ("utter_ticket_status_waiting", local)


async def test_an_official_without_tickets_is_told_so_and_offered_one(
    root: Path, desk: Desk, assistant: DeskClient, outbox: Outbox
) -> None:
    await desk.open("Phiếu của người khác", days_ago(1), THEIRS[0])
    message = await ask(assistant, outbox, "phiếu hôm qua của tôi sao rồi")
    assert message["response"] == "utter_ticket_status_none"
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    (button,) = domain["responses"]["utter_ticket_status_none"][0]["buttons"]
    assert pressed(root, button["payload"])[1] == {"action_offer_ticket"}


async def test_a_system_that_does_not_say_when_a_ticket_was_sent_dates_it_by_its_last_change(
    root: Path, outbox: Outbox
) -> None:
    # Another document system: the contract's ticket, without its `created_at`.
    ticket = {
        **ticket_body(requester={"channel": ME[0], "user_id": ME[1]}, summary="Lỗi đăng nhập"),
        **{"code": "HT-000042", "status": "in_progress", "notes": []},
        **{"deadline": "2026-11-27T03:00:00Z", "updated_at": "2026-11-25T03:00:00Z"},
    }
    page = httpx.Response(200, json={"items": [ticket], "total": 1})
    other = DeskClient(
        httpx.AsyncClient(transport=httpx.MockTransport(lambda _: page), base_url="http://x"),
        RetryPolicy(attempts=1),
    )
    message = await ask(other, outbox, "phiếu hôm qua của tôi")
    assert (message["response"], codes(message)) == (
        "utter_ticket_status_list_period",
        ["HT-000042"],
    )
    assert "HT-000042: Lỗi đăng nhập (Đang xử lý, gửi lúc 10:00 25/11/2026)" in shown(root, message)
