"""The API's staff aids: a ticket's suggested articles and the templates, sent as replies."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from bot.desk.reply_templates import TemplateRepository
from tests.desk.browsing import stored
from tests.desk.conftest import ASSISTANT, STAFF, ticket_body


def opened(client: TestClient, **changes: object) -> str:
    headers = {**ASSISTANT, "Idempotency-Key": "escalation-0001"}
    response = client.post("/api/v1/tickets", json=ticket_body(**changes), headers=headers)
    return str(response.json()["code"])


def test_a_tickets_suggestions_are_its_likeliest_articles_with_their_text(
    client: TestClient,
) -> None:
    code = opened(client, summary="Quên mật khẩu quản lý văn bản", content="Không vào được.")
    response = client.get(f"/api/v1/tickets/{code}/suggestions", headers=ASSISTANT)
    assert response.status_code == 200
    found = response.json()["suggestions"]
    assert [s["number"] for s in found] == [1, 2, 3]
    assert found[0]["article"] == "qlvb.quen_mat_khau"
    assert found[0]["text"].startswith(found[0]["title"] + "\n\n")


def test_staff_send_a_suggestion_and_a_template_as_replies_in_the_feed(
    client: TestClient, engine: Engine
) -> None:
    saved = TemplateRepository(engine).add("Đã nhận", "Chào {ten}, đã nhận {ma_phieu}.", "Lan")
    code = opened(client)
    listed = client.get("/api/v1/reply-templates", headers=STAFF).json()["templates"]
    assert listed == [{"number": saved.id, "title": "Đã nhận", "text": saved.text}]

    first = client.get(f"/api/v1/tickets/{code}/suggestions", headers=STAFF).json()
    sent = client.post(
        f"/api/v1/tickets/{code}/suggestions/1", json={"author": "Minh"}, headers=STAFF
    )
    assert sent.status_code == 201
    assert sent.json()["text"] == first["suggestions"][0]["text"]
    sent = client.post(
        f"/api/v1/tickets/{code}/reply-templates/{saved.id}", json={"author": "Minh"}, headers=STAFF
    )
    assert sent.status_code == 201
    assert sent.json()["text"] == f"Chào Nguyễn Văn A, đã nhận {code}."
    feed = client.get("/api/v1/changes", headers=ASSISTANT).json()["changes"]
    assert [c["kind"] for c in feed] == ["created", "reply", "reply"]
    assert {c["note"]["author"] for c in feed[1:]} == {"Minh"}


@pytest.mark.parametrize(
    ("method", "path", "headers", "status"),
    [
        ("GET", "/api/v1/tickets/HT-000001/suggestions", {}, 401),
        ("GET", "/api/v1/reply-templates", {}, 401),
        ("GET", "/api/v1/reply-templates", ASSISTANT, 403),
        ("POST", "/api/v1/tickets/HT-000001/suggestions/1", ASSISTANT, 403),
        ("POST", "/api/v1/tickets/HT-000001/reply-templates/1", ASSISTANT, 403),
        ("POST", "/api/v1/tickets/HT-000001/suggestions/1", {"Authorization": "Bearer x"}, 401),
    ],
)
def test_callers_without_the_right_token_are_refused_and_nothing_is_stored(
    client: TestClient,
    engine: Engine,
    method: str,
    path: str,
    headers: dict[str, str],
    status: int,
) -> None:
    opened(client)
    TemplateRepository(engine).add("Chào", "Chào {ten}.", "Lan")
    before = stored(engine)
    response = client.request(method, path, json={"author": "Minh"}, headers=headers)
    assert response.status_code == status
    assert stored(engine) == before


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("HT-000001/suggestions/9", {"author": "Minh"}, 400, "number"),
        ("HT-000001/reply-templates/9", {"author": "Minh"}, 400, "number"),
        ("HT-000001/suggestions/x", {"author": "Minh"}, 400, "number"),
        ("HT-000001/suggestions/1", {"author": ""}, 400, "author"),
        ("HT-000001/suggestions/1", ["Minh"], 400, "body"),
        ("HT-000077/suggestions/1", {"author": "Minh"}, 404, None),
        ("nothing/suggestions/1", {"author": "Minh"}, 404, None),
    ],
)
def test_bad_numbers_authors_and_tickets_are_the_callers_error(
    client: TestClient, engine: Engine, path: str, body: object, status: int, field: str | None
) -> None:
    opened(client)
    before = stored(engine)
    response = client.post(f"/api/v1/tickets/{path}", json=body, headers=STAFF)
    assert response.status_code == status
    assert response.json().get("field") == field
    assert stored(engine) == before
