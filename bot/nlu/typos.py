"""The syllables one slip of the finger away: a letter wrong, missing, doubled or swapped.

Why it looks like this:
- Officials type on phones in a hurry: "qên mật khẩ" for "quên mật khẩu". A syllable the
  assistant has never seen carries no meaning for the classifiers, so the known syllables one
  edit away are offered to the restorer, which picks among them by context (`diacritics.py`).
- Only syllables that look Vietnamese are corrected: no digits (codes, phone numbers), no f, j,
  w or z (English words, which are left as typed), at most 7 letters (the longest Vietnamese
  syllable, "nghiêng").
- Letters are compared with their marks, so "khẩ" finds "khẩu"; a bare syllable also finds the
  bare forms of known ones ("qen" finds "quen", which the restorer may write "quên").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

# Every lower-case letter Vietnamese writes, with and without marks.
_VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
LETTERS = "bcdđghklmnpqrstvx" + _VOWELS
BARE_LETTERS = "abcdeghiklmnopqrstuvxy"
_FOREIGN = set("fjwz0123456789")
MAX_LETTERS = 7


def correctable(syllable: str) -> bool:
    """Whether `syllable` (lower case) looks like a mistyped Vietnamese syllable."""
    return 3 <= len(syllable) <= MAX_LETTERS + 1 and not _FOREIGN & set(syllable)


def one_edit_away(syllable: str, letters: str) -> Iterator[str]:
    """Every string one deletion, swap, substitution or insertion (from `letters`) away."""
    for index in range(len(syllable)):
        yield syllable[:index] + syllable[index + 1 :]
        if index + 1 < len(syllable):
            yield (syllable[:index] + syllable[index + 1] + syllable[index] + syllable[index + 2 :])
        for letter in letters:
            if letter != syllable[index]:
                yield syllable[:index] + letter + syllable[index + 1 :]
    for index in range(len(syllable) + 1):
        for letter in letters:
            yield syllable[:index] + letter + syllable[index:]


def known_neighbours(syllable: str, known: Iterable[str], letters: str) -> set[str]:
    """The members of `known` one edit away from `syllable`."""
    vocabulary = known if isinstance(known, set | frozenset | dict) else set(known)
    return {candidate for candidate in one_edit_away(syllable, letters) if candidate in vocabulary}
