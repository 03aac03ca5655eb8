from typing import Any

import httpx
import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.ticket_submit import ActionCancelTicket, ActionSubmitTicket
from bot.display import vietnam_time
from bot.escalation.client import DeskClient
from bot.escalation.outbox import Outbox
from bot.escalation.retry import RetryPolicy
from tests.actions.conftest import bot_event, make_tracker, user_event
from tests.office_hours.moments import in_office_hours, on_saturday_evening

FORM = {
    "ticket_software": "kyso",
    "ticket_description": "Không ký số được văn bản đi, máy báo không tìm thấy chứng thư",
    "ticket_unit": "UBND xã Tân Phú",
    "ticket_phone": "0912345678",
    "ticket_confirm": "yes",
    "ticket_proposal": "không ký số được",
}
CLEARED = [
    SlotSet("ticket_software", None),
    SlotSet("ticket_description", None),
    SlotSet("ticket_confirm", None),
    SlotSet("ticket_proposal", None),
]


def confirmed(
    sender: str = "web-0123456789abcdef",
    events: list[dict[str, Any]] | None = None,
    **changes: Any,
) -> Any:
    history = events or [
        user_event("không ký số được", "kb_kyso__khong_ky_duoc"),
        bot_event("Anh/chị làm theo các bước sau...", "utter_article"),
    ]
    return make_tracker(
        "affirm", text="/affirm", events=history, sender=sender, **{**FORM, **changes}
    )


