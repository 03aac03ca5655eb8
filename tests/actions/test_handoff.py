import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionOfferTicket
from tests.actions.conftest import bot_event, make_tracker, user_event

QUESTION = "máy tính không nhận usb token ký số"


@pytest.mark.parametrize(
    ("intent", "response"),
    [
        ("request_human", "utter_offer_ticket"),
        ("nlu_fallback", "utter_offer_ticket_after_fallback"),
        ("feedback_not_helpful", "utter_offer_ticket_after_not_helpful"),
    ],
)
async def test_the_offer_fits_what_led_to_it_and_proposes_the_last_question(
    dispatcher: CollectingDispatcher, intent: str, response: str
) -> None:
    before = [
        user_event("chào bạn", "greet"),
        user_event(QUESTION, "kb_kyso__khong_nhan_token"),
        bot_event("Các bước...", "utter_article"),
        user_event("/feedback_not_helpful", "feedback_not_helpful"),
    ]
    events = await ActionOfferTicket().run(
        dispatcher, make_tracker(intent, text="cho gặp cán bộ", events=before), {}
    )
    assert [m["response"] for m in dispatcher.messages] == [response]
    assert events == [SlotSet("ticket_proposal", QUESTION)]


async def test_without_an_earlier_question_nothing_is_proposed(
    dispatcher: CollectingDispatcher,
) -> None:
    before = [{"event": "session_started"}, user_event("xin chào", "greet")]
    events = await ActionOfferTicket().run(
        dispatcher, make_tracker("request_human", events=before), {}
    )
    assert events == [SlotSet("ticket_proposal", None)]


async def test_questions_of_an_earlier_session_are_not_proposed(
    dispatcher: CollectingDispatcher,
) -> None:
    before = [user_event(QUESTION, "kb_kyso__khong_nhan_token"), {"event": "session_started"}]
    events = await ActionOfferTicket().run(
        dispatcher, make_tracker("request_human", events=before), {}
    )
    assert events == [SlotSet("ticket_proposal", None)]


async def test_a_question_too_long_for_a_description_is_not_proposed(
    dispatcher: CollectingDispatcher,
) -> None:
    before = [user_event("lỗi ký số " * 2000, "kb_kyso__khong_nhan_token")]
    events = await ActionOfferTicket().run(
        dispatcher, make_tracker("request_human", events=before), {}
    )
    assert events == [SlotSet("ticket_proposal", None)]
