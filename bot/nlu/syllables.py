"""A question's bare syllables as the tokenizer's lemmas give them, without loading underthesea.

The tokenizer (`vi_tokenizer.py`) normalises each word, expands abbreviations, restores
diacritics, adds the thesaurus's terms, leaves out the clauses telling what still works and
segments; its lemmas are the syllables without diacritics. Restoring diacritics and segmenting
never change those bare syllables of text typed without typos, so they can be computed here
from the words, the abbreviations and the thesaurus alone: this is how knowledge base questions
published after training are compared with the messages the trained tokenizer sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.kb.thesaurus import Thesaurus
from bot.nlu.fine_clauses import fine_clauses
from bot.vietnamese import fold, normalize_word, words_with_offsets

# Messages go through the same cache: a bound keeps odd input from growing it without end.
_MAX_KNOWN_WORDS = 50_000


def bare_syllables(
    text: str,
    abbreviations: Mapping[str, Sequence[str]],
    known_words: dict[str, list[str]] | None = None,
    thesaurus: Thesaurus | None = None,
) -> list[str]:
    """The syllables without diacritics of `text`, abbreviations expanded, terms added.

    `known_words` caches the syllables of each word (as typed) for callers that read thousands of
    questions: a knowledge base uses a few thousand distinct words a hundred thousand times.
    """
    typed: list[str] = []
    # What still works is left out, as the tokenizer leaves it out (`fine_clauses.py`).
    for span in words_with_offsets(fine_clauses().without(text)):
        cached = known_words.get(span.text) if known_words is not None else None
        if cached is None:
            cached = _word_syllables(span.text, abbreviations)
            if known_words is not None and len(known_words) < _MAX_KNOWN_WORDS:
                known_words[span.text] = cached
        typed.extend(cached)
    found = [fold(s) for s in typed]
    return thesaurus.expand_bare(found, typed) if thesaurus is not None else found


def _word_syllables(text: str, abbreviations: Mapping[str, Sequence[str]]) -> list[str]:
    """The word's syllables in lower case as typed (marks kept), its abbreviation expanded."""
    word = normalize_word(text)
    return [s for part in abbreviations.get(word.lower()) or [word] for s in part.lower().split()]


def match_key(syllables: Sequence[str]) -> str:
    """The form two questions are equal in: their bare syllables, one space apart."""
    return " ".join(syllables)
