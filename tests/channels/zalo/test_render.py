"""Splitting long texts, numbered choices, and numbers back to payloads."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.zalo.client import MAX_PART, size, split_text
from bot.channels.zalo.render import ChoiceMemory, rasa_messages, render
from bot.messages import Button, OutgoingMessage
from bot.texts import texts
from tests.channels.zalo.fake_rasa import MENU_REPLY


def test_a_short_text_is_one_part() -> None:
    assert split_text("Dạ, anh/chị vào mục Cài đặt.") == ["Dạ, anh/chị vào mục Cài đặt."]
    assert split_text("   ") == []


def test_a_long_text_is_cut_at_paragraphs_under_2000() -> None:
    paragraphs = [
        f"Bước {n}: " + ("nhấn vào nút Ký số rồi chọn chứng thư. " * 12).strip() for n in range(12)
    ]
    parts = split_text("\n\n".join(paragraphs))
    assert len(parts) > 1 and all(len(p) < 2000 for p in parts)
    # Every part is whole paragraphs, in order, and nothing is lost.
    assert "\n\n".join(parts) == "\n\n".join(paragraphs)
    assert all(p.startswith("Bước ") for p in parts)


def test_a_long_paragraph_is_cut_at_lines_then_words() -> None:
    lines = [("Dòng " + "thông tin hướng dẫn " * 20).strip() for _ in range(10)]
    parts = split_text("\n".join(lines))
    assert all(size(p) <= MAX_PART for p in parts)
    assert "\n".join(parts) == "\n".join(lines)
    words = "chữ " * 1500
    parts = split_text(words)
    assert all(size(p) <= MAX_PART for p in parts)
    assert " ".join(parts).split() == words.split()


def test_a_text_without_spaces_is_cut_by_characters_keeping_accents_with_letters() -> None:
    decomposed = "a\u0301" * 3000  # "á" written as a letter and a combining accent
    parts = split_text(decomposed)
    assert "".join(parts) == decomposed
    assert all(size(p) <= MAX_PART and p[0] != "\u0301" for p in parts)


def test_emoji_count_as_two_units() -> None:
    parts = split_text("😀" * 1500)
    assert len(parts) == 2 and all(size(p) <= MAX_PART for p in parts)


def test_rasa_replies_become_messages_with_buttons() -> None:
    replies: list[dict[str, Any]] = [
        *MENU_REPLY,
        {"text": "Hoặc gõ câu hỏi."},
        {"image": "https://x/a.png"},
        {},
    ]
    messages = rasa_messages(replies)
    assert [m.text for m in messages] == [
        "Anh/chị đang dùng phần mềm nào?",
        "Hoặc gõ câu hỏi.",
        "https://x/a.png",
    ]
    assert [b.title for b in messages[0].buttons] == ["Quản lý văn bản", "Chữ ký số", "Thư công vụ"]


def test_choices_are_numbered_lines_with_a_hint() -> None:
    message = OutgoingMessage("Chọn một:", (Button("Có", "/affirm"), Button("Không", "/deny")))
    text = render(message)
    assert (
        text == f"Chọn một:\n\n1. Có\n2. Không\n\n{texts('bot.channels.zalo').say('choices_hint')}"
    )
    assert render(OutgoingMessage("Chỉ chữ")) == "Chỉ chữ"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2", "/deny"),
        (" 1 ", "/affirm"),
        ("2.", "/deny"),
        ("1)", "/affirm"),
        ("3", "3"),
        ("0", "0"),
        ("12a", "12a"),
        ("hai", "hai"),
        ("١", "١"),
    ],
)
def test_a_number_names_the_choice_last_shown(typed: str, expected: str) -> None:
    memory = ChoiceMemory()
    memory.remember("u1", (Button("Có", "/affirm"), Button("Không", "/deny")))
    assert memory.resolve("u1", typed) == expected
    assert memory.resolve("u2", typed) == typed


def test_newer_choices_replace_older_and_none_clears_them() -> None:
    memory = ChoiceMemory()
    memory.remember("u1", (Button("A", "/a"), Button("B", "/b")))
    memory.remember("u1", (Button("C", "/c"),))
    assert memory.resolve("u1", "1") == "/c" and memory.resolve("u1", "2") == "2"
    memory.remember("u1", ())
    assert memory.resolve("u1", "1") == "1"


def test_memory_is_bounded() -> None:
    memory = ChoiceMemory(max_users=2)
    for user in ("a", "b", "c"):
        memory.remember(user, (Button("X", f"/{user}"),))
    assert memory.resolve("a", "1") == "1"
    assert memory.resolve("c", "1") == "/c"
