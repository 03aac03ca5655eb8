"""Rating a resolved ticket from its button, and the comment after it, against the real desk."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.rating import (
    ActionRateTicket,
    ActionSkipRatingComment,
    ActionStoreRatingComment,
    ValidateRatingCommentForm,
)
from bot.escalation.client import DeskClient
from bot.escalation.ratings import ratings
from bot.escalation.retry import RetryPolicy
from tests.actions.conftest import make_tracker, pressed

SENDER = "tg-20002"
CLEARED = [
    SlotSet("rating_ticket", None),
    SlotSet("rating_score", None),
    SlotSet("rating_comment", None),
]


def payload(code: str, score: str) -> str:
    return f'/rate_ticket{{"ticket_code":"{code}","rating_score":"{score}"}}'


def rating_press(code: str, score: str, sender: str = SENDER) -> Tracker:
    """The official pressed a rating button under the notifier's question."""
    tracker = make_tracker(
        "rate_ticket", text=payload(code, score), sender=sender, metadata={"channel": "telegram"}
    )
    tracker.latest_message["entities"] = [
        {"entity": "ticket_code", "value": code},
        {"entity": "rating_score", "value": score},
    ]
    return tracker


async def finished_ticket(desk: DeskClient, staff: httpx.AsyncClient, n: int = 1) -> str:
    """A ticket the official SENDER opened on Telegram, resolved by Lê Văn C."""
    body = {
        "summary": "Không ký số được văn bản đi",
        "content": "Máy báo không tìm thấy chứng thư số",
        "unit": "UBND xã Tân Phú",
        "requester": {"channel": "telegram", "user_id": SENDER},
        "phone": "0912345678",
        "software": "kyso",
        "article": "kyso__khong_ky_duoc",
    }
    ticket = await desk.create_ticket(body, f"rating-action-{n:04d}")
    answer = await staff.post(
        f"/api/v1/tickets/{ticket.code}/status", json={"status": "resolved", "author": "Lê Văn C"}
    )
    assert answer.status_code == 200
    return ticket.code


def test_the_rating_buttons_payload_runs_the_rating_action(root: Path) -> None:
    assert pressed(root, payload("HT-000001", "4")) == ("rate_ticket", {"action_rate_ticket"})


async def test_a_rating_is_stored_thanked_and_opens_the_comment_form(
    desk: DeskClient, staff: httpx.AsyncClient
) -> None:
    code = await finished_ticket(desk, staff)
    dispatcher = CollectingDispatcher()
    events = await ActionRateTicket(desk).run(dispatcher, rating_press(code, "5"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_rating_thanks"]
    assert (dispatcher.messages[0]["code"], dispatcher.messages[0]["score"]) == (code, "5")
    assert events[-1] == ActiveLoop("rating_comment_form")
    assert SlotSet("rating_ticket", code) in events
    (stored,) = await ratings(desk)
    assert (stored.code, stored.score, stored.staff) == (code, 5, "Lê Văn C")


async def test_a_low_rating_says_the_staff_were_told(
    desk: DeskClient, staff: httpx.AsyncClient
) -> None:
    code = await finished_ticket(desk, staff)
    dispatcher = CollectingDispatcher()
    await ActionRateTicket(desk).run(dispatcher, rating_press(code, "1"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_rating_thanks_low"]


async def test_another_official_pressing_the_button_is_refused_and_nothing_is_stored(
    desk: DeskClient, staff: httpx.AsyncClient
) -> None:
    code = await finished_ticket(desk, staff)
    dispatcher = CollectingDispatcher()
    events = await ActionRateTicket(desk).run(
        dispatcher, rating_press(code, "1", sender="tg-99999"), {}
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_rating_not_yours"]
    assert events == CLEARED
    assert await ratings(desk) == []


async def test_a_ticket_still_open_is_not_rated(desk: DeskClient) -> None:
    body = {
        "summary": "Không ký số được",
        "content": "Lỗi chứng thư",
        "unit": "UBND xã Tân Phú",
        "requester": {"channel": "telegram", "user_id": SENDER},
        "phone": "0912345678",
        "software": "kyso",
    }
    ticket = await desk.create_ticket(body, "rating-action-open")
    dispatcher = CollectingDispatcher()
    await ActionRateTicket(desk).run(dispatcher, rating_press(ticket.code, "5"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_rating_not_finished"]


@pytest.mark.parametrize(
    ("code", "score"),
    [("HT-000001", "6"), ("HT-000001", "0"), ("HT-1", "5"), ("", ""), ("HT-000001", "")],
)
async def test_a_made_up_payload_gets_a_clear_reply_and_no_call(
    code: str, score: str, desk: DeskClient
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionRateTicket(desk).run(dispatcher, rating_press(code, score), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_rating_invalid"]
    assert events == CLEARED


async def test_with_the_desk_down_the_official_is_asked_to_press_again_later() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    down = DeskClient(
        httpx.AsyncClient(transport=httpx.MockTransport(refuse), base_url="http://desk"),
        RetryPolicy(attempts=1),
    )
    dispatcher = CollectingDispatcher()
    events = await ActionRateTicket(down).run(dispatcher, rating_press("HT-000001", "4"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_rating_failed"]
    assert events == CLEARED
    await down.aclose()


async def test_without_a_desk_token_the_rating_is_not_lost_silently(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing() -> DeskClient:
        raise services.DeskNotConfigured("HELPDESK_DESK_TOKEN is not set")

    monkeypatch.setattr(services, "desk_client", missing)
    dispatcher = CollectingDispatcher()
    await ActionRateTicket().run(dispatcher, rating_press("HT-000001", "4"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_rating_failed"]


async def test_the_comment_is_stored_with_the_score_already_given(
    desk: DeskClient, staff: httpx.AsyncClient
) -> None:
    code = await finished_ticket(desk, staff)
    await ActionRateTicket(desk).run(CollectingDispatcher(), rating_press(code, "4"), {})
    typed = make_tracker(
        "nlu_fallback",
        text="Cán bộ hướng dẫn rất nhanh",
        sender=SENDER,
        metadata={"channel": "telegram"},
        rating_ticket=code,
        rating_score="4",
        rating_comment="Cán bộ hướng dẫn rất nhanh",
    )
    dispatcher = CollectingDispatcher()
    events = await ActionStoreRatingComment(desk).run(dispatcher, typed, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_rating_comment_thanks"]
    assert events == CLEARED
    (stored,) = await ratings(desk)
    assert (stored.score, stored.comment) == (4, "Cán bộ hướng dẫn rất nhanh")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Hướng dẫn dễ hiểu", "Hướng dẫn dễ hiểu"),
        ("/cancel", None),
        ("   ", None),
        ("a" * 1001, None),
    ],
)
def test_the_comment_form_takes_typed_text_of_a_sensible_length(
    text: str, kept: str | None
) -> None:
    tracker = make_tracker("nlu_fallback", text=text)
    dispatcher = CollectingDispatcher()
    found = ValidateRatingCommentForm().validate_rating_comment(text, dispatcher, tracker, {})
    assert found == {"rating_comment": kept}
    too_long = len(text) > 1000
    assert [m["response"] for m in dispatcher.messages] == (
        ["utter_rating_comment_too_long"] if too_long else []
    )


async def test_skipping_the_comment_keeps_the_rating_and_says_so() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSkipRatingComment().run(dispatcher, make_tracker("cancel"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_rating_comment_skipped"]
    assert events == [*CLEARED, SlotSet("requested_slot", None)]
