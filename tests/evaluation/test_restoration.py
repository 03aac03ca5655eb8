from collections.abc import Sequence

from bot.evaluation.restoration import Restoration, Tokenize, measure, strip_marks
from bot.nlu.diacritics import DiacriticsRestorer
from bot.vietnamese import words_with_offsets


def restoring(restorer: DiacriticsRestorer) -> Tokenize:
    """A tokenizer of one token per word that restores diacritics with `restorer`."""

    def tokenize(text: str) -> list[tuple[str, int, int]]:
        spans = words_with_offsets(text)
        restored = restorer.restore([s.text for s in spans])
        return [(r, s.start, s.end) for r, s in zip(restored, spans, strict=True)]

    return tokenize


def fixed(tokens: Sequence[tuple[str, int, int]]) -> Tokenize:
    return lambda text: tokens


def test_marks_are_stripped_with_case_and_offsets_kept() -> None:
    assert strip_marks("Đổi Mật khẩu QLVB, 18/4") == "Doi Mat khau QLVB, 18/4"
    written = "Ủy ban nhân dân"
    assert len(strip_marks(written)) == len(written)


def test_a_tiny_restorer_is_scored_per_syllable_and_on_marked_syllables() -> None:
    restorer = DiacriticsRestorer.learn([["quên", "mật", "khẩu"], ["đổi", "mật", "khẩu", "usb"]])

    # "Quên mật khẩu usb" comes back whole; "đăng" was never learned and stays "dang".
    result = measure(["Quên mật khẩu usb", "đăng mật khẩu"], restoring(restorer))

    assert result == Restoration(right=6, total=7, marked_right=5, marked_total=6, skipped=0)
    assert result.share == 6 / 7
    assert result.marked_share == 5 / 6


def test_numbers_are_not_syllables_and_a_grouped_word_is_compared_syllable_by_syllable() -> None:
    # "mật_khẩu" is one token over two words, as the Vietnamese tokenizer groups them.
    tokens = [("Đổi", 0, 3), ("mật_khau", 4, 12), ("18/4", 13, 17)]
    result = measure(["Đổi mật khẩu 18/4"], fixed(tokens))
    assert result == Restoration(right=2, total=3, marked_right=2, marked_total=3)


def test_an_expanded_abbreviation_is_skipped_never_counted_right() -> None:
    # "UBND" read as four syllables cannot be lined up with one written word.
    tokens = [("ủy_ban_nhân_dân", 0, 4), ("huyện", 5, 10)]
    result = measure(["UBND huyện"], fixed(tokens))
    assert result == Restoration(right=1, total=1, marked_right=1, marked_total=1, skipped=1)


def test_syllables_added_after_a_word_do_not_replace_it() -> None:
    # A thesaurus adds "văn bản" after "công văn", with the offsets of "văn".
    tokens = [("công_văn", 0, 8), ("bản", 4, 8)]
    result = measure(["công văn"], fixed(tokens))
    assert result == Restoration(right=2, total=2, marked_right=2, marked_total=2)


def test_a_tone_placed_the_other_way_is_not_a_mistake() -> None:
    assert measure(["hoà"], fixed([("hòa", 0, 3)])).right == 1
