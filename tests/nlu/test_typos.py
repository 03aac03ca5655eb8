from bot.nlu.typos import BARE_LETTERS, LETTERS, correctable, known_neighbours, one_edit_away


def test_a_missing_wrong_doubled_or_swapped_letter_is_one_edit_away() -> None:
    neighbours = set(one_edit_away("khẩ", LETTERS))

    assert "khẩu" in neighbours
    assert "huấn" in set(one_edit_away("huấnn", LETTERS))
    assert "quên" in set(one_edit_away("qêun", LETTERS)) or "quên" in set(
        one_edit_away("quêu", LETTERS)
    )
    assert "mật" in set(one_edit_away("mậy", LETTERS))


def test_only_known_syllables_are_offered() -> None:
    assert known_neighbours("qen", {"quen", "ken", "mat"}, BARE_LETTERS) == {"quen", "ken"}


def test_codes_english_words_and_abbreviations_are_left_as_typed() -> None:
    assert not correctable("ht-000123")
    assert not correctable("zoom")
    assert not correctable("đc")
    assert correctable("qên")
