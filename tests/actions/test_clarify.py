from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import ActionClarify
from actions.handoff import ActionOfferTicket
from actions.services import KnowledgeBaseSource
from bot.kb import publishing
from tests.actions.conftest import bot_event, make_tracker, pressed, user_event
from tests.support.live_kb import SAMPLE_ARTICLE, add_article, publish_edit

FALLBACK = ("nlu_fallback", 0.5)
NONE_OF_THESE = {"title": "Không phải các mục trên", "payload": "/request_human"}


@pytest.mark.parametrize(
    ("ranking", "response", "offered"),
    [
        (
            [
                FALLBACK,
                ("kb_qlvb__quen_mat_khau", 0.45),
                ("kb_qlvb__doi_mat_khau", 0.4),
                ("kb_qlvb__tai_khoan_bi_khoa", 0.1),
                ("greet", 0.05),
            ],
            "utter_clarify",
            ["/kb_qlvb__quen_mat_khau", "/kb_qlvb__doi_mat_khau", "/kb_qlvb__tai_khoan_bi_khoa"],
        ),
        (
            [
                FALLBACK,
                ("kb_hntt__mat_tieng", 0.3),
                ("out_of_scope", 0.2),
                ("kb_hntt__mat_hinh", 0.05),
            ],
            "utter_clarify",
            ["/kb_hntt__mat_tieng"],
        ),
        ([FALLBACK, ("out_of_scope", 0.45), ("kb_hntt__mat_tieng", 0.4)], "utter_fallback", []),
        (
            [FALLBACK, ("kb_hntt__mat_tieng", 0.15), ("kb_hntt__mat_hinh", 0.14)],
            "utter_fallback",
            [],
        ),
        ([FALLBACK], "utter_fallback", []),
    ],
)
async def test_asks_back_with_likely_topics_or_falls_back(
    kb_source: KnowledgeBaseSource,
    dispatcher: CollectingDispatcher,
    ranking: list[tuple[str, float]],
    response: str,
    offered: list[str],
) -> None:
    events = await ActionClarify(kb_source).run(
        dispatcher, make_tracker("nlu_fallback", ranking), {}
    )
    assert events == [SlotSet("repeated_fallback", False)]
    assert [m["response"] for m in dispatcher.messages] == [response]
    titles = {a.intent: a.title for a in kb_source.get().articles.values()}
    articles = [{"title": titles[p[1:]], "payload": p} for p in offered]
    # Asking back always ends with "none of these"; falling back offers no articles at all.
    expected = [*articles, NONE_OF_THESE] if offered else []
    assert dispatcher.messages[0]["buttons"] == expected


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        (
            "giá vàng hôm nay bao nhiêu",
            [FALLBACK, ("out_of_scope", 0.38), ("kb_hntt__mat_tieng", 0.3)],
        ),
        ("tối nay đội tuyển đá mấy giờ", [("out_of_scope", 0.35), FALLBACK, ("greet", 0.2)]),
    ],
)
async def test_a_clearly_out_of_scope_question_falls_back_without_article_buttons(
    kb_source: KnowledgeBaseSource,
    dispatcher: CollectingDispatcher,
    text: str,
    ranking: list[tuple[str, float]],
) -> None:
    tracker = make_tracker("nlu_fallback", ranking, text=text)
    await ActionClarify(kb_source).run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    # The fallback's own button (a person) is the domain's, added by Rasa, not the action's.
    assert (message["response"], message["buttons"]) == ("utter_fallback", [])


