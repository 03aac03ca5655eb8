"""Templates are checked when saved and filled with exactly the ticket's name and code."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.desk.models import NewTicket, Ticket
from bot.desk.reply_templates import TEXT_LIMIT, TemplateProblem, checked, fill


def ticket(name: str | None) -> Ticket:
    fields = NewTicket("Tóm tắt", "Nội dung", "Xã A", "web", "web-1", name, "0912345678", "qlvb")
    moment = datetime(2026, 1, 1)
    return Ticket("HT-000042", fields, "new", moment, moment, moment)


def test_placeholders_take_the_officials_name_and_the_code() -> None:
    text = "Chào {ten}, phiếu {ma_phieu} của {ten} đã xong."
    assert fill(text, ticket("Lê Văn B"), "anh/chị") == (
        "Chào Lê Văn B, phiếu HT-000042 của Lê Văn B đã xong."
    )


def test_a_name_that_looks_like_a_placeholder_or_a_format_field_stays_as_typed() -> None:
    name = "{ma_phieu} {0.__class__} %s"
    assert fill("Chào {ten}!", ticket(name), "anh/chị") == f"Chào {name}!"


def test_braces_that_are_not_placeholders_are_left_alone() -> None:
    assert fill("{0} {} {{ten}} {8 giờ}", ticket(None), "anh/chị") == "{0} {} {anh/chị} {8 giờ}"


@pytest.mark.parametrize(
    ("title", "text", "key"),
    [
        ("  ", "Chào.", "template_title_missing"),
        ("A" * 121, "Chào.", "template_title_invalid"),
        ("Chào", " \n ", "template_text_missing"),
        ("Chào", "x" * (TEXT_LIMIT + 1), "template_text_too_long"),
        ("Chào", "Chào\x00", "template_text_invalid"),
        ("Chào", "Chào {tne} {0}", "template_placeholder"),
    ],
)
def test_a_template_that_cannot_be_sent_well_is_refused(title: str, text: str, key: str) -> None:
    with pytest.raises(TemplateProblem) as refused:
        checked(title, text)
    assert refused.value.key == key


def test_a_template_is_tidied_when_saved() -> None:
    assert checked("  Đã   nhận ", "\r\nChào {ten}.\r\nHẹn gặp lại.\n") == (
        "Đã nhận",
        "Chào {ten}.\nHẹn gặp lại.",
    )
