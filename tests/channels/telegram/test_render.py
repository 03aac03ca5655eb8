"""Rendering for Telegram: escaping, splitting under the limit, keyboards, long payloads."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram.render import (
    MAX_TEXT,
    CallbackPayloads,
    buttons_of,
    keyboard,
    render,
    render_replies,
    split,
    telegram_length,
    to_html,
)
from bot.messages import Button
from bot.store.database import make_engine
from bot.store.shared_sql import SqlState
from tests.support.databases import migrated_sqlite

LONG = "Hướng dẫn ký số văn bản đi trên phần mềm quản lý văn bản" * 2


def visible(text: str) -> str:
    return html.unescape(re.sub(r"</?b>", "", text))


@pytest.mark.parametrize(
    "text",
    ["a < b", "x && y", "1 * 2 * 3", "snake_case_name", "<b>not bold</b>", "&amp;", "`code`"],
)
def test_markup_characters_are_shown_as_they_are(text: str) -> None:
    rendered = to_html(text)

    assert visible(rendered) == text
    assert "<" not in rendered.replace("&lt;", "")


def test_the_knowledge_bases_bold_becomes_a_tag_and_stray_stars_stay() -> None:
    assert to_html("Bấm **Lưu** rồi **Gửi**") == "Bấm <b>Lưu</b> rồi <b>Gửi</b>"
    assert to_html("** cách ** và 2 ** 3") == "** cách ** và 2 ** 3"
    assert to_html("**<x>**") == "<b>&lt;x&gt;</b>"


def test_a_long_text_is_split_at_paragraphs_under_the_limit() -> None:
    paragraphs = [f"Đoạn {n}. " + "chữ " * 400 for n in range(8)]
    text = "\n\n".join(p.strip() for p in paragraphs)

    pieces = split(text)

    assert len(pieces) > 1
    assert all(telegram_length(p) <= MAX_TEXT for p in pieces)
    assert "\n\n".join(pieces) == text
    assert all(p.startswith("Đoạn ") for p in pieces)


def test_one_huge_paragraph_is_cut_at_sentences_then_words() -> None:
    sentences = "Câu này dài vừa phải. " * 400
    words = "từ " * 3000

    by_sentence = split(sentences)
    by_word = split(words)

    assert all(telegram_length(p) <= MAX_TEXT for p in by_sentence + by_word)
    assert all(p.endswith(".") for p in by_sentence)
    assert " ".join(by_word) == words.strip()


def test_text_without_any_break_is_cut_hard_and_emoji_count_twice() -> None:
    pieces = split("😀" * 5000)

    assert [telegram_length(p) for p in pieces] == [4096, 4096, 1808]
    assert "".join(pieces) == "😀" * 5000


def test_small_limits_are_honoured() -> None:
    assert split("một hai ba bốn", limit=7) == ["một hai", "ba bốn"]
    assert split("   ") == []


async def test_short_payloads_are_callback_data_and_long_ones_get_a_short_id() -> None:
    payloads = CallbackPayloads()
    long_payload = "Phần mềm quản lý văn bản và hồ sơ công việc tỉnh" * 2

    short = payloads.data_for("/affirm")
    mapped = payloads.data_for(long_payload)

    assert short == "/affirm"
    assert len(mapped.encode()) <= 64 and mapped.startswith("~")
    assert payloads.data_for(long_payload) == mapped
    assert await payloads.payload_for(mapped) == long_payload
    assert await payloads.payload_for("/affirm") == "/affirm"
    assert await payloads.payload_for("~unknown") is None
    looks_like_an_id = payloads.data_for("~looks like an id")
    assert await payloads.payload_for(looks_like_an_id) == "~looks like an id"


async def test_the_payload_map_forgets_the_least_recently_used() -> None:
    payloads = CallbackPayloads(capacity=2)
    first, second = (payloads.data_for(f"{n}" * 70) for n in (1, 2))
    assert await payloads.payload_for(first) is not None  # first is now the most recent
    payloads.data_for("3" * 70)

    assert await payloads.payload_for(first) == "1" * 70
    assert await payloads.payload_for(second) is None


async def test_a_long_payload_kept_by_one_gateway_is_found_by_another(tmp_path: Path) -> None:
    engine = make_engine(migrated_sqlite(tmp_path / "store.db"))
    try:
        state = SqlState(engine)
        shown, pressed = CallbackPayloads(state), CallbackPayloads(state)
        mapped = shown.data_for(LONG)

        assert await pressed.payload_for(mapped) is None  # not kept yet: nothing was sent
        await shown.keep()
        assert await pressed.payload_for(mapped) == LONG
        with engine.connect() as connection:
            values = connection.exec_driver_sql("SELECT value FROM shared_state").scalars().all()
        assert len(values) == 1
    finally:
        engine.dispose()


def test_short_titles_sit_two_to_a_row_long_ones_alone() -> None:
    payloads = CallbackPayloads()
    short = keyboard([Button("👍 Hữu ích", "/y"), Button("👎 Chưa", "/n")], payloads)
    long = keyboard(
        [Button("Tạo phiếu hỗ trợ ngay", "/affirm"), Button("Không", "/deny")], payloads
    )

    assert short is not None and [len(r) for r in short.inline_keyboard] == [2]
    assert long is not None and [len(r) for r in long.inline_keyboard] == [1, 1]
    assert keyboard([], payloads) is None


def test_buttons_go_under_the_last_piece_or_under_a_prompt_when_there_is_no_text() -> None:
    payloads = CallbackPayloads()
    buttons = [Button("Có", "/affirm")]

    pieces = render("đoạn\n\n" * 3000, buttons, payloads, "Chọn:")
    only_buttons = render("", buttons, payloads, "Chọn:")

    assert [p.keyboard is not None for p in pieces] == [False] * (len(pieces) - 1) + [True]
    assert [p.text for p in only_buttons] == ["Chọn:"]
    assert render("  ", [], payloads, "Chọn:") == []
    assert render("", [Button("Trống", "  ")], payloads, "Chọn:") == []


def test_rasa_replies_are_read_defensively() -> None:
    replies: list[dict[str, Any]] = [
        {"text": "Một", "buttons": [{"title": "A", "payload": "/a"}, "x", {"title": 1}]},
        {"image": "https://example.org/a.png"},
        {"custom": {"x": 1}},
        {"text": 42},
    ]

    rendered = render_replies(replies, CallbackPayloads(), "Chọn:")

    assert [r.text for r in rendered] == ["Một", "https://example.org/a.png"]
    assert buttons_of({"buttons": [{"payload": "/p"}]}) == (Button("/p", "/p"),)
    assert buttons_of({"buttons": "nope"}) == ()