async def test_pressing_none_of_these_reaches_the_offer_of_a_ticket_for_the_question(
    root: Path, kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    question = "không mở được hồ sơ công việc trên điện thoại"
    ranking = [FALLBACK, ("kb_qlvb__quen_mat_khau", 0.3), ("kb_qlvb__doi_mat_khau", 0.2)]
    await ActionClarify(kb_source).run(
        dispatcher, make_tracker("nlu_fallback", ranking, text=question), {}
    )
    payload = dispatcher.messages[0]["buttons"][-1]["payload"]
    intent, rules_run = pressed(root, payload)
    assert rules_run == {"action_offer_ticket"}

    offer = CollectingDispatcher()
    before = [user_event(question, "nlu_fallback"), bot_event("Có phải...", "utter_clarify")]
    events = await ActionOfferTicket().run(
        offer, make_tracker(intent, text=payload, events=before), {}
    )
    assert [m["response"] for m in offer.messages] == ["utter_offer_ticket"]
    # The question that was not understood becomes the ticket's proposed description.
    assert events == [SlotSet("ticket_proposal", question)]


@pytest.mark.parametrize(
    ("previous_reply", "offers"),
    [("utter_fallback", True), ("utter_out_of_scope", True), ("utter_article", False)],
)
async def test_a_fallback_right_after_another_leaves_the_reply_to_the_offer_of_a_ticket(
    kb_source: KnowledgeBaseSource,
    dispatcher: CollectingDispatcher,
    previous_reply: str,
    offers: bool,
) -> None:
    before = [user_event("xyz abc", "nlu_fallback"), bot_event("...", previous_reply)]
    tracker = make_tracker("nlu_fallback", [FALLBACK], text="qwe rty", events=before)
    events = await ActionClarify(kb_source).run(dispatcher, tracker, {})
    assert events == [SlotSet("repeated_fallback", offers)]
    assert [m["response"] for m in dispatcher.messages] == ([] if offers else ["utter_fallback"])


# Published after the model was trained: the model has no intent for it yet.
NEW_ARTICLE = SAMPLE_ARTICLE


@pytest.fixture(scope="module")
def trained_domain(root: Path, knowledge_base: Any) -> dict[str, Any]:
    """The domain Rasa sends with the model trained on the repository's knowledge base."""
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    intents = [*domain["intents"], "nlu_fallback"]
    intents += [{a.intent: {"use_entities": True}} for a in knowledge_base.articles.values()]
    return {**domain, "intents": intents}


@pytest.fixture
def live_source(tmp_path: Path, root: Path) -> KnowledgeBaseSource:
    """The live knowledge base after a trainer published a new article."""
    repository = root / "knowledge_base"
    publishing.ensure_seeded(tmp_path, repository)
    publish_edit(tmp_path, repository, lambda kb: add_article(kb, NEW_ARTICLE))
    return KnowledgeBaseSource(tmp_path / "kb" / "current")


@pytest.mark.parametrize(
    "text",
    [
        "Làm sao xuất danh sách văn bản đến ra tệp Excel?",  # one of its questions
        "lam sao xuat danh sach van ban den ra tep excel",  # the same, typed bare
        "xuất excel danh sách công văn trong tháng này thế nào ạ",  # a close rewording
    ],
)
async def test_a_question_of_an_article_published_since_training_is_answered(
    live_source: KnowledgeBaseSource,
    dispatcher: CollectingDispatcher,
    trained_domain: dict[str, Any],
    text: str,
) -> None:
    tracker = make_tracker("nlu_fallback", [FALLBACK], text=text)
    events = await ActionClarify(live_source).run(dispatcher, tracker, trained_domain)

    assert events == [
        SlotSet("last_article", "qlvb.xuat_excel"),
        SlotSet("repeated_fallback", False),
    ]
    assert [m["response"] for m in dispatcher.messages] == ["utter_article", "utter_ask_feedback"]
    article = live_source.get().articles["qlvb.xuat_excel"]
    assert dispatcher.messages[0]["answer"] == article.answer.render()
    assert dispatcher.messages[0]["title"] == article.title


@pytest.mark.parametrize(
    ("text", "domain_known", "response"),
    [
        # An article the model knows: the model's ranking decides (here: nothing to offer).
        ("Tôi quên mật khẩu phần mềm quản lý văn bản thì phải làm sao?", True, "utter_fallback"),
        ("giá vàng hôm nay bao nhiêu", True, "utter_fallback"),
        ("/kb_qlvb__xuat_excel", True, "utter_fallback"),
        # Without the domain's intents nothing tells a new article from a known one.
        ("Làm sao xuất danh sách văn bản đến ra tệp Excel?", False, "utter_fallback"),
    ],
)
async def test_only_a_clear_question_of_an_untrained_article_is_answered_this_way(
    live_source: KnowledgeBaseSource,
    dispatcher: CollectingDispatcher,
    trained_domain: dict[str, Any],
    text: str,
    domain_known: bool,
    response: str,
) -> None:
    tracker = make_tracker("nlu_fallback", [FALLBACK], text=text)
    domain = trained_domain if domain_known else {}
    events = await ActionClarify(live_source).run(dispatcher, tracker, domain)
    assert events == [SlotSet("repeated_fallback", False)]
    assert [m["response"] for m in dispatcher.messages] == [response]


async def test_once_retrained_the_new_article_is_the_models_to_answer(
    live_source: KnowledgeBaseSource,
    dispatcher: CollectingDispatcher,
    trained_domain: dict[str, Any],
) -> None:
    retrained = {
        **trained_domain,
        "intents": [*trained_domain["intents"], "kb_qlvb__xuat_excel"],
    }
    ranking = [FALLBACK, ("kb_qlvb__xuat_excel", 0.35), ("kb_qlvb__thong_ke", 0.2)]
    tracker = make_tracker("nlu_fallback", ranking, text="xuất excel danh sách công văn")
    await ActionClarify(live_source).run(dispatcher, tracker, retrained)
    assert [m["response"] for m in dispatcher.messages] == ["utter_clarify"]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        "/kb_qlvb__xuat_excel",
        "/kb_qlvb__thong_ke",
        NONE_OF_THESE["payload"],
    ]


