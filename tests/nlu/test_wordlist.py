from bot.nlu.wordlist import vietnamese_words


def test_the_word_list_of_underthesea_is_read_as_lower_case_syllables() -> None:
    words = vietnamese_words()

    assert len(words) > 60_000
    assert ("rải", "rác") in words
    assert all(syllable == syllable.lower() for word in words[:1000] for syllable in word)
