"""What became of a question, read off events as Rasa serialises them."""

from __future__ import annotations

from datetime import date

from bot.report.outcomes import Question, questions
from tests.report.conversations import Conversation

DAY = date(2025, 3, 3)


def _read(conversation: Conversation) -> list[tuple[str, str, str | None]]:
    found: list[Question] = questions([event.as_dict() for event in conversation.events])
    return [(q.text, q.outcome, q.article) for q in found]


def _form(c: Conversation, description: str, *, submit: bool = True) -> Conversation:
    c.action("action_offer_ticket").says("utter_offer_ticket").action("action_listen")
    c.user("/affirm", "affirm").action("ticket_form").loop("ticket_form").action("action_listen")
    c.user(description, "nlu_fallback").action("ticket_form")
    c.slot("ticket_description", description).action("action_listen")
    if not submit:
        c.user("hủy", "cancel").action("action_deactivate_loop").loop(None)
        return c.action("action_cancel_ticket").says("utter_ticket_cancelled")
    c.loop(None).action("action_submit_ticket").says("utter_ticket_created")
    return c.action("action_listen")


def test_an_answer_that_did_not_help_then_a_ticket_is_escalated_with_its_article() -> None:
    c = Conversation("c1", DAY).user("không ký được văn bản", "kb_kyso__ky_van_ban")
    c.answer("kyso.ky_van_ban").user("/feedback_not_helpful", "feedback_not_helpful")
    c.action("action_store_feedback").slot("last_article", None)
    _form(c, "không ký được văn bản")
    assert _read(c) == [("không ký được văn bản", "escalated", "kyso.ky_van_ban")]


def test_a_ticket_about_another_matter_after_a_good_answer_is_a_question_of_its_own() -> None:
    c = Conversation("c2", DAY).user("quên mật khẩu qlvb", "kb_qlvb__quen_mat_khau")
    c.answer("qlvb.quen_mat_khau").user("cho tôi gặp cán bộ", "request_human")
    _form(c, "Xin cấp thêm tài khoản cho văn thư mới")
    assert _read(c) == [
        ("quên mật khẩu qlvb", "answered", "qlvb.quen_mat_khau"),
        ("Xin cấp thêm tài khoản cho văn thư mới", "escalated", None),
    ]


def test_a_cancelled_form_escalates_nothing() -> None:
    c = Conversation("c3", DAY).user("lỗi lạ quá", "nlu_fallback").action("action_clarify")
    c.says("utter_fallback").action("action_listen").user("gặp người thật", "request_human")
    _form(c, "lỗi lạ quá", submit=False)
    assert _read(c) == [("lỗi lạ quá", "fallen_back", None)]


def test_a_second_fallback_in_a_row_is_a_question_that_fell_back_too() -> None:
    c = Conversation("c4", DAY).user("abc xyz", "nlu_fallback").action("action_clarify")
    c.says("utter_fallback").action("action_listen").user("xyz abc", "nlu_fallback")
    c.action("action_clarify").slot("repeated_fallback", True).action("action_offer_ticket")
    assert [outcome for _, outcome, _ in _read(c)] == ["fallen_back", "fallen_back"]


def test_messages_that_are_not_questions_are_not_counted() -> None:
    c = Conversation("c5", DAY).user("xin chào", "greet").action("utter_greet")
    c.user("/feedback_helpful", "feedback_helpful").user("cảm ơn em", "thank")
    assert _read(c) == []
