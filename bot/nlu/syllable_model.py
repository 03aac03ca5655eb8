"""How likely a syllable is after the two before it: an interpolated Witten-Bell trigram model.

Why it looks like this:
- A bare syllable such as "toi", "nay", "xa" or "thi" is several words, and one neighbour often
  cannot tell them apart ("... hoàn thành | thi", "đăng nhập | thì"); two usually can. So the
  restorer reads trigrams where the text has them and falls back on pairs, then on syllables.
- Each order hands the next lower one a share that grows with how many different syllables
  follow its history (Witten-Bell): after "chia" almost always comes "sẻ", so "chia" keeps
  nearly all its mass; after "tại" come dozens of words, so an unseen "tại hội" is not unlikely.
- The lowest order mixes how often a syllable occurs with how many different syllables precede
  it (the Kneser-Ney idea): "sẻ" is frequent here only because "chia sẻ" is, so it is a poor
  guess after any other word, where "sẽ" (after dozens of words) is the better one.
- Counts may be fractions: the word list's words count a fraction of an occurrence, so a type
  seen only there counts as that fraction of a type too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

START = "<s>"
END = "</s>"


class SyllableModel:
    """Interpolated trigram probabilities over syllables (and the sentence's start and end).

    `backoff` and `trigram_backoff` scale the share a history hands down per type that follows
    it; `continuation` is the weight of the preceding-types count in the lowest order. All three
    were chosen on the development text (tests/data/dev_domain_text.yml).
    """

    def __init__(
        self,
        unigrams: Mapping[str, float],
        bigrams: Mapping[tuple[str, str], float],
        trigrams: Mapping[tuple[str, str, str], float],
        backoff: float = 8.0,
        continuation: float = 0.6,
        trigram_backoff: float = 12.0,
    ) -> None:
        self._bigrams = bigrams
        self._trigrams = trigrams
        counts = {**unigrams, END: sum(n for (_, b), n in bigrams.items() if b == END)}
        preceded: Counter[str] = Counter()
        after_one: dict[str, list[float]] = {}
        for (a, b), n in bigrams.items():
            preceded[b] += min(1.0, n)  # type: ignore[assignment]
            _add(after_one.setdefault(a, [0.0, 0.0]), n)
        after_two: dict[tuple[str, str], list[float]] = {}
        for (a, b, _), n in trigrams.items():
            _add(after_two.setdefault((a, b), [0.0, 0.0]), n)
        # Each history's total count and the share it hands down, as (count + share, share).
        self._after_one = {h: (n + backoff * t, backoff * t) for h, (n, t) in after_one.items()}
        self._after_two = {
            h: (n + trigram_backoff * t, trigram_backoff * t) for h, (n, t) in after_two.items()
        }
        vocabulary = len(counts) + 1
        total = sum(counts.values()) + 0.1 * vocabulary
        preceded_total = sum(preceded.values()) + 0.1 * vocabulary
        self._unseen = continuation * 0.1 / preceded_total + (1 - continuation) * 0.1 / total
        self._unigrams = {
            syllable: continuation * (preceded.get(syllable, 0.0) + 0.1) / preceded_total
            + (1 - continuation) * (counts.get(syllable, 0.0) + 0.1) / total
            for syllable in counts.keys() | preceded.keys()
        }

    def unigram(self, syllable: str) -> float:
        """How likely `syllable` is with no context."""
        return self._unigrams.get(syllable, self._unseen)

    def bigram(self, previous: str, syllable: str) -> float:
        """How likely `syllable` is after `previous`."""
        lower = self._unigrams.get(syllable, self._unseen)
        seen = self._after_one.get(previous)
        if seen is None:
            return lower
        return (self._bigrams.get((previous, syllable), 0.0) + seen[1] * lower) / seen[0]

    def trigram(self, first: str, previous: str, syllable: str) -> float:
        """How likely `syllable` is after `first` and `previous`."""
        return self.following(first, previous, (syllable,))[0]

    def following(self, first: str, previous: str, syllables: Iterable[str]) -> list[float]:
        """How likely each of `syllables` is after `first` and `previous` (one lookup of the
        history for them all: the restorer asks this for every reading of a syllable)."""
        one = self._after_one.get(previous)
        two = self._after_two.get((first, previous))
        found = []
        for syllable in syllables:
            p = self._unigrams.get(syllable, self._unseen)
            if one is not None:
                p = (self._bigrams.get((previous, syllable), 0.0) + one[1] * p) / one[0]
            if two is not None:
                p = (self._trigrams.get((first, previous, syllable), 0.0) + two[1] * p) / two[0]
            found.append(p)
        return found


def _add(seen: list[float], count: float) -> None:
    """Count an n-gram seen `count` times: its occurrences, and a type (a fraction for less)."""
    seen[0] += count
    seen[1] += min(1.0, count)
