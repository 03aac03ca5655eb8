from typing import Any

import pytest

from actions import follow_up
from actions.services import KnowledgeBaseSource
from tests.actions.conftest import bot_event, make_tracker, user_event


def answered(article: str) -> list[dict[str, Any]]:
    """The events of a question answered with `article`, as the answering action leaves them."""
    return [
        user_event("câu hỏi trước", f"kb_{article.replace('.', '__')}"),
        {"event": "action", "name": "action_answer_article"},
        bot_event("...", "utter_article"),
        {"event": "slot", "name": "last_article", "value": article},
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("còn trên điện thoại thì sao?", True),
        ("Thế còn bản giấy?", True),
        ("the con ban giay", True),
        ("nếu token bị khóa vì nhập sai mã pin nhiều lần thì phải làm gì", True),
        ("in sổ thì sao", True),
        ("tôi không đăng nhập được phần mềm quản lý văn bản sáng nay", False),
        ("/kb_qlvb__dang_nhap", False),
        ("", False),
    ],
)
def test_a_follow_up_opens_with_a_follow_up_word_or_is_short(text: str, expected: bool) -> None:
    assert follow_up.looks_like_follow_up(text) is expected


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("bước 3 là sao?", 3),
        ("buoc 2 nghia la gi", 2),
        ("bước thứ hai bấm ở đâu", 2),
        ("em chưa hiểu bước số 4 lắm", 4),
        ("bước đầu tiên là gì", 1),
        ("bước cuối là gì", 5),
        ("bước 9 là sao", 9),
    ],
)
def test_a_step_is_read_by_number_word_or_position(
    kb_source: KnowledgeBaseSource, text: str, number: int
) -> None:
    article = kb_source.get().articles["kyso.ky_van_ban"]  # five steps
    step = follow_up.step_asked(text, article)
    assert step is not None
    assert step.number == number
    assert step.exists is (number <= 5)


@pytest.mark.parametrize("text", ["còn trên điện thoại thì sao", "lần thứ hai vẫn lỗi", "bước"])
def test_a_message_naming_no_step_asks_for_none(kb_source: KnowledgeBaseSource, text: str) -> None:
    assert follow_up.step_asked(text, kb_source.get().articles["kyso.ky_van_ban"]) is None


def test_declared_follow_ups_and_the_same_software_weigh_most(
    kb_source: KnowledgeBaseSource,
) -> None:
    previous = kb_source.get().articles["kyso.ky_van_ban"]
    assert "kyso.di_dong" in previous.follow_ups
    declared = follow_up.weight("kyso.di_dong", previous)
    same_software = follow_up.weight("kyso.het_han", previous)
    other = follow_up.weight("hoc.thoi_han", previous)
    assert declared > same_software > other == 1.0


def test_the_same_topic_in_another_software_weighs_more_than_an_unrelated_one(
    kb_source: KnowledgeBaseSource,
) -> None:
    previous = kb_source.get().articles["qlvb.dang_nhap"]
    assert follow_up.weight("email.dang_nhap", previous) > follow_up.weight("hoc.vao_hoc", previous)


def test_the_ranking_is_weighed_and_made_shares_without_the_fallback(
    kb_source: KnowledgeBaseSource,
) -> None:
    articles = kb_source.get().articles
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.35},
        {"name": "kb_hoc__thoi_han", "confidence": 0.46},
        {"name": "kb_kyso__het_han", "confidence": 0.22},
        {"name": "greet", "confidence": 0.05},
        {"name": "kb_gone__article", "confidence": 0.1},
    ]
    shares = follow_up.reranked(ranking, articles["kyso.ky_van_ban"], articles)
    assert [name for name, _ in shares] == ["kb_kyso__het_han", "kb_hoc__thoi_han", "greet"]
    assert sum(share for _, share in shares) == pytest.approx(1.0)
    assert follow_up.clear_choice(shares) == "kyso.het_han"


@pytest.mark.parametrize(
    "shares",
    [
        [("kb_kyso__het_han", 0.38), ("kb_hoc__thoi_han", 0.3)],  # not enough of a share
        [("kb_kyso__het_han", 0.5), ("kb_hoc__thoi_han", 0.45)],  # no clear lead
        [("greet", 0.9), ("kb_hoc__thoi_han", 0.1)],  # not an article
        [],
    ],
)
def test_no_clear_choice_without_a_clear_article_lead(shares: list[tuple[str, float]]) -> None:
    assert follow_up.clear_choice(shares) is None


def test_the_article_just_answered_is_the_context(kb_source: KnowledgeBaseSource) -> None:
    tracker = make_tracker("nlu_fallback", events=answered("qlvb.vb_den_dien_tu"))
    previous = follow_up.previous_article(tracker, kb_source.get().articles)
    assert previous is not None and previous.id == "qlvb.vb_den_dien_tu"


def test_a_vote_between_the_answer_and_the_follow_up_keeps_the_context(
    kb_source: KnowledgeBaseSource,
) -> None:
    events = [*answered("qlvb.vb_den_dien_tu"), user_event("/feedback_helpful", "feedback_helpful")]
    tracker = make_tracker("nlu_fallback", events=events)
    assert follow_up.previous_article(tracker, kb_source.get().articles) is not None


def test_an_answer_several_messages_ago_is_no_context(kb_source: KnowledgeBaseSource) -> None:
    events = [
        *answered("qlvb.vb_den_dien_tu"),
        user_event("xin chào", "greet"),
        user_event("cảm ơn", "thank"),
        user_event("tạm biệt", "goodbye"),
    ]
    tracker = make_tracker("nlu_fallback", events=events)
    assert follow_up.previous_article(tracker, kb_source.get().articles) is None


def test_an_answer_of_an_earlier_session_is_no_context(kb_source: KnowledgeBaseSource) -> None:
    events = [*answered("qlvb.vb_den_dien_tu"), {"event": "session_started"}]
    tracker = make_tracker("nlu_fallback", events=events)
    assert follow_up.previous_article(tracker, kb_source.get().articles) is None


def test_an_article_removed_since_is_no_context(kb_source: KnowledgeBaseSource) -> None:
    tracker = make_tracker("nlu_fallback", events=answered("qlvb.khong_con"))
    assert follow_up.previous_article(tracker, kb_source.get().articles) is None
