import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.feedback import ActionStoreFeedback
from bot.store.feedback import FeedbackStore
from tests.actions.conftest import make_tracker


@pytest.mark.parametrize(
    ("intent", "response", "counts"),
    [
        ("feedback_helpful", "utter_feedback_helpful", (1, 0)),
        ("feedback_not_helpful", "utter_feedback_not_helpful", (0, 1)),
    ],
)
async def test_vote_on_the_last_answer_is_stored(
    feedback_store: FeedbackStore,
    dispatcher: CollectingDispatcher,
    intent: str,
    response: str,
    counts: tuple[int, int],
) -> None:
    tracker = make_tracker(intent, last_article="qlvb.dang_nhap")
    events = await ActionStoreFeedback(feedback_store).run(dispatcher, tracker, {})

    assert events == [SlotSet("last_article", None)]
    assert [m["response"] for m in dispatcher.messages] == [response]
    assert feedback_store.counts("qlvb.dang_nhap") == counts


async def test_vote_with_no_answer_to_rate_stores_nothing(
    feedback_store: FeedbackStore, dispatcher: CollectingDispatcher
) -> None:
    events = await ActionStoreFeedback(feedback_store).run(
        dispatcher, make_tracker("feedback_helpful"), {}
    )
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_feedback_nothing_to_rate"]
