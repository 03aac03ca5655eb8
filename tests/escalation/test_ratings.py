"""The client's rating calls: the contract's body out, and answers off the contract refused."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bot.escalation.client import DeskClient, DeskError, DeskRejected
from bot.escalation.ratings import rate_ticket, ratings
from bot.escalation.retry import RetryPolicy

RATED = {
    "code": "HT-000007",
    "score": 2,
    "comment": None,
    "staff": "Lê Văn C",
    "software": "kyso",
    "article": None,
    "rated_at": "2026-12-05T08:00:00.000000Z",
    "low_rating_action": "alert",
}


def client(answer: Callable[[httpx.Request], httpx.Response]) -> DeskClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(answer), base_url="http://desk")
    return DeskClient(http, RetryPolicy(attempts=1))


async def test_a_rating_sends_the_requester_score_and_comment() -> None:
    seen: list[dict[str, Any]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        assert request.url.path == "/api/v1/tickets/HT-000007/rating"
        return httpx.Response(200, json=RATED)

    desk = client(answer)
    rated = await rate_ticket(desk, "HT-000007", ("telegram", "tg-1"), 2, "Chưa ổn")
    assert seen == [
        {"requester": {"channel": "telegram", "user_id": "tg-1"}, "score": 2, "comment": "Chưa ổn"}
    ]
    assert (rated.score, rated.staff, rated.low_rating_action) == (2, "Lê Văn C", "alert")
    await desk.aclose()


@pytest.mark.parametrize(
    "body", [{"ratings": [{"code": "HT-000007"}]}, {"ratings": None}, {"nothing": []}, []]
)
async def test_a_ratings_list_off_the_contract_is_a_desk_error(body: object) -> None:
    desk = client(lambda request: httpx.Response(200, json=body))
    with pytest.raises(DeskError):
        await ratings(desk)
    await desk.aclose()


async def test_a_refused_rating_keeps_its_status_for_the_action_to_explain() -> None:
    desk = client(lambda request: httpx.Response(409, json={"error": "not finished"}))
    with pytest.raises(DeskRejected) as refused:
        await rate_ticket(desk, "HT-000007", ("telegram", "tg-1"), 5)
    assert refused.value.status == 409
    await desk.aclose()
