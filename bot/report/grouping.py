"""Unanswered questions grouped when they ask the same thing.

Each distinct question (after normalisation) is a TF-IDF vector of its syllables and syllable
pairs, weighted over all the unanswered questions of the period. Questions are taken most
asked first, and each joins the group whose centroid it is most alike, if at least THRESHOLD,
or starts a new one. A centroid (rather than any one member) keeps a group from drifting
across a chain of near neighbours, and taking the most asked first makes the common phrasing
the seed. An inverted index over the centroids keeps this near linear in practice.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.nlu.centroids import features
from bot.vietnamese import comparable, has_diacritics

# Cosine similarity from which two questions count as the same one. Rephrasings of one question
# share most of their rarer syllables and score 0.5 to 1; unrelated ones sharing only "làm sao",
# "không được" stay under 0.3.
THRESHOLD = 0.45


@dataclass
class Group:
    """Questions asking one thing: how often, a representative and the distinct phrasings."""

    size: int
    representative: str
    phrasings: list[str] = field(default_factory=list)

    def examples(self, limit: int) -> list[str]:
        """Up to `limit` phrasings besides the representative."""
        return [p for p in self.phrasings if p != self.representative][:limit]


@dataclass
class _Distinct:
    key: tuple[str, ...]
    count: int = 0
    texts: Counter[str] = field(default_factory=Counter)

    def written(self) -> bool:
        """Whether anyone typed this question with diacritics."""
        return any(has_diacritics(text) for text in self.texts)

    def shown(self) -> str:
        """The phrasing to show for this question: its most typed one."""
        return self.phrasings()[0]

    def phrasings(self) -> list[str]:
        """One text per way of writing it (as the knowledge base tells questions apart), the
        most typed first, each as someone wrote it with diacritics if anyone did."""
        by_form: dict[str, Counter[str]] = defaultdict(Counter)
        for text, count in self.texts.items():
            by_form[comparable(text)][text] += count
        ranked = sorted(by_form.values(), key=lambda texts: (-sum(texts.values()), _best(texts)))
        return [_best(texts) for texts in ranked]


def _best(texts: Counter[str]) -> str:
    return min(texts, key=lambda text: (not has_diacritics(text), -texts[text], text))


def group(
    questions: Sequence[tuple[str, Sequence[str]]], threshold: float = THRESHOLD
) -> list[Group]:
    """Group (text shown, its normalised syllables) pairs; largest groups first."""
    distinct: dict[tuple[str, ...], _Distinct] = {}
    for text, syllables in questions:
        key = tuple(syllables)
        if not key:
            continue
        entry = distinct.setdefault(key, _Distinct(key))
        entry.count += 1
        entry.texts[text] += 1
    # The most asked seed groups; among equals, a phrasing written with diacritics.
    ordered = sorted(distinct.values(), key=lambda d: (-d.count, not d.written(), d.key))
    vectors = _tf_idf([features(d.key) for d in ordered])
    members = _cluster(vectors, threshold)
    groups = []
    for indices in members:
        entries = [ordered[i] for i in indices]
        best = min(entries, key=lambda e: (-e.count, not e.written(), len(e.shown()), e.key))
        groups.append(
            Group(
                size=sum(e.count for e in entries),
                representative=best.shown(),
                phrasings=[p for e in entries for p in e.phrasings()],
            )
        )
    groups.sort(key=lambda g: (-g.size, g.representative))
    return groups


def _tf_idf(documents: list[Counter[str]]) -> list[dict[str, float]]:
    """Unit vectors of sublinear term frequency times smoothed inverse document frequency."""
    frequency: Counter[str] = Counter()
    for counts in documents:
        frequency.update(counts.keys())
    total = len(documents)
    idf = {term: math.log((1 + total) / (1 + n)) + 1 for term, n in frequency.items()}
    vectors = []
    for counts in documents:
        weights = {t: (1 + math.log(n)) * idf[t] for t, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({t: w / norm for t, w in weights.items()})
    return vectors


def _cluster(vectors: list[dict[str, float]], threshold: float) -> list[list[int]]:
    """Indices of each group's members, in the order the groups were started."""
    members: list[list[int]] = []
    postings: dict[str, dict[int, float]] = defaultdict(dict)  # term -> group -> centroid sum
    squared_norms: list[float] = []
    for index, vector in enumerate(vectors):
        dots: dict[int, float] = defaultdict(float)
        for term, weight in vector.items():
            for group_index, total in postings[term].items():
                dots[group_index] += weight * total
        scored = [(dot / math.sqrt(squared_norms[g]), -g) for g, dot in dots.items()]
        score, negated = max(scored, default=(0.0, 0))
        best = -negated if score >= threshold else -1
        if best < 0:
            best = len(members)
            members.append([])
            squared_norms.append(0.0)
        members[best].append(index)
        squared_norms[best] += 2 * dots.get(best, 0.0) + 1.0  # |s + v|² with |v| = 1
        for term, weight in vector.items():
            postings[term][best] = postings[term].get(best, 0.0) + weight
    return members
