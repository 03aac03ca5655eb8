"""What an official wrote while staff handled the ticket: a note, and a `message` change."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from bot.desk.accounts import Account
from tests.desk.browsing import open_ticket, sign_in, stored
from tests.desk.conftest import ASSISTANT, STAFF, ticket_body

AUTHOR = "Người hỏi (nhắn thêm qua Telegram)"


def opened(client: TestClient) -> str:
    headers = {**ASSISTANT, "Idempotency-Key": "escalation-0001"}
    return str(client.post("/api/v1/tickets", json=ticket_body(), headers=headers).json()["code"])


def test_the_message_is_a_note_on_the_ticket_and_a_message_in_the_feed(
    client: TestClient,
) -> None:
    code = opened(client)
    body = {"author": AUTHOR, "text": "Em gửi thêm ảnh lỗi."}
    response = client.post(f"/api/v1/tickets/{code}/messages", json=body, headers=ASSISTANT)
    assert response.status_code == 201
    ticket = client.get(f"/api/v1/tickets/{code}", headers=ASSISTANT).json()
    assert ticket["notes"] == []  # the contract's notes are staff replies only
    feed = client.get("/api/v1/changes", headers=ASSISTANT).json()["changes"]
    assert [c["kind"] for c in feed] == ["created", "message"]
    assert feed[-1]["note"]["text"] == "Em gửi thêm ảnh lỗi."


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({}, {"author": AUTHOR, "text": "x"}, 401),
        ({"Authorization": "Bearer not-a-token"}, {"author": AUTHOR, "text": "x"}, 401),
        (ASSISTANT, {"author": AUTHOR, "text": ""}, 400),
        (ASSISTANT, {"text": "x"}, 400),
        (STAFF, {"author": AUTHOR, "text": "x" * 4001}, 400),
    ],
)
def test_a_caller_without_a_token_or_with_a_bad_body_stores_nothing(
    client: TestClient, engine: Engine, headers: dict[str, str], body: object, status: int
) -> None:
    code = opened(client)
    before = stored(engine)
    response = client.post(f"/api/v1/tickets/{code}/messages", json=body, headers=headers)
    assert response.status_code == status
    assert stored(engine) == before


def test_a_message_for_an_unknown_ticket_is_404(client: TestClient) -> None:
    body = {"author": AUTHOR, "text": "x"}
    response = client.post("/api/v1/tickets/HT-000404/messages", json=body, headers=ASSISTANT)
    assert response.status_code == 404


async def test_the_ticket_page_shows_the_officials_message_among_the_notes(
    browser: httpx.AsyncClient, account: Account
) -> None:
    code = await open_ticket(browser)
    body = {"author": AUTHOR, "text": "Em gửi thêm ảnh lỗi."}
    await browser.post(f"/api/v1/tickets/{code}/messages", json=body, headers=ASSISTANT)
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    assert AUTHOR in page.text and "Em gửi thêm ảnh lỗi." in page.text
