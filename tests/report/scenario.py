"""A month of a province's questions, votes and tickets, and what the report must say of them.

Days count back from today, since the report's default period ends today.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from bot.display import VIETNAM
from bot.store.feedback import FeedbackStore
from tests.report.conversations import Conversation
from tests.report.desk import PHONE, move, open_ticket, set_back

SCRIPT = "<script>alert('x')</script> chữ ký số báo lỗi hết hạn"
EXCEL = "Làm sao để xuất báo cáo chấm công ra Excel?"
EXCEL_BARE = "lam sao de xuat bao cao cham cong ra excel"
EXCEL_TICKET = "Không xuất được báo cáo chấm công sang Excel"
PRINTER = "Máy in trong phòng họp bị kẹt giấy"
AVATAR = "Đổi ảnh đại diện trên văn phòng điện tử"
SENDERS = ("web-5f3a9c0d", "tg-100000001", "tg-100000002", "zalo-200000003", "tg-100000004")

# Per day, counting back from today: the questions asked that day.
PER_DAY = {5: 1, 4: 2, 3: 2, 2: 2, 1: 2}
OUTCOMES = {"answered": 2, "clarified": 2, "fallen_back": 3, "escalated": 2}
PER_SOFTWARE = {"Quản lý văn bản": 2, "Chữ ký số": 1, "Chưa xác định": 6}


def ago(today: date, days: int) -> date:
    """The day `days` before today."""
    return today - timedelta(days=days)


def conversations(today: date) -> list[Conversation]:
    """Answered, asked back then answered, fallen back, escalated, typed without diacritics."""

    def offer_refused(c: Conversation) -> Conversation:
        c.action("action_offer_ticket").says("utter_offer_ticket").action("action_listen")
        return c.user("/deny", "deny").action("utter_ticket_declined").says("utter_ticket_declined")

    def ticket_form(c: Conversation, description: str) -> Conversation:
        c.action("action_offer_ticket").says("utter_offer_ticket").action("action_listen")
        c.user("/affirm", "affirm").action("ticket_form").loop("ticket_form")
        c.slot("requested_slot", "ticket_description").action("action_listen")
        c.user(description, "nlu_fallback").action("ticket_form")
        c.slot("ticket_description", description).slot("requested_slot", "ticket_phone")
        c.action("action_listen").user(PHONE, "nlu_fallback").action("ticket_form")
        c.slot("ticket_phone", PHONE).loop(None).slot("requested_slot", None)
        return c.action("action_submit_ticket").says("utter_ticket_created").action("action_listen")

    answered = Conversation(SENDERS[0], ago(today, 5))
    answered.user("Quên mật khẩu đăng nhập phần mềm quản lý văn bản", "kb_qlvb__quen_mat_khau")
    answered.answer("qlvb.quen_mat_khau").user("/feedback_helpful", "feedback_helpful")
    answered.action("action_store_feedback").says("utter_feedback_helpful")
    answered.slot("last_article", None).action("action_listen")

    bare = Conversation(SENDERS[1], ago(today, 4))
    bare.user("quen mat khau qlvb", "kb_qlvb__quen_mat_khau").answer("qlvb.quen_mat_khau")
    # Asked back, then the official picks a topic from the buttons.
    bare.user("ký số không được", "nlu_fallback").action("action_clarify").says("utter_clarify")
    bare.slot("repeated_fallback", False).action("action_listen")
    bare.user("/kb_kyso__ky_van_ban", "kb_kyso__ky_van_ban").answer("kyso.ky_van_ban")

    fallback = Conversation(SENDERS[2], ago(today, 3))
    fallback.user(EXCEL, "nlu_fallback").action("action_clarify").says("utter_fallback")
    fallback.slot("repeated_fallback", False).action("action_listen")
    fallback.user(EXCEL_BARE, "nlu_fallback").action("action_clarify")
    offer_refused(fallback.slot("repeated_fallback", True))

    escalated = Conversation(SENDERS[3], ago(today, 2))
    escalated.user(EXCEL_TICKET, "nlu_fallback").action("action_clarify").says("utter_fallback")
    escalated.slot("repeated_fallback", False).action("action_listen")
    ticket_form(escalated.user("cho tôi gặp cán bộ hỗ trợ", "request_human"), EXCEL_TICKET)
    escalated.user(PRINTER, "out_of_scope").action("utter_out_of_scope")
    escalated.says("utter_out_of_scope").action("action_listen")

    asked_back = Conversation(SENDERS[4], ago(today, 1))
    asked_back.user(SCRIPT, "nlu_fallback").action("action_clarify").says("utter_clarify")
    asked_back.slot("repeated_fallback", False).action("action_listen")
    # A new session: the official asks a person straight away, and writes the question in the form.
    ticket_form(asked_back.new_session().user("cho em gặp người hỗ trợ", "request_human"), AVATAR)

    old = Conversation("tg-100000009", ago(today, 40))
    old.user("quên mật khẩu qlvb", "kb_qlvb__quen_mat_khau").answer("qlvb.quen_mat_khau")
    return [answered, bare, fallback, escalated, asked_back, old]


def record_votes(store: FeedbackStore) -> None:
    """Votes as the feedback action stores them (now, so within the default period)."""
    for helpful in (True, True, False):
        store.record(SENDERS[0], "qlvb.quen_mat_khau", helpful)
    store.record(SENDERS[1], "kyso.ky_van_ban", False)
    store.record(SENDERS[1], "cu.bai_da_xoa", True)


# Opened `days` ago at 8:00, then each status after its delay: minutes since opening.
TICKETS = (
    ("qlvb", 6, (("in_progress", 30), ("resolved", 120))),  # resolved in 2 hours
    ("qlvb", 6, (("resolved", 360), ("closed", 480))),  # 6 hours: closing does not count
    ("kyso", 5, (("resolved", 60), ("in_progress", 120))),  # reopened: not resolved
    ("chung", 4, ()),
    ("kyso", 3, (("resolved", 27 * 60 + 30),)),  # 27 and a half hours
    ("qlvb", 60, (("resolved", 10),)),  # before the period
)
MEDIAN_SECONDS = 6 * 3600
TICKET_COUNTS = {
    "qlvb": {"resolved": 1, "closed": 1, "total": 2},
    "kyso": {"in_progress": 1, "resolved": 1, "total": 2},
    "chung": {"new": 1, "total": 1},
}


def open_tickets(url: str, database: Path, today: date) -> None:
    """Open, move and date every ticket of TICKETS on the desk at `url`."""
    for number, (software, days, steps) in enumerate(TICKETS, start=1):
        code = open_ticket(url, software, number)
        move(url, code, [status for status, _ in steps])
        opened = datetime.combine(ago(today, days), time(8), VIETNAM)
        set_back(database, code, opened, [timedelta(minutes=m) for _, m in steps])
