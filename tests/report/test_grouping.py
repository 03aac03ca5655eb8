"""Grouping unanswered questions: the same question in other words is one group, others are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.report.grouping import group
from bot.report.normalise import Normaliser, clean


@pytest.fixture(scope="module")
def normaliser(root: Path) -> Normaliser:
    """With the project's abbreviations and the report's fillers."""
    return Normaliser.for_knowledge_base(root / "knowledge_base")


def _groups(normaliser: Normaliser, *questions: str) -> list[list[str]]:
    """Each group's phrasings (in any order), largest group first."""
    found = group([(q, normaliser.syllables(q)) for q in questions])
    return [sorted(g.phrasings) for g in found]


def test_abbreviations_diacritics_and_fillers_do_not_keep_a_question_apart(
    normaliser: Normaliser,
) -> None:
    assert normaliser.syllables("Cho em hỏi sao ko đn đc pm chấm công ạ") == normaliser.syllables(
        "sao khong dn duoc phan mem cham cong"
    )


def test_a_filler_typed_bare_is_dropped_but_a_word_written_apart_from_it_is_kept(
    normaliser: Normaliser,
) -> None:
    assert normaliser.syllables("làm sao để gửi đề xuất") == ["gui", "de", "xuat"]
    assert normaliser.syllables("lam sao de gui de xuat") == ["gui", "xuat"]


def test_rephrasings_group_and_unrelated_questions_stay_alone(normaliser: Normaliser) -> None:
    groups = _groups(
        normaliser,
        "phần mềm chấm công không đăng nhập được",
        "sao em không đăng nhập được phần mềm chấm công ạ",
        "ko dn dc pm cham cong",
        "máy in trong phòng họp bị kẹt giấy",
        "cho em hỏi cách nộp thuế điện tử",
        "nop thue dien tu nhu the nao a",
    )
    assert groups == [
        [
            "ko dn dc pm cham cong",
            "phần mềm chấm công không đăng nhập được",
            "sao em không đăng nhập được phần mềm chấm công ạ",
        ],
        ["cho em hỏi cách nộp thuế điện tử", "nop thue dien tu nhu the nao a"],
        ["máy in trong phòng họp bị kẹt giấy"],
    ]


def test_the_representative_is_the_most_asked_written_with_diacritics(
    normaliser: Normaliser,
) -> None:
    asked = ["quen mat khau email", "quen mat khau email", "Quên mật khẩu email", "quên mk email"]
    [found] = group([(q, normaliser.syllables(q)) for q in asked])
    assert (found.size, found.representative) == (4, "Quên mật khẩu email")
    # One line per way the knowledge base tells questions apart: "quen mat khau email" is a
    # repeat of "Quên mật khẩu email" there, "quên mk email" is not.
    assert found.phrasings == ["Quên mật khẩu email", "quên mk email"]
    assert found.examples(5) == ["quên mk email"]


def test_a_question_of_fillers_only_is_still_a_question(normaliser: Normaliser) -> None:
    assert normaliser.syllables("làm sao ạ") == ["lam", "sao", "a"]


def test_numbers_that_may_be_phones_or_ids_are_masked_and_no_cell_starts_a_formula() -> None:
    assert clean("sđt em 0912 345 678, cccd 001099012345 ạ", "[số]") == "sđt em [số], cccd [số] ạ"
    assert clean('  =HYPERLINK("x")  chấm\n công ', "[số]") == 'HYPERLINK("x") chấm công'
    assert clean("phiếu HT-000123 sao rồi", "[số]") == "phiếu HT-000123 sao rồi"
