"""The API's ratings over the real app and database: who may rate, when, and what a low one does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from bot.desk.app import create_app
from bot.desk.settings import DeskSettings
from tests.desk.conftest import ASSISTANT, STAFF, ticket_body

REQUESTER = {"channel": "web", "user_id": "web-0123456789abcdef"}


def opened(client: TestClient, n: int = 1, **fields: object) -> str:
    """A new ticket's code."""
    headers = {**ASSISTANT, "Idempotency-Key": f"rating-test-{n:04d}"}
    answer = client.post("/api/v1/tickets", json=ticket_body(**fields), headers=headers)
    assert answer.status_code == 201
    return str(answer.json()["code"])


def finish(client: TestClient, code: str, status: str = "resolved") -> None:
    body = {"status": status, "author": "Lê Văn C"}
    answer = client.post(f"/api/v1/tickets/{code}/status", json=body, headers=STAFF)
    assert answer.status_code == 200


def rate(client: TestClient, code: str, score: Any, **extra: object) -> Any:
    body = {"requester": REQUESTER, "score": score, **extra}
    return client.post(f"/api/v1/tickets/{code}/rating", json=body, headers=ASSISTANT)


def feed(client: TestClient) -> list[dict[str, Any]]:
    return list(client.get("/api/v1/changes", headers=ASSISTANT).json()["changes"])


def test_the_requester_rates_a_resolved_ticket_and_the_staff_member_is_credited(
    client: TestClient,
) -> None:
    code = opened(client, article="qlvb-quen-mat-khau")
    finish(client, code)
    answer = rate(client, code, 4, comment="Cán bộ hướng dẫn rất nhiệt tình")
    assert answer.status_code == 200
    rated = answer.json()
    assert (rated["score"], rated["staff"], rated["software"]) == (4, "Lê Văn C", "qlvb")
    assert rated["article"] == "qlvb-quen-mat-khau"
    assert rated["low_rating_action"] is None
    listed = client.get("/api/v1/ratings", headers=ASSISTANT).json()["ratings"]
    assert [(r["code"], r["score"], r["comment"]) for r in listed] == [
        (code, 4, "Cán bộ hướng dẫn rất nhiệt tình")
    ]


def test_rating_again_replaces_the_rating_and_keeps_one_per_ticket(client: TestClient) -> None:
    code = opened(client)
    finish(client, code, "closed")
    assert rate(client, code, 5).status_code == 200
    assert rate(client, code, 5, comment="Cảm ơn").status_code == 200
    listed = client.get("/api/v1/ratings", headers=ASSISTANT).json()["ratings"]
    assert [(r["score"], r["comment"]) for r in listed] == [(5, "Cảm ơn")]


def test_someone_other_than_the_requester_is_refused(client: TestClient) -> None:
    code = opened(client)
    finish(client, code)
    body = {"requester": {"channel": "web", "user_id": "web-someone-else"}, "score": 1}
    answer = client.post(f"/api/v1/tickets/{code}/rating", json=body, headers=ASSISTANT)
    assert answer.status_code == 403
    other_channel = {"requester": {**REQUESTER, "channel": "telegram"}, "score": 1}
    answer = client.post(f"/api/v1/tickets/{code}/rating", json=other_channel, headers=ASSISTANT)
    assert answer.status_code == 403
    assert client.get("/api/v1/ratings", headers=ASSISTANT).json()["ratings"] == []


def test_callers_without_a_token_are_refused_before_anything_is_stored(
    client: TestClient,
) -> None:
    code = opened(client)
    finish(client, code)
    body = {"requester": REQUESTER, "score": 5}
    assert client.post(f"/api/v1/tickets/{code}/rating", json=body).status_code == 401
    wrong = {"Authorization": "Bearer not-a-token-of-this-desk-0123456789"}
    refused = client.post(f"/api/v1/tickets/{code}/rating", json=body, headers=wrong)
    assert refused.status_code == 401
    assert client.get("/api/v1/ratings").status_code == 401
    assert client.get("/api/v1/ratings", headers=ASSISTANT).json()["ratings"] == []


def test_a_ticket_still_being_worked_on_cannot_be_rated(client: TestClient) -> None:
    code = opened(client)
    assert rate(client, code, 5).status_code == 409
    assert rate(client, "HT-999999", 5).status_code == 404


@pytest.mark.parametrize("score", [0, 6, "5", 4.5, True, None])
def test_a_score_other_than_one_to_five_is_a_400(client: TestClient, score: object) -> None:
    code = opened(client)
    finish(client, code)
    answer = rate(client, code, score)
    assert answer.status_code == 400
    assert answer.json()["field"] == "score"


def test_a_low_rating_alerts_the_staff_once_through_the_feed(client: TestClient) -> None:
    code = opened(client)
    finish(client, code)
    assert rate(client, code, 2).json()["low_rating_action"] == "alert"
    assert rate(client, code, 1, comment="Vẫn chưa gửi được").json()["low_rating_action"] is None
    alerts = [c for c in feed(client) if c["kind"] == "rating"]
    assert [(c["code"], c["rating"]) for c in alerts] == [(code, 1)]
    shown = client.get(f"/api/v1/tickets/{code}", headers=ASSISTANT).json()
    assert shown["status"] == "resolved"


@pytest.fixture
def reopening(settings: DeskSettings, engine: Engine) -> Iterator[TestClient]:
    """The desk set to reopen a ticket its official rated low (3 stars or fewer)."""
    changed = settings.copy(update={"low_rating": 3, "low_rating_action": "reopen"})
    with TestClient(create_app(changed, engine)) as client:
        yield client


def test_a_low_rating_reopens_the_ticket_when_so_configured(reopening: TestClient) -> None:
    code = opened(reopening)
    finish(reopening, code, "closed")
    assert rate(reopening, code, 3).json()["low_rating_action"] == "reopen"
    shown = reopening.get(f"/api/v1/tickets/{code}", headers=ASSISTANT).json()
    assert shown["status"] == "in_progress"
    last = feed(reopening)[-1]
    assert (last["kind"], last["status"]) == ("status", "in_progress")


@pytest.mark.parametrize(
    ("low", "action", "field"), [(0, "alert", "low_rating"), (2, "email", "low_rating_action")]
)
def test_the_low_rating_settings_refuse_what_they_cannot_mean(
    desk_url: str, low: int, action: str, field: str
) -> None:
    with pytest.raises(ValueError, match=field):
        DeskSettings(
            database_url=desk_url,
            tokens=SecretStr("assistant:" + "a" * 40),
            session_secret=SecretStr("s" * 40),
            low_rating=low,
            low_rating_action=action,
        )
