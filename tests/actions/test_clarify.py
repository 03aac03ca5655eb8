import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import ActionClarify
from actions.services import KnowledgeBaseSource
from tests.actions.conftest import bot_event, make_tracker, user_event

FALLBACK = ("nlu_fallback", 0.5)


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
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == offered
    titles = {a.intent: a.title for a in kb_source.get().articles.values()}
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == [
        titles[p[1:]] for p in offered
    ]


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
