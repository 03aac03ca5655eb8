"""What still works is left out of what a message asks; a fault or a question never is."""

from __future__ import annotations

import pytest

from bot.nlu.fine_clauses import fine_clauses


def left_out(text: str) -> list[str]:
    return [text[start:end].strip() for start, end in fine_clauses().spans(text)]


@pytest.mark.parametrize(
    ("text", "working"),
    [
        (
            "Hình ảnh thì không có vấn đề gì, mạng vẫn ổn. Sao bên kia nghe tiếng bị lặp?",
            ["Hình ảnh thì không có vấn đề gì", "mạng vẫn ổn"],
        ),
        ("Tieng van ro, mang khong giat. Sao hinh bi mo?", ["Tieng van ro", "mang khong giat"]),
        (
            "điểm cầu vẫn nghe được tiếng nhưng các nơi khác không nhìn thấy mình",
            ["điểm cầu vẫn nghe được tiếng"],
        ),
        (
            "hôm qua vẫn đọc mail bình thường, giờ quên mật khẩu qlvb",
            ["hôm qua vẫn đọc mail bình thường"],
        ),
    ],
)
def test_a_clause_telling_what_works_is_left_out(text: str, working: list[str]) -> None:
    assert left_out(text) == working


@pytest.mark.parametrize(
    "text",
    [
        # A fault in the same clause: it is the problem.
        "mạng vẫn bình thường mà không vào được qlvb",
        "vẫn nghe thấy tiếng hú ở điểm cầu",
        # A question is what the message asks.
        "mạng như vậy có bình thường không?",
        # The only clause: nothing else to read.
        "máy vẫn chạy bình thường",
        "văn bản vẫn chạy sang cho đồng nghiệp xử lý thay",
    ],
)
def test_a_fault_a_question_or_the_only_clause_is_kept(text: str) -> None:
    assert left_out(text) == []
