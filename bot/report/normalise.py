"""Questions brought to one written form so that two phrasings of one question compare equal.

Abbreviations are expanded and fillers dropped before diacritics are: the dictionary's keys
carry diacritics ("đc"), and once folded "đề" (as in "đề xuất") could not be told from the
filler "để". A word typed without diacritics matches a filler in any of its written forms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import yaml

from bot.kb.abbreviations import AbbreviationError, load_abbreviations
from bot.vietnamese import fold, has_diacritics, normalize_word, words_with_offsets

_FILLERS = Path(__file__).resolve().parent / "fillers.yml"
# Runs of nine or more digits, with the separators people type: phone numbers, citizen ids.
_LONG_NUMBER = re.compile(r"\+?\d(?:[\s.\-()]*\d){8,}")
# A cell Excel would read as a formula; no question needs to start with these.
_FORMULA_START = "=+-@\t\r "


class Normaliser:
    """Gives a question's syllables: abbreviations expanded, fillers dropped, no diacritics."""

    def __init__(
        self, abbreviations: dict[str, list[str]], fillers: Sequence[Sequence[str]] = ()
    ) -> None:
        """Expand with `abbreviations` (abbreviation -> syllables); drop `fillers` (syllables)."""
        self._abbreviations = {**_bare_forms(abbreviations), **abbreviations}
        self._fillers = sorted((tuple(f) for f in fillers if f), key=len, reverse=True)

    @classmethod
    def for_knowledge_base(cls, kb_dir: Path) -> Normaliser:
        """With the abbreviations of the knowledge base in `kb_dir` and the report's fillers."""
        try:
            abbreviations = load_abbreviations(kb_dir / "abbreviations.yml")
        except (OSError, AbbreviationError, yaml.YAMLError):
            # Grouping still works on folded text; only "mk" and "mật khẩu" stay apart.
            abbreviations = {}
        phrases = yaml.safe_load(_FILLERS.read_text(encoding="utf-8")) or []
        fillers = [[normalize_word(s).lower() for s in str(p).split()] for p in phrases]
        return cls(abbreviations, fillers)

    def syllables(self, text: str) -> list[str]:
        """The question's syllables: abbreviations expanded, fillers dropped, no diacritics."""
        written: list[str] = []
        for span in words_with_offsets(text):
            word = normalize_word(span.text).lower()
            written.extend(self._abbreviations.get(word, [word]))
        kept = self._without_fillers(written) or written
        return [fold(s) for s in kept]

    def _without_fillers(self, written: list[str]) -> list[str]:
        kept, index = [], 0
        while index < len(written):
            length = next((len(f) for f in self._fillers if _starts(written, index, f)), 0)
            if length:
                index += length
            else:
                kept.append(written[index])
                index += 1
        return kept


def _bare_forms(abbreviations: dict[str, list[str]]) -> dict[str, list[str]]:
    """The abbreviations typed without diacritics ("dn" for "đn"), where that is unambiguous."""
    expansions: dict[str, set[tuple[str, ...]]] = {}
    for key, syllables in abbreviations.items():
        expansions.setdefault(fold(key), set()).add(tuple(syllables))
    return {key: list(next(iter(found))) for key, found in expansions.items() if len(found) == 1}


def _starts(words: list[str], index: int, filler: tuple[str, ...]) -> bool:
    candidate = words[index : index + len(filler)]
    return len(candidate) == len(filler) and all(
        word == part or (not has_diacritics(word) and word == fold(part))
        for word, part in zip(candidate, filler, strict=True)
    )


def clean(text: str, mask: str) -> str:
    """A question as a trainer may see it: one line, long numbers masked, no formula start."""
    flat = " ".join(_LONG_NUMBER.sub(mask, text).split())
    return flat.lstrip(_FORMULA_START)