async def test_a_confirmed_form_opens_a_ticket_and_gives_its_code_and_deadline(
    desk: DeskClient, staff: httpx.AsyncClient, outbox: Outbox
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionSubmitTicket(desk, outbox, clock=in_office_hours).run(
        dispatcher, confirmed(), {}
    )
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ticket_created"
    stored = (await staff.get(f"/api/v1/tickets/{message['code']}")).json()
    assert stored["requester"] == {"channel": "local", "user_id": "web-0123456789abcdef"}
    assert (stored["unit"], stored["phone"], stored["software"]) == (
        "UBND xã Tân Phú",
        "0912345678",
        "kyso",
    )
    assert stored["content"].startswith(FORM["ticket_description"])
    assert "Cán bộ: không ký số được" in stored["content"]
    ticket = await desk.get_ticket(message["code"])
    assert message["deadline"] == vietnam_time(ticket.deadline)
    # Unit and phone are remembered for the next ticket: they are not cleared.
    assert events == CLEARED


async def test_the_same_confirmation_handled_twice_opens_one_ticket(
    desk: DeskClient, staff: httpx.AsyncClient, outbox: Outbox
) -> None:
    codes = []
    for _ in range(2):
        dispatcher = CollectingDispatcher()
        await ActionSubmitTicket(desk, outbox, clock=in_office_hours).run(
            dispatcher, confirmed(), {}
        )
        codes.append(dispatcher.messages[0]["code"])
    assert codes[0] == codes[1]
    assert (await staff.get("/api/v1/tickets")).json()["total"] == 1


async def test_with_the_system_down_the_ticket_is_queued_with_a_local_code(
    outbox: Outbox,
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    down = DeskClient(
        httpx.AsyncClient(transport=httpx.MockTransport(refuse), base_url="http://desk"),
        RetryPolicy(attempts=2, base_delay=0),
    )
    dispatcher = CollectingDispatcher()
    await ActionSubmitTicket(down, outbox, clock=in_office_hours).run(dispatcher, confirmed(), {})
    assert [(m["response"], m["code"]) for m in dispatcher.messages] == [
        ("utter_ticket_queued", "CHO-000001")
    ]
    (row,) = outbox.pending()
    assert (row.channel, row.recipient) == ("local", "web-0123456789abcdef")


async def test_without_a_configured_token_the_ticket_waits_in_the_outbox(
    outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HELPDESK_DESK_TOKEN", raising=False)
    services.desk_client.cache_clear()
    dispatcher = CollectingDispatcher()
    await ActionSubmitTicket(outbox=outbox, clock=in_office_hours).run(dispatcher, confirmed(), {})
    assert dispatcher.messages[0]["response"] == "utter_ticket_queued"
    assert len(outbox.pending()) == 1


async def test_a_ticket_the_system_refuses_is_explained_and_not_queued(
    desk: DeskClient, outbox: Outbox
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionSubmitTicket(desk, outbox, clock=in_office_hours).run(
        dispatcher, confirmed(ticket_phone="12345"), {}
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_ticket_rejected"]
    assert outbox.pending() == []


async def test_cancelling_clears_the_form() -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionCancelTicket().run(dispatcher, confirmed(), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_ticket_cancelled"]
    assert events == [*CLEARED, SlotSet("requested_slot", None)]


async def test_outside_office_hours_the_official_is_told_when_a_person_will_answer(
    desk: DeskClient, outbox: Outbox
) -> None:
    dispatcher = CollectingDispatcher()
    action = ActionSubmitTicket(desk, outbox, clock=on_saturday_evening)
    await action.run(dispatcher, confirmed(), {})
    created, after_hours = dispatcher.messages
    assert created["response"] == "utter_ticket_created"
    assert after_hours["response"] == "utter_ticket_after_hours"
    assert after_hours["opening"] == "7 giờ 30 sáng thứ Hai 7/12"


async def test_a_queued_ticket_outside_office_hours_also_says_when_a_person_will_answer(
    outbox: Outbox,
) -> None:
    dispatcher = CollectingDispatcher()
    await ActionSubmitTicket(outbox=outbox, clock=on_saturday_evening).run(
        dispatcher, confirmed(), {}
    )
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_ticket_queued",
        "utter_ticket_after_hours",
    ]


async def test_in_office_hours_nothing_is_said_of_them(desk: DeskClient, outbox: Outbox) -> None:
    dispatcher = CollectingDispatcher()
    await ActionSubmitTicket(desk, outbox, clock=in_office_hours).run(dispatcher, confirmed(), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_ticket_created"]


async def test_the_excerpt_is_what_was_asked_and_answered_before_asking_for_a_person(
    desk: DeskClient, staff: httpx.AsyncClient, outbox: Outbox
) -> None:
    history = [
        user_event("không ký số được", "kb_kyso__khong_ky_duoc"),
        {"event": "action", "name": "action_answer_article"},
        bot_event("Anh/chị cắm lại USB ký số rồi thử lại...", "utter_article"),
        {"event": "slot", "name": "last_article", "value": "kyso__khong_ky_duoc"},
        user_event("/feedback_not_helpful", "feedback_not_helpful"),
        {"event": "slot", "name": "last_article", "value": None},
        user_event("cho tôi gặp cán bộ hỗ trợ", "request_human"),
        {"event": "action", "name": "action_offer_ticket"},
        bot_event("Anh/chị có muốn gửi yêu cầu cho cán bộ hỗ trợ không?", "utter_offer_ticket"),
        user_event("/affirm", "affirm"),
        {"event": "active_loop", "name": "ticket_form"},
        bot_event("Anh/chị cho em xin số điện thoại liên hệ ạ", "utter_ask_ticket_phone"),
        user_event("0987654321", "nlu_fallback"),
        bot_event("Em tóm tắt yêu cầu: ... 0987654321", "utter_ask_ticket_confirm"),
    ]
    dispatcher = CollectingDispatcher()
    tracker = confirmed(events=history)
    await ActionSubmitTicket(desk, outbox).run(dispatcher, tracker, {})
    stored = (await staff.get(f"/api/v1/tickets/{dispatcher.messages[0]['code']}")).json()
    excerpt = stored["content"].split("\n\n", 1)[1]
    assert excerpt.splitlines()[1:] == [
        "Cán bộ: không ký số được",
        "Trợ lý: Anh/chị cắm lại USB ký số rồi thử lại...",
    ]
    assert "0987654321" not in stored["content"]
    assert "cho tôi gặp cán bộ" not in stored["content"]
    assert stored["article"] == "kyso__khong_ky_duoc"
