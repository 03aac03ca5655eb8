from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerArticle
from actions.services import KnowledgeBaseSource
from bot.kb import publishing
from bot.kb.article import intent_for
from tests.actions.conftest import bot_event, make_tracker, user_event
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
    offered = ["utter_follow_ups"] if expected.follow_ups else []
    responses = [m["response"] for m in dispatcher.messages]
    assert responses == ["utter_article", *offered, "utter_ask_feedback"]
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


def answered(article: str) -> list[dict[str, Any]]:
    """The events of a question answered with `article`, as the answering action leaves them."""
    return [
        user_event("câu hỏi trước", intent_for(article)),
        {"event": "action", "name": "action_answer_article"},
        bot_event("...", "utter_article"),
        {"event": "slot", "name": "last_article", "value": article},
    ]


async def test_an_article_with_follow_ups_offers_them_as_buttons_before_the_vote(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    await ActionAnswerArticle(kb_source).run(dispatcher, make_tracker("kb_kyso__ky_van_ban"), {})

    articles = kb_source.get().articles
    responses = [m["response"] for m in dispatcher.messages]
    assert responses == ["utter_article", "utter_follow_ups", "utter_ask_feedback"]
    assert dispatcher.messages[1]["buttons"] == [
        {"title": articles[i].title, "payload": f"/{intent_for(i)}"}
        for i in articles["kyso.ky_van_ban"].follow_ups
    ]


async def test_a_follow_up_the_model_does_not_know_yet_gets_no_button(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    domain = {"intents": ["greet", "kb_kyso__ky_van_ban", "kb_kyso__di_dong"]}
    await ActionAnswerArticle(kb_source).run(
        dispatcher, make_tracker("kb_kyso__ky_van_ban"), domain
    )
    assert [b["payload"] for b in dispatcher.messages[1]["buttons"]] == ["/kb_kyso__di_dong"]


async def test_an_article_without_follow_ups_offers_no_buttons(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    assert not kb_source.get().articles["vpdt.truy_cap"].follow_ups
    await ActionAnswerArticle(kb_source).run(dispatcher, make_tracker("kb_vpdt__truy_cap"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_article", "utter_ask_feedback"]


# (previous article, message, the model's ranking) -> the article answered.
FOLLOW_UPS = [
    # The model leans to the online course's deadline; after a signing answer, it is the
    # certificate's expiry.
    (
        "kyso.ky_van_ban",
        "vậy nếu hết hạn thì sao",
        [("kb_hoc__thoi_han", 0.46), ("kb_kyso__het_han", 0.22), ("kb_qlvb__thong_ke", 0.03)],
        "kyso.het_han",
    ),
    # A declared follow-up wins over another software's article the model slightly prefers.
    (
        "qlvb.vb_den_dien_tu",
        "thế còn bản giấy?",
        [("kb_hoc__chung_nhan", 0.4), ("kb_qlvb__vb_den_giay", 0.35), ("affirm", 0.05)],
        "qlvb.vb_den_giay",
    ),
    # About the answer just sent, in its words ("gửi yêu cầu", "hộp thư"): that answer again,
    # though the model leans to the mail article.
    (
        "qlvb.quen_mat_khau",
        "bấm gửi yêu cầu r mà ko thấy thư nào về hộp thư cả",
        [("kb_email__gui_tep_lon", 0.4), ("kb_qlvb__quen_mat_khau", 0.17)],
        "qlvb.quen_mat_khau",
    ),
    # Long, no opening word, and still a follow-up: the same software settles it.
    (
        "hntt.chia_se_man_hinh",
        "share rồi mà bên kia chỉ thấy màn hình đen",
        [("kb_hntt__chia_se_man_hinh", 0.48), ("kb_hntt__mat_hinh", 0.39)],
        "hntt.chia_se_man_hinh",
    ),
    # A question the model is sure of is not turned towards the context.
    (
        "kyso.ky_van_ban",
        "còn đổi mật khẩu qlvb thì sao",
        [("kb_qlvb__doi_mat_khau", 0.88), ("kb_kyso__het_han", 0.02)],
        "qlvb.doi_mat_khau",
    ),
]


@pytest.mark.parametrize(("previous", "text", "ranking", "expected"), FOLLOW_UPS)
async def test_a_follow_up_is_answered_against_the_article_just_answered(
    kb_source: KnowledgeBaseSource,
    dispatcher: CollectingDispatcher,
    previous: str,
    text: str,
    ranking: list[tuple[str, float]],
    expected: str,
) -> None:
    tracker = make_tracker(ranking[0][0], ranking, text=text, events=answered(previous))
    events = await ActionAnswerArticle(kb_source).run(dispatcher, tracker, {})
    assert events == [SlotSet("last_article", expected)]
    assert dispatcher.messages[0]["title"] == kb_source.get().articles[expected].title


async def test_without_an_answer_just_before_the_models_article_is_answered(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    ranking = [("kb_hoc__thoi_han", 0.46), ("kb_kyso__het_han", 0.22)]
    tracker = make_tracker("kb_hoc__thoi_han", ranking, text="vậy nếu hết hạn thì sao")
    events = await ActionAnswerArticle(kb_source).run(dispatcher, tracker, {})
    assert events == [SlotSet("last_article", "hoc.thoi_han")]


async def test_a_long_question_of_its_own_is_not_read_as_a_follow_up(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    text = "tôi muốn biết thời hạn hoàn thành khóa học chuyển đổi số năm nay là ngày nào"
    ranking = [("kb_hoc__thoi_han", 0.46), ("kb_kyso__het_han", 0.22)]
    tracker = make_tracker("kb_hoc__thoi_han", ranking, text=text, events=answered("kyso.di_dong"))
    events = await ActionAnswerArticle(kb_source).run(dispatcher, tracker, {})
    assert events == [SlotSet("last_article", "hoc.thoi_han")]


async def test_a_step_of_the_article_just_answered_is_sent_alone(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "kb_qlvb__in_so_vb", text="bước 3 là sao?", events=answered("kyso.ky_van_ban")
    )
    events = await ActionAnswerArticle(kb_source).run(dispatcher, tracker, {})

    article = kb_source.get().articles["kyso.ky_van_ban"]
    assert events == [SlotSet("last_article", "kyso.ky_van_ban")]
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_article_step",
        "utter_ask_feedback",
    ]
    assert dispatcher.messages[0]["step"] == article.answer.steps[2]
    assert dispatcher.messages[0]["number"] == 3
    assert dispatcher.messages[0]["title"] == article.title


async def test_a_step_the_article_does_not_have_says_how_many_and_sends_it_whole(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    tracker = make_tracker(
        "kb_qlvb__in_so_vb", text="bước 9 là gì", events=answered("kyso.ky_van_ban")
    )
    events = await ActionAnswerArticle(kb_source).run(dispatcher, tracker, {})

    article = kb_source.get().articles["kyso.ky_van_ban"]
    assert events == [SlotSet("last_article", "kyso.ky_van_ban")]
    assert dispatcher.messages[0]["response"] == "utter_article_no_step"
    assert dispatcher.messages[0]["count"] == len(article.answer.steps)
    assert dispatcher.messages[0]["answer"] == article.answer.render()
