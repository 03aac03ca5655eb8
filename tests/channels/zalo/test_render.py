"""Splitting long texts, numbered choices, and numbers back to payloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.channels.zalo.client import MAX_PART, size, split_text
from bot.channels.zalo.render import CHOICES_SECONDS, ChoiceMemory, rasa_messages, render
from bot.messages import Button, OutgoingMessage
from bot.store.database import make_engine
from bot.store.shared_sql import SqlState
from bot.texts import texts
from tests.channels.zalo.fake_rasa import MENU_REPLY


class Clock:
    """Seconds since 1970 that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def memory(sqlite_engine: Engine) -> ChoiceMemory:
    return ChoiceMemory(SqlState(sqlite_engine))


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
async def test_a_number_names_the_choice_last_shown(
    memory: ChoiceMemory, typed: str, expected: str
) -> None:
    await memory.remember("u1", (Button("Có", "/affirm"), Button("Không", "/deny")))
    assert await memory.resolve("u1", typed) == expected
    assert await memory.resolve("u2", typed) == typed


async def test_newer_choices_replace_older_and_none_clears_them(memory: ChoiceMemory) -> None:
    await memory.remember("u1", (Button("A", "/a"), Button("B", "/b")))
    await memory.remember("u1", (Button("C", "/c"),))
    assert await memory.resolve("u1", "1") == "/c"
    assert await memory.resolve("u1", "2") == "2"
    await memory.remember("u1", ())
    assert await memory.resolve("u1", "1") == "1"


async def test_choices_are_kept_for_a_week_under_a_hash_of_the_user(
    sqlite_engine: Engine, clock: Clock
) -> None:
    memory = ChoiceMemory(SqlState(sqlite_engine, clock=clock))
    await memory.remember("8421", (Button("Có", "/affirm"),))
    with sqlite_engine.connect() as connection:
        keys = connection.exec_driver_sql("SELECT key FROM shared_state").scalars().all()
    assert len(keys) == 1 and "8421" not in keys[0]

    clock.now += CHOICES_SECONDS - 1
    assert await memory.resolve("8421", "1") == "/affirm"
    clock.now += 1
    assert await memory.resolve("8421", "1") == "1"


async def test_without_the_shared_state_a_number_is_just_text(tmp_path: Path) -> None:
    unmigrated = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        memory = ChoiceMemory(SqlState(unmigrated))
        await memory.remember("u1", (Button("Có", "/affirm"),))
        assert await memory.resolve("u1", "1") == "1"
    finally:
        unmigrated.dispose()