def answered(article: str) -> list[dict[str, Any]]:
    """The events of a question answered with `article`, as the answering action leaves them."""
    return [
        user_event("câu hỏi trước", "kb_" + article.replace(".", "__")),
        {"event": "action", "name": "action_answer_article"},
        bot_event("...", "utter_article"),
        {"event": "slot", "name": "last_article", "value": article},
    ]


async def test_an_unsure_follow_up_is_answered_at_once_with_the_related_article(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    # On its own, "còn gửi tệp nặng thì sao" might be about documents or mail; after a mail
    # answer, it is the mail article.
    ranking = [FALLBACK, ("kb_qlvb__dinh_kem_tep", 0.3), ("kb_email__gui_tep_lon", 0.28)]
    tracker = make_tracker(
        "nlu_fallback", ranking, text="còn gửi tệp nặng thì sao", events=answered("email.dang_nhap")
    )
    events = await ActionClarify(kb_source).run(dispatcher, tracker, {})
    assert events == [
        SlotSet("last_article", "email.gui_tep_lon"),
        SlotSet("repeated_fallback", False),
    ]
    assert dispatcher.messages[0]["response"] == "utter_article"


async def test_an_unsure_step_question_sends_that_step_of_the_article_just_answered(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    ranking = [FALLBACK, ("kb_qlvb__in_so_vb", 0.17), ("thank", 0.05)]
    tracker = make_tracker(
        "nlu_fallback", ranking, text="bước 2 nghĩa là gì", events=answered("kyso.cai_dat")
    )
    events = await ActionClarify(kb_source).run(dispatcher, tracker, {})
    step = kb_source.get().articles["kyso.cai_dat"].answer.steps[1]
    assert events == [SlotSet("last_article", "kyso.cai_dat"), SlotSet("repeated_fallback", False)]
    assert dispatcher.messages[0]["response"] == "utter_article_step"
    assert dispatcher.messages[0]["step"] == step


async def test_an_unsure_question_about_the_answer_just_sent_gets_the_step_it_names(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    # "Ctrl + F5" is the browser answer's third step; on its own the model has no idea.
    ranking = [FALLBACK, ("affirm", 0.15), ("kb_kyso__khong_nhan_token", 0.06)]
    tracker = make_tracker(
        "nlu_fallback",
        ranking,
        text="bấm ctrl f5 rồi vẫn thế",
        events=answered("chung.trinh_duyet"),
    )
    events = await ActionClarify(kb_source).run(dispatcher, tracker, {})
    step = kb_source.get().articles["chung.trinh_duyet"].answer.steps[2]
    assert events[0] == SlotSet("last_article", "chung.trinh_duyet")
    assert dispatcher.messages[0]["response"] == "utter_article_step"
    assert dispatcher.messages[0]["step"] == step


async def test_an_unclear_follow_up_offers_the_related_articles_first(
    kb_source: KnowledgeBaseSource, dispatcher: CollectingDispatcher
) -> None:
    # Two articles of the software just answered, close to each other: asked back, those first.
    ranking = [
        FALLBACK,
        ("kb_hoc__thoi_han", 0.3),
        ("kb_kyso__khong_nhan_token", 0.2),
        ("kb_kyso__cai_dat", 0.19),
    ]
    tracker = make_tracker(
        "nlu_fallback", ranking, text="còn vụ đó", events=answered("kyso.kiem_tra_chu_ky")
    )
    await ActionClarify(kb_source).run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_clarify"
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert set(payloads[:2]) == {"/kb_kyso__khong_nhan_token", "/kb_kyso__cai_dat"}
