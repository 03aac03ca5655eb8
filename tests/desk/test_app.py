import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from bot.desk.app import create_app
from bot.desk.database import make_engine
from bot.desk.schema import changes, idempotency, notes, tickets
from bot.desk.settings import DeskSettings
from bot.office_hours.loading import office_hours_from
from tests.desk.conftest import ASSISTANT, STAFF, ticket_body

TICKETS = "/api/v1/tickets"


def key(n: int = 1) -> dict[str, str]:
    return {"Idempotency-Key": f"escalation-{n:04d}"}


class Answer(Protocol):
    """What these tests read of a TestClient response: an httpx2 one, not an httpx.Response."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def json(self) -> Any: ...


def open_ticket(client: TestClient, n: int = 1, **changes: object) -> Answer:
    return client.post(TICKETS, json=ticket_body(**changes), headers={**ASSISTANT, **key(n)})


def rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (tickets, notes, idempotency, changes)
        }


def moment(text: str) -> datetime:
    assert text.endswith("Z")
    return datetime.fromisoformat(text[:-1])


def test_health_answers_without_a_token(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}


def test_a_new_ticket_is_created_with_its_code_and_a_deadline_in_working_hours(
    client: TestClient,
) -> None:
    response = open_ticket(client, urgency="urgent")
    assert response.status_code == 201
    ticket = response.json()
    assert ticket["code"] == "HT-000001"
    assert response.headers["location"] == "/api/v1/tickets/HT-000001"
    hours = office_hours_from().hours
    opened = moment(ticket["created_at"])
    assert moment(ticket["deadline"]) == hours.add_working_time(opened, timedelta(hours=8))
    assert hours.working_time_between(opened, moment(ticket["deadline"])) == timedelta(hours=8)
    assert ticket["status"] == "new"
    assert ticket["notes"] == []
    sent = ticket_body(urgency="urgent")
    assert {name: ticket[name] for name in sent} == sent
    assert client.get(f"{TICKETS}/HT-000001", headers=ASSISTANT).json() == ticket


def test_a_repeated_key_returns_the_same_ticket_with_200(
    client: TestClient, engine: Engine
) -> None:
    first = open_ticket(client)
    again = open_ticket(client)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert rows(engine)["tickets"] == 1


def test_a_key_reused_with_another_body_is_a_409(client: TestClient, engine: Engine) -> None:
    open_ticket(client)
    response = open_ticket(client, summary="Một câu hỏi khác")
    assert response.status_code == 409
    assert response.json()["field"] == "Idempotency-Key"
    assert rows(engine)["tickets"] == 1


async def test_fifty_concurrent_creates_with_one_key_make_one_ticket(
    settings: DeskSettings, engine: Engine
) -> None:
    transport = httpx.ASGITransport(app=create_app(settings, engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://desk") as client:
        responses = await asyncio.gather(
            *(
                client.post(TICKETS, json=ticket_body(), headers={**ASSISTANT, **key()})
                for _ in range(50)
            )
        )
    assert sorted(r.status_code for r in responses) == [200] * 49 + [201]
    assert {r.json()["code"] for r in responses} == {"HT-000001"}
    assert rows(engine)["tickets"] == 1


def test_lists_are_filtered_and_counted(client: TestClient) -> None:
    open_ticket(client, 1, unit="Xã A", summary="Quên mật khẩu")
    open_ticket(
        client, 2, unit="Xã B", software="hoc", requester={"channel": "zalo", "user_id": "z"}
    )
    open_ticket(client, 3, unit="Xã A", content="Chữ ký số HẾT HẠN")
    client.post(
        f"{TICKETS}/HT-000001/status", json={"status": "resolved", "author": "B"}, headers=STAFF
    )

    def codes(**query: str) -> list[str]:
        response = client.get(TICKETS, params=query, headers=ASSISTANT)
        assert response.status_code == 200
        return [item["code"] for item in response.json()["items"]]

    assert codes() == ["HT-000001", "HT-000003", "HT-000002"]
    assert codes(status="resolved") == ["HT-000001"]
    assert codes(unit="Xã A", status="new") == ["HT-000003"]
    assert codes(software="hoc") == ["HT-000002"]
    assert codes(requester_channel="zalo", requester_id="z") == ["HT-000002"]
    assert codes(q="hết hạn") == ["HT-000003"]
    assert codes(q="QUÊN") == ["HT-000001"]
    assert codes(q="HT-000002") == ["HT-000002"]
    assert codes(updated_since="2999-01-01T00:00:00Z") == []
    page = client.get(TICKETS, params={"limit": "2", "offset": "1"}, headers=ASSISTANT).json()
    assert ([item["code"] for item in page["items"]], page["total"]) == (
        ["HT-000003", "HT-000002"],
        3,
    )


def test_replies_and_status_changes_appear_in_the_feed_in_order(client: TestClient) -> None:
    open_ticket(client)
    reply = client.post(
        f"{TICKETS}/HT-000001/replies",
        json={"author": "Cán bộ Sở TT&TT", "text": "Anh thử đăng nhập lại giúp em."},
        headers=STAFF,
    )
    assert reply.status_code == 201
    note = reply.json()
    status = client.post(
        f"{TICKETS}/HT-000001/status",
        json={"status": "waiting_official", "author": "Cán bộ Sở TT&TT"},
        headers=STAFF,
    )
    assert status.status_code == 200
    assert status.json()["status"] == "waiting_official"
    assert status.json()["notes"] == [note]

    feed = client.get("/api/v1/changes", headers=ASSISTANT).json()["changes"]
    assert [(c["kind"], c["code"]) for c in feed] == [
        ("created", "HT-000001"),
        ("reply", "HT-000001"),
        ("status", "HT-000001"),
    ]
    assert feed[1]["note"] == note
    assert feed[2]["status"] == "waiting_official"
    positions = [c["position"] for c in feed]
    assert positions == sorted(positions)
    later = client.get("/api/v1/changes", params={"after": positions[0]}, headers=ASSISTANT)
    assert [c["position"] for c in later.json()["changes"]] == positions[1:]


def test_unknown_codes_are_404(client: TestClient) -> None:
    assert client.get(f"{TICKETS}/HT-000404", headers=ASSISTANT).status_code == 404
    assert client.get(f"{TICKETS}/not-a-code", headers=ASSISTANT).status_code == 404
    reply = {"author": "B", "text": "Xin chào"}
    assert client.post(f"{TICKETS}/HT-000404/replies", json=reply, headers=STAFF).status_code == 404
    status = {"status": "closed", "author": "B"}
    assert client.post(f"{TICKETS}/HT-000404/status", json=status, headers=STAFF).status_code == 404


CALLS = [
    ("POST", TICKETS, ticket_body()),
    ("GET", TICKETS, None),
    ("GET", f"{TICKETS}/HT-000001", None),
    ("POST", f"{TICKETS}/HT-000001/replies", {"author": "B", "text": "Xin chào"}),
    ("POST", f"{TICKETS}/HT-000001/status", {"status": "closed", "author": "B"}),
    ("GET", "/api/v1/changes", None),
]


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer ", "Bearer forged-token-000", f"Basic {STAFF['Authorization'][7:]}"],
)
def test_a_missing_or_unknown_token_gets_401_and_stores_nothing(
    client: TestClient,
    engine: Engine,
    method: str,
    path: str,
    body: object,
    authorization: str | None,
) -> None:
    open_ticket(client)
    before = rows(engine)
    headers = {**key(2), **({"Authorization": authorization} if authorization else {})}
    response = client.request(method, path, json=body, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"]
    assert rows(engine) == before


@pytest.mark.parametrize(("method", "path", "body"), CALLS[3:5])
def test_the_assistant_may_not_reply_or_change_status(
    client: TestClient, engine: Engine, method: str, path: str, body: object
) -> None:
    open_ticket(client)
    before = rows(engine)
    response = client.request(method, path, json=body, headers=ASSISTANT)
    assert response.status_code == 403
    assert rows(engine) == before


def test_staff_may_do_what_the_assistant_does(client: TestClient) -> None:
    response = client.post(TICKETS, json=ticket_body(), headers={**STAFF, **key()})
    assert response.status_code == 201
    assert client.get(TICKETS, headers=STAFF).json()["total"] == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "+84 912 345 678"}, "phone"),
        ({"summary": ""}, "summary"),
        ({"content": "x" * 20001}, "content"),
        ({"content": 42}, "content"),
        ({"requester": ["web", "u1"]}, "requester"),
        ({"urgency": "ngay"}, "urgency"),
        ({"software": ""}, "software"),
    ],
)
def test_bad_fields_get_400_naming_the_field_and_store_nothing(
    client: TestClient, engine: Engine, changes: dict[str, object], field: str
) -> None:
    before = rows(engine)
    response = open_ticket(client, 1, **changes)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["error"]
    assert rows(engine) == before


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"", b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000, b"null", b'"text"'],
)
def test_a_body_that_is_not_a_json_object_gets_400(client: TestClient, content: bytes) -> None:
    headers = {**ASSISTANT, **key(), "Content-Type": "application/json"}
    response = client.post(TICKETS, content=content, headers=headers)
    assert response.status_code == 400
    assert response.json()["field"] == "body"


def test_a_huge_body_gets_400(client: TestClient) -> None:
    response = open_ticket(client, content="x" * 2_000_000)
    assert response.status_code == 400
    assert response.json()["field"] == "body"


@pytest.mark.parametrize("headers", [{}, {"Idempotency-Key": "short"}])
def test_a_missing_or_short_idempotency_key_gets_400(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.post(TICKETS, json=ticket_body(), headers={**ASSISTANT, **headers})
    assert response.status_code == 400
    assert response.json()["field"] == "Idempotency-Key"


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        (TICKETS, {"status": "open"}, "status"),
        (TICKETS, {"limit": "1000"}, "limit"),
        (TICKETS, {"updated_since": "hôm qua"}, "updated_since"),
        ("/api/v1/changes", {"after": "x"}, "after"),
    ],
)
def test_bad_query_parameters_get_400(
    client: TestClient, path: str, query: dict[str, str], field: str
) -> None:
    response = client.get(path, params=query, headers=ASSISTANT)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_bad_replies_and_statuses_get_400(client: TestClient) -> None:
    open_ticket(client)
    reply = client.post(f"{TICKETS}/HT-000001/replies", json={"author": "B"}, headers=STAFF)
    assert (reply.status_code, reply.json()["field"]) == (400, "text")
    status = client.post(
        f"{TICKETS}/HT-000001/status", json={"status": "done", "author": "B"}, headers=STAFF
    )
    assert (status.status_code, status.json()["field"]) == (400, "status")


def test_markup_and_sql_are_stored_verbatim(client: TestClient, engine: Engine) -> None:
    summary = "<script>alert('x')</script> & <b>đậm</b>"
    content = "'; DROP TABLE tickets; -- \" OR 1=1 %_\\ {{ 7*7 }}"
    created = open_ticket(client, summary=summary, content=content)
    assert created.status_code == 201
    stored = client.get(f"{TICKETS}/HT-000001", headers=ASSISTANT).json()
    assert (stored["summary"], stored["content"]) == (summary, content)
    assert client.get(TICKETS, params={"q": "DROP TABLE"}, headers=ASSISTANT).json()["total"] == 1
    assert rows(engine)["tickets"] == 1


def test_unknown_routes_and_methods_answer_in_json(client: TestClient) -> None:
    missing = client.get("/api/v1/nothing", headers=ASSISTANT)
    assert missing.status_code == 404
    assert missing.json()["error"]
    wrong = client.delete(f"{TICKETS}/HT-000001", headers=STAFF)
    assert wrong.status_code == 405
    assert wrong.json()["error"]


def test_logs_name_tickets_but_never_phones_or_tokens(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    open_ticket(client)
    client.post(f"{TICKETS}/HT-000001/replies", json={"author": "B", "text": "Ok"}, headers=STAFF)
    client.get(TICKETS, params={"q": "0912345678"}, headers=ASSISTANT)
    # The test's own HTTP client (httpx) logs its requests; the server's loggers are checked.
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert "HT-000001" in logged
    for secret in ("0912345678", ASSISTANT["Authorization"][7:], STAFF["Authorization"][7:]):
        assert secret not in logged


def test_an_unexpected_failure_is_a_json_500(settings: DeskSettings, tmp_path: Path) -> None:
    unmigrated = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    app = create_app(settings, unmigrated)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = open_ticket(client)
    unmigrated.dispose()
    assert response.status_code == 500
    assert response.json() == {"error": "internal error"}
