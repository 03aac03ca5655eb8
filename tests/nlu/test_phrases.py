"""Phrases are matched on whole words, with or without diacritics."""

from __future__ import annotations

from bot.nlu import phrases


def test_a_phrase_matches_whole_words_whatever_the_marks() -> None:
    text = phrases.padded("Phiếu của tôi có bao lâu nữa")
    assert phrases.holds(text, ("phieu cua",))
    assert phrases.holds(text, ("bao lau",))
    assert not phrases.holds(text, ("phie",))
    assert not phrases.holds(text, ("lau nua nua",))
