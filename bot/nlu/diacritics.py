"""Restore the diacritics of Vietnamese typed without them, with a syllable bigram model.

The model is learned from text written with diacritics (the knowledge base's questions, titles
and answers, the thesaurus and the rest of the training data), so it knows this domain's words
best: "quen mat khau" becomes "quên mật khẩu", not the more common "quen mặt khâu" a general
model might prefer. A syllable it has never seen is also offered the known syllables one typo
away (`typos.py`), at a cost, so "qên mật khẩ" becomes "quên mật khẩu" where the context says so.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from bot.nlu.typos import BARE_LETTERS, LETTERS, correctable, known_neighbours
from bot.vietnamese import fold, has_diacritics

_START = "<s>"
# How much the unigram distribution weighs against a bigram seen only a few times: a pair seen
# in a word or two of the word list must not outweigh a word the domain writes hundreds of
# times. Chosen on the development set's written questions (30 of 5 to 100), not the held-out text.
_BACKOFF = 30.0
# What reading a syllable as a typo of another costs, against keeping it as typed.
_TYPO_COST = math.log(0.02)


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
    def learn(
        cls,
        sentences: Iterable[Sequence[str]],
        lexicon: Iterable[Sequence[str]] = (),
        lexicon_weight: float = 0.05,
        lexicon_pair_weight: float = 0.05,
    ) -> DiacriticsRestorer:
        """Count syllables and syllable pairs of sentences written with diacritics.

        Each word of `lexicon` (a word list) counts `lexicon_weight` of an occurrence: enough
        to know how a word the sentences never use is written, never enough to outweigh them.
        A sentence typed partly without marks ("tài khoản hoc vien") teaches only its marked
        syllables: its bare ones would teach the restorer to leave words bare.
        """
        words = [tuple(syllable.lower() for syllable in word) for word in lexicon]
        real = {syllable for word in words for syllable in word}
        accented = [
            syllables
            for syllables in ([s.lower() for s in sentence] for sentence in sentences)
            if _mostly_accented(syllables)
        ]
        marked = {fold(s) for s in real | {s for x in accented for s in x} if has_diacritics(s)}
        unigrams: Counter[str] = Counter()
        bigrams: Counter[tuple[str, str]] = Counter()
        for syllables in accented:
            # A bare syllable that is no word but the bare form of one shows the sentence was
            # typed partly without marks: then none of its bare syllables is trusted.
            partly_bare = any(
                not has_diacritics(s) and s not in real and s in marked for s in syllables
            )
            kept = [
                s if has_diacritics(s) or not (partly_bare and s in marked) else None
                for s in syllables
            ]
            unigrams.update(s for s in kept if s is not None)
            bigrams.update(
                (a, b)
                for a, b in zip([_START, *kept], kept, strict=False)
                if a is not None and b is not None
            )
        for word in words:
            for syllable in word:
                unigrams[syllable] += lexicon_weight  # type: ignore[assignment]
            for pair in pairwise(word):
                bigrams[pair] += lexicon_pair_weight  # type: ignore[assignment]
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

    def knows(self, syllable: str) -> bool:
        """Whether `syllable` (as typed, with or without marks) was seen in training."""
        lower = syllable.lower()
        return lower in self._unigrams or lower in self._candidates

    def restore(self, syllables: Sequence[str]) -> list[str]:
        """The syllables with diacritics added where they were typed without any, and
        unknown ones read as the known syllable one typo away where the context supports it."""
        lattice = [self._options(s) for s in syllables]
        # Viterbi over the lattice: best[i][candidate] = (log probability, back pointer).
        best: list[dict[str, tuple[float, str]]] = []
        previous: dict[str, tuple[float, str]] = {_START: (0.0, "")}
        for options in lattice:
            column: dict[str, tuple[float, str]] = {}
            for option, cost in options.items():
                column[option] = max(
                    (score + self._log_prob(before, option) + cost, before)
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

    def _options(self, syllable: str) -> dict[str, float]:
        """The readings of `syllable` with what each costs beyond its probability."""
        lower = syllable.lower()
        if has_diacritics(lower):
            if lower in self._unigrams or not correctable(lower):
                return {lower: 0.0}
            typos = known_neighbours(lower, self._unigrams, LETTERS)
            return {lower: 0.0, **dict.fromkeys(typos, _TYPO_COST)}
        known = self._candidates.get(lower)
        if known:
            return dict.fromkeys(known, 0.0)
        if not correctable(lower):
            return {lower: 0.0}
        options = {lower: 0.0}
        for bare in known_neighbours(lower, self._candidates, BARE_LETTERS):
            options.update(dict.fromkeys(self._candidates[bare], _TYPO_COST))
        return options

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
