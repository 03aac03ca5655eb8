"""Matching a message with the questions of the live knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb.live_folder import LiveVersion
from bot.nlu.live_index import RECENT_TEXTS, STRONG_LIKENESS, LiveIndex
from bot.nlu.syllables import bare_syllables


@pytest.fixture(scope="module")
def index(root: Path) -> LiveIndex:
    return LiveIndex(LiveVersion.read(root / "knowledge_base"))


@pytest.mark.parametrize(
    "typed",
    [
        "Tôi quên mật khẩu phần mềm quản lý văn bản thì phải làm sao?",
        "toi quen mat khau phan mem quan ly van ban thi phai lam sao",
        "tôi quên mk phần mềm qlvb thì phải làm sao",
        "Quên mật khẩu, đặt lại mật khẩu",  # the title
    ],
)
def test_a_question_of_an_article_matches_it_exactly_however_it_is_typed(
    index: LiveIndex, typed: str
) -> None:
    match = index.match(typed)
    assert match is not None
    assert (match.article_id, match.exact, match.is_strong) == ("qlvb.quen_mat_khau", True, True)


def test_a_close_rewording_is_a_strong_likeness_to_its_article(index: LiveIndex) -> None:
    match = index.match("quên mật khẩu qlvb thì xin cấp lại ở đâu vậy")
    assert match is not None and not match.exact
    assert match.article_id == "qlvb.quen_mat_khau"
    assert match.likeness >= STRONG_LIKENESS and match.is_strong


@pytest.mark.parametrize("text", ["giá vàng hôm nay bao nhiêu", "thời tiết ngày mai thế nào"])
def test_an_unrelated_message_is_no_strong_match(index: LiveIndex, text: str) -> None:
    match = index.match(text)
    assert match is None or not match.is_strong


@pytest.mark.parametrize("text", ["", "   ", "?!", "🙂"])
def test_a_message_without_words_matches_nothing(index: LiveIndex, text: str) -> None:
    assert index.match(text) is None


def test_the_likeliest_articles_come_best_first_with_an_exact_question_leading(
    index: LiveIndex,
) -> None:
    found = index.likeliest("tôi quên mk phần mềm qlvb thì phải làm sao", 3)
    assert [m.article_id for m in found][:1] == ["qlvb.quen_mat_khau"]
    assert found[0].exact and len(found) == 3
    assert len({m.article_id for m in found}) == 3
    likeness = [m.likeness for m in found[1:]]
    assert likeness == sorted(likeness, reverse=True) and all(s > 0 for s in likeness)


def test_a_text_of_no_known_word_has_no_likeliest_article(index: LiveIndex) -> None:
    assert index.likeliest("zzqx wwqv", 3) == []
    assert index.likeliest("", 3) == []
    assert index.likeliest("quên mật khẩu", 0) == []


def test_likeness_to_every_article_is_given_by_id(index: LiveIndex) -> None:
    likeness = index.likeness("còn ký số trên điện thoại thì sao")
    assert max(likeness, key=lambda article_id: likeness[article_id]) == "kyso.di_dong"
    assert index.likeness("") == {}


@pytest.mark.parametrize(
    ("text", "article", "step"),
    [
        ("bấm ctrl f5 rồi vẫn thế", "chung.trinh_duyet", 3),
        ("nhập mã pin của token xong bấm gì", "kyso.ky_van_ban", 3),
    ],
)
def test_a_message_about_an_answer_is_like_it_and_names_its_likeliest_step(
    index: LiveIndex, text: str, article: str, step: int
) -> None:
    alike, number = index.answer_likeness(text, article)
    unrelated, _ = index.answer_likeness(text, "hoc.diem_dat")
    assert alike > unrelated
    assert number == step


def test_a_message_sharing_no_word_with_an_answer_names_no_step(index: LiveIndex) -> None:
    assert index.answer_likeness("xyzzy", "kyso.ky_van_ban") == (0.0, None)


def test_a_message_read_again_gives_the_same_syllables_each_time(index: LiveIndex) -> None:
    text = "còn trên điện thoại thì quên mk qlvb sao ạ"
    first = index.syllables(text)
    assert first == bare_syllables(text, index._abbreviations, {}, index._thesaurus)
    first.append("thêm")  # a caller's list is its own: the kept syllables are not changed
    assert index.syllables(text) == first[:-1]
    for number in range(2 * RECENT_TEXTS):  # many other messages later, read afresh
        index.syllables(f"câu hỏi số {number}")
    assert index.syllables(text) == first[:-1]
