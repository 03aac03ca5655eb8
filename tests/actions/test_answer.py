from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerArticle
from actions.services import KnowledgeBaseSource
from bot.kb import publishing
from tests.actions.conftest import make_tracker
from tests.support.live_kb import edit_article, publish_edit, remove_article


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


@pytest.fixture
def state(tmp_path: Path, root: Path) -> Path:
    """A state folder whose live version is the repository's knowledge base."""
    publishing.ensure_seeded(tmp_path, root / "knowledge_base")
    return tmp_path


async def test_the_answer_published_last_is_the_one_sent(
    state: Path, root: Path, dispatcher: CollectingDispatcher
) -> None:
    source = KnowledgeBaseSource(state / "kb" / "current")
    action = ActionAnswerArticle(source)
    await action.run(dispatcher, make_tracker("kb_qlvb__quen_mat_khau"), {})

    def change(data: dict[str, Any]) -> None:
        data["title"] = "Lấy lại mật khẩu đã quên"
        data["answer"]["intro"] = "Cách mới, áp dụng từ hôm nay:"

    publish_edit(
        state,
        root / "knowledge_base",
        lambda kb: edit_article(kb, "qlvb.quen_mat_khau", change),
    )
    later = CollectingDispatcher()
    await action.run(later, make_tracker("kb_qlvb__quen_mat_khau"), {})
    assert later.messages[0]["title"] == "Lấy lại mật khẩu đã quên"
    assert later.messages[0]["answer"].startswith("Cách mới, áp dụng từ hôm nay:")
    assert dispatcher.messages[0]["answer"] != later.messages[0]["answer"]


async def test_an_article_removed_since_training_is_not_served(
    state: Path, root: Path, dispatcher: CollectingDispatcher
) -> None:
    publish_edit(state, root / "knowledge_base", lambda kb: remove_article(kb, "hntt.mat_tieng"))
    source = KnowledgeBaseSource(state / "kb" / "current")
    # The model still knows the intent until it is retrained.
    events = await ActionAnswerArticle(source).run(
        dispatcher, make_tracker("kb_hntt__mat_tieng"), {}
    )
    assert events == [SlotSet("last_article", None)]
    assert [m["response"] for m in dispatcher.messages] == ["utter_fallback"]
