"""How alike a message is to each intent's examples, as TF-IDF vectors of bare syllables.

Each intent is one document: all its examples together. A message is compared with every
intent's document by cosine similarity over syllables and syllable pairs without diacritics.
With fifteen-odd paraphrases per article this is a strong signal that a neural classifier
trained on so few examples lacks: which words of the message are rare in the whole data and
frequent in one article.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

Vector = dict[str, float]


def features(syllables: Sequence[str]) -> Counter[str]:
    """Syllables and pairs of neighbouring syllables."""
    found = Counter(syllables)
    found.update(f"{a} {b}" for a, b in pairwise(syllables))
    return found


class IntentCentroids:
    """One TF-IDF vector per intent; similarity of a message to each."""

    def __init__(self, idf: dict[str, float], centroids: dict[str, Vector]) -> None:
        """Use learned inverse document frequencies and normalised intent vectors."""
        self._idf = idf
        self._centroids = centroids
        self._postings: dict[str, list[tuple[str, float]]] | None = None

    @classmethod
    def learn(cls, examples: Iterable[tuple[Sequence[str], str]]) -> IntentCentroids:
        """Learn from (syllables of an example, its intent)."""
        by_intent: dict[str, Counter[str]] = defaultdict(Counter)
        for syllables, intent in examples:
            by_intent[intent].update(features(syllables))
        documents = len(by_intent) or 1
        frequency: Counter[str] = Counter()
        for counts in by_intent.values():
            frequency.update(counts.keys())
        idf = {term: math.log((1 + documents) / (1 + n)) + 1 for term, n in frequency.items()}
        model = cls(idf, {})
        model._centroids = {intent: model._vector(c) for intent, c in by_intent.items()}
        return model

    @property
    def intents(self) -> frozenset[str]:
        """The intents there is a vector of."""
        return frozenset(self._centroids)

    def _vector(self, counts: Counter[str]) -> Vector:
        weights = {
            term: (1 + math.log(n)) * self._idf[term]
            for term, n in counts.items()
            if term in self._idf
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {term: w / norm for term, w in weights.items()}

    def similarities(self, syllables: Sequence[str]) -> dict[str, float]:
        """Cosine similarity of the message to every intent (all zero if nothing is known)."""
        query = self._vector(features(syllables))
        scores = dict.fromkeys(self._centroids, 0.0)
        # Term by term through an inverted index: a message has a few dozen terms, and each is
        # in a few intents' vectors, where trying every intent for every term cost ~3 ms a turn.
        # For each intent the products are added in the same order as term by intent, so the
        # sums are the same to the last bit.
        for term, weight in query.items():
            for intent, centroid_weight in self._index().get(term, ()):
                scores[intent] += weight * centroid_weight
        return scores

    def _index(self) -> dict[str, list[tuple[str, float]]]:
        if self._postings is None:
            postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
            for intent, centroid in self._centroids.items():
                for term, weight in centroid.items():
                    postings[term].append((intent, weight))
            self._postings = dict(postings)
        return self._postings

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form for the model's storage."""
        return {"idf": self._idf, "centroids": self._centroids}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IntentCentroids:
        """Rebuild what `to_dict` saved."""
        return cls(data["idf"], data["centroids"])


def blend(
    ranking: Sequence[dict[str, Any]],
    similarities: dict[str, float],
    weight: float,
    temperature: float,
) -> list[dict[str, Any]]:
    """Mix a classifier's ranking with the similarities made a distribution, best first."""
    if not similarities or max(similarities.values()) <= 0.0:
        return list(ranking)
    top = max(similarities.values())
    exps = {i: math.exp((s - top) / temperature) for i, s in similarities.items()}
    total = sum(exps.values())
    mixed = {i: (1 - weight) * e / total for i, e in exps.items()}
    for entry in ranking:
        name = entry["name"]
        mixed[name] = mixed.get(name, 0.0) + weight * float(entry["confidence"])
    ordered = sorted(mixed.items(), key=lambda item: -item[1])
    return [{"name": name, "confidence": confidence} for name, confidence in ordered]


def promote(
    ranking: Sequence[dict[str, Any]], intent: str, confidence: float
) -> list[dict[str, Any]]:
    """Put `intent` first with `confidence`, the others sharing the rest in their proportions."""
    others = [entry for entry in ranking if entry["name"] != intent]
    total = sum(float(entry["confidence"]) for entry in others) or 1.0
    rest = 1.0 - confidence
    return [{"name": intent, "confidence": confidence}] + [
        {"name": entry["name"], "confidence": rest * float(entry["confidence"]) / total}
        for entry in others
    ]


# The stand-in for "no article reads like this message" in `blend_documents`.
_NONE = "\x00none"


def blend_documents(
    ranking: Sequence[dict[str, Any]],
    similarities: dict[str, float],
    weight: float,
    temperature: float,
    floor: float,
) -> list[dict[str, Any]]:
    """Mix in the likeness to each article's own text, with "none of them" as an option.

    The articles' texts (title, steps) cover only articles: a greeting resembles none of them,
    so a likeness of `floor` stands for "none", and the share that goes to it is given back to
    the ranking in its own proportions rather than spread over articles.
    """
    if not similarities:
        return list(ranking)
    scores = {**similarities, _NONE: floor}
    top = max(scores.values())
    exps = {name: math.exp((s - top) / temperature) for name, s in scores.items()}
    total = sum(exps.values())
    none = exps.pop(_NONE) / total
    mixed: dict[str, float] = {name: weight * e / total for name, e in exps.items()}
    for entry in ranking:
        name, confidence = entry["name"], float(entry["confidence"])
        mixed[name] = mixed.get(name, 0.0) + (1 - weight + weight * none) * confidence
    ordered = sorted(mixed.items(), key=lambda item: -item[1])
    return [{"name": name, "confidence": confidence} for name, confidence in ordered]
