"""How many syllables a model's tokenizer puts back right when their diacritics are stripped.

Each held-out sentence is stripped of its marks (case kept, as officials type), read by the
model's tokenizer, and every syllable of a token is compared with the sentence's own syllable
at the same place. Tokens carry offsets into the stripped text, and stripping changes no
offset, so each token lines up with the original words it covers. A token whose syllables do
not match those words one for one (an abbreviation expanded into several syllables, a word
split) is not compared: its words are counted as skipped, never as right.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import regex

from bot.vietnamese import Span, has_diacritics, normalize_word, words_with_offsets

# The tokens of a text: each one's text (syllables joined by "_" when it groups several) and its
# start and end in the text.
Tokenize = Callable[[str], Sequence[tuple[str, int, int]]]

_LETTER = regex.compile(r"\p{L}")
_BARE = str.maketrans({"đ": "d", "Đ": "D"})


def strip_marks(text: str) -> str:
    """The text as typed without diacritics: marks removed, đ as d, case and length kept."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).translate(_BARE))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare)


@dataclass(frozen=True)
class Restoration:
    """Syllables compared, right, and the same for those written with a diacritic."""

    right: int = 0
    total: int = 0
    marked_right: int = 0
    marked_total: int = 0
    skipped: int = 0

    @property
    def share(self) -> float:
        """Share of syllables restored right."""
        return self.right / self.total if self.total else 0.0

    @property
    def marked_share(self) -> float:
        """Share of the syllables that carry a diacritic restored right."""
        return self.marked_right / self.marked_total if self.marked_total else 0.0

    def __add__(self, other: Restoration) -> Restoration:
        """Both counts together."""
        return Restoration(
            self.right + other.right,
            self.total + other.total,
            self.marked_right + other.marked_right,
            self.marked_total + other.marked_total,
            self.skipped + other.skipped,
        )


def measure(sentences: Iterable[str], tokenize: Tokenize) -> Restoration:
    """Strip each sentence's marks, let `tokenize` read it, and count the syllables it got back."""
    result = Restoration()
    for sentence in sentences:
        result += _sentence(unicodedata.normalize("NFC", sentence), tokenize)
    return result


def _sentence(written: str, tokenize: Tokenize) -> Restoration:
    words = [w for w in words_with_offsets(written) if _LETTER.search(w.text)]
    typed = strip_marks(written)
    compared: dict[int, str] = {}  # index of a word -> the syllable the tokenizer made of it
    seen: set[int] = set()
    for text, start, end in tokenize(typed):
        covered = [i for i, w in enumerate(words) if start <= w.start and w.end <= end]
        if seen.intersection(covered):
            # Syllables a tokenizer adds after a word (a thesaurus term) carry its offsets: the
            # first token over a word is the word itself.
            continue
        seen.update(covered)
        syllables = [s for s in text.split("_") if s]
        if covered and len(syllables) == len(covered):
            compared.update(zip(covered, syllables, strict=True))
    result = Restoration(skipped=len(words) - len(compared))
    for index, restored in compared.items():
        result += _syllable(words[index], restored)
    return result


def _syllable(written: Span, restored: str) -> Restoration:
    right = int(_same(written.text, restored))
    if has_diacritics(written.text):
        return Restoration(right, 1, right, 1)
    return Restoration(right, 1)


def _same(written: str, restored: str) -> bool:
    # One tone placement (hoà = hòa) and case do not count as mistakes.
    return normalize_word(written).lower() == normalize_word(restored).lower()
