"""Vietnamese text normalisation that keeps every piece tied to its place in the original."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

# A word is a run of letters, combining marks and digits. Runs are joined by - _ / @ &
# (codes such as HT-000123, e-mail addresses) and by a dot only between digits
# (0912.345.678), so "vb.Em" typed without a space still splits into two words.
_WORD = regex.compile(
    r"[\p{L}\p{M}\p{N}]+(?:(?:[\-_/@&]|(?<=\p{N})\.(?=\p{N}))[\p{L}\p{M}\p{N}]+)*"
)

# Letters that look like Vietnamese ones but come from other scripts or old encodings.
_LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ", "Ɖ": "Đ", "ɖ": "đ"})

_VOWELS_WITH_TONE = {
    "a": "aàáảãạ",
    "e": "eèéẻẽẹ",
    "y": "yỳýỷỹỵ",
}
_O_TONES = "oòóỏõọ"
_U_TONES = "uùúủũụ"


def _old_style_endings() -> dict[str, str]:
    """Map the "new style" tone placement (hoà, thuý) to the one word lists use (hòa, thúy)."""
    endings: dict[str, str] = {}
    for first, tones_first, seconds in (("o", _O_TONES, "ae"), ("u", _U_TONES, "y")):
        for second in seconds:
            tones_second = _VOWELS_WITH_TONE[second]
            for tone in range(1, 6):
                endings[first + tones_second[tone]] = tones_first[tone] + second
    return endings


_ENDINGS = _old_style_endings()

_FOLD = str.maketrans({"đ": "d", "Đ": "D"})


@dataclass(frozen=True)
class Span:
    """A word of the original text and where it stands in it."""

    text: str
    start: int
    end: int


def normalize_word(word: str) -> str:
    """NFC, look-alike letters replaced and one tone placement for oa, oe, uy at a word's end."""
    word = unicodedata.normalize("NFC", word).translate(_LOOKALIKES)
    lower = word.lower()
    for ending, replacement in _ENDINGS.items():
        if lower.endswith(ending):
            cut = len(word) - len(ending)
            tail = word[cut:]
            if tail.isupper():
                replacement = replacement.upper()
            elif tail[0].isupper():
                replacement = replacement.capitalize()
            return word[:cut] + replacement
    return word


def fold(text: str) -> str:
    """Lower-case text with every diacritic removed (đ becomes d)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare).lower()


def has_diacritics(word: str) -> bool:
    """Whether a word carries any Vietnamese diacritic (or đ)."""
    return fold(word) != word.lower()


def words_with_offsets(text: str) -> list[Span]:
    """Split text into words with offsets into exactly the string given."""
    return [Span(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


def comparable(text: str) -> str:
    """The form two questions are compared in: folded, punctuation dropped, spaces collapsed."""
    return " ".join(fold(w.text) for w in words_with_offsets(text))
