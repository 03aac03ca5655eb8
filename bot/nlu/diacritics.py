"""Restore the diacritics of Vietnamese typed without them, with a syllable bigram model.

The model is learned from text written with diacritics (the knowledge base questions and the
rest of the training data), so it knows this domain's words best: "quen mat khau" becomes
"quên mật khẩu", not the more common "quen mặt khâu" a general model might prefer.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from bot.vietnamese import fold, has_diacritics

_START = "<s>"
# How much the unigram distribution weighs against a bigram seen only a few times.
_BACKOFF = 2.0


class DiacriticsRestorer:
    """Chooses, for each syllable typed without diacritics, its most likely written form."""

    def __init__(self, unigrams: Counter[str], bigrams: Counter[tuple[str, str]]) -> None:
        self._unigrams = unigrams
        self._bigrams = bigrams
        self._total = sum(unigrams.values()) or 1.0
        self._following: Counter[str] = Counter()
        for (previous, _), count in bigrams.items():
            self._following[previous] += count
        self._candidates: dict[str, list[str]] = defaultdict(list)
        for syllable in unigrams:
            self._candidates[fold(syllable)].append(syllable)

    @classmethod
    def learn(cls, sentences: Iterable[Sequence[str]]) -> DiacriticsRestorer:
        """Count syllables and syllable pairs of sentences written with diacritics."""
        unigrams: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        for sentence in sentences:
            syllables = [s.lower() for s in sentence]
            if not _mostly_accented(syllables):
                continue
            unigrams.update(syllables)
            bigrams.update(zip([_START, *syllables], syllables, strict=False))
        return cls(unigrams, bigrams)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form for the model's storage."""
        return {
            "unigrams": dict(self._unigrams),
            "bigrams": [[a, b, n] for (a, b), n in self._bigrams.items()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DiacriticsRestorer:
        """Rebuild a restorer saved by `to_dict`."""
        bigrams = Counter({(a, b): n for a, b, n in data["bigrams"]})
        return cls(Counter(data["unigrams"]), bigrams)

    def restore(self, syllables: Sequence[str]) -> list[str]:
        """Return the syllables with diacritics added where they were typed without any."""
        lattice = [self._options(s) for s in syllables]
        # Viterbi over the lattice: best[i][candidate] = (log probability, back pointer).
        best: list[dict[str, tuple[float, str]]] = []
        previous: dict[str, tuple[float, str]] = {_START: (0.0, "")}
        for options in lattice:
            column: dict[str, tuple[float, str]] = {}
            for option in options:
                column[option] = max(
                    (score + self._log_prob(before, option), before)
                    for before, (score, _) in previous.items()
                )
            best.append(column)
            previous = column
        chosen: list[str] = []
        state = max(previous, key=lambda c: previous[c][0]) if best else ""
        for column in reversed(best):
            chosen.append(state)
            state = column[state][1]
        chosen.reverse()
        return [_match_case(original, new) for original, new in zip(syllables, chosen, strict=True)]

    def _options(self, syllable: str) -> list[str]:
        lower = syllable.lower()
        if has_diacritics(lower):
            return [lower]
        return self._candidates.get(lower, []) or [lower]

    def _log_prob(self, previous: str, current: str) -> float:
        unigram = (self._unigrams[current] + 0.1) / (self._total + 0.1 * len(self._unigrams))
        pair = self._bigrams[(previous, current)]
        return math.log((pair + _BACKOFF * unigram) / (self._following[previous] + _BACKOFF))


def _mostly_accented(syllables: Sequence[str]) -> bool:
    """Whether a sentence was typed with diacritics (a few bare ones such as "usb" are fine)."""
    if not syllables:
        return False
    accented = sum(1 for s in syllables if has_diacritics(s))
    return accented / len(syllables) >= 0.3


def _match_case(original: str, restored: str) -> str:
    if original.isupper() and len(original) > 1:
        return restored.upper()
    if original[:1].isupper():
        return restored[:1].upper() + restored[1:]
    return restored
