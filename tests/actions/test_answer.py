import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerArticle
from actions.services import KnowledgeBaseSource
from tests.actions.conftest import make_tracker


@pytest.mark.parametrize(
    ("intent", "article"),
    [
        ("kb_qlvb__quen_mat_khau", "qlvb.quen_mat_khau"),
        ("kb_hoc__diem_dat", "hoc.diem_dat"),
        ("kb_hntt__mat_tieng", "hntt.mat_tieng"),
    ],
)
async def test_answers_the_article_of_the_intent_and_asks_for_feedback(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher, intent: str, article: str
) -> None:
    events = await ActionAnswerArticle(kb_source).run(dispatcher, make_tracker(intent), {})

    expected = kb_source.get().articles[article]
    assert events == [SlotSet("last_article", article)]
    assert [m["response"] for m in dispatcher.messages] == ["utter_article", "utter_ask_feedback"]
    assert dispatcher.messages[0]["answer"] == expected.answer.render()
    assert dispatcher.messages[0]["title"] == expected.title


async def test_an_intent_with_no_article_falls_back(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    events = await ActionAnswerArticle(kb_source).run(
        dispatcher, make_tracker("kb_qlvb__khong_ton_tai"), {}
    )
    assert events == [SlotSet("last_article", None)]
    assert [m["response"] for m in dispatcher.messages] == ["utter_fallback"]
