import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.clarify import ActionClarify
from actions.services import KnowledgeBaseSource
from tests.actions.conftest import make_tracker

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
    assert events == []
    assert [m["response"] for m in dispatcher.messages] == [response]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == offered
    titles = {a.intent: a.title for a in kb_source.get().articles.values()}
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == [
        titles[p[1:]] for p in offered
    ]
