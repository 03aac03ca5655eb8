"""Which live article a message asks about: one of its questions exactly, or the likeliest one.

Used where the trained model cannot know the answer yet: a paraphrase or an article published
after the model was trained. Questions are compared in their bare syllables with abbreviations
expanded (`bot/nlu/syllables.py`), the form the model's own tokenizer gives, so "quen mk qlvb"
equals "Quên mật khẩu QLVB".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.kb.live_folder import LiveVersion
from bot.nlu.centroids import IntentCentroids
from bot.nlu.syllables import bare_syllables, match_key

# Cosine likeness of a message to an article's questions and title (TF-IDF of syllables and
# pairs) from which the article counts as what the message asks. On the held-out evaluation
# set (tests/data/eval_questions.yml) 150 of the 376 article questions reach 0.3 with their own
# article first, 1 with another article first, and none of the 90 questions that are not about
# an article.
STRONG_LIKENESS = 0.3
# How many texts' syllables an index keeps, those of the last messages compared.
RECENT_TEXTS = 64


@dataclass(frozen=True)
class Match:
    """The article a message is closest to, and how."""

    article_id: str
    exact: bool
    likeness: float

    @property
    def is_strong(self) -> bool:
        """Whether the message can be answered with the article without asking back."""
        return self.exact or self.likeness >= STRONG_LIKENESS


class LiveIndex:
    """The questions and titles of one knowledge base version, ready to compare messages with."""

    def __init__(self, version: LiveVersion) -> None:
        """Index every article's questions and title."""
        self._abbreviations = version.abbreviations
        self._thesaurus = version.thesaurus
        self._known_words: dict[str, list[str]] = {}
        self._recent: dict[str, tuple[str, ...]] = {}
        self._exact: dict[str, str] = {}
        examples: list[tuple[list[str], str]] = []
        for article in version.kb.articles.values():
            for text in (*article.questions, article.title):
                syllables = self._read(text)
                if syllables:
                    self._exact.setdefault(match_key(syllables), article.id)
                    examples.append((syllables, article.id))
        self._likeness = IntentCentroids.learn(examples)
        # Each article's answer (introduction, steps, note) as one document, and each step as
        # one: what a follow-up about the answer just sent names ("mã PIN", "ctrl f5").
        answers: list[tuple[list[str], str]] = []
        steps: list[tuple[list[str], str]] = []
        for article in version.kb.articles.values():
            answer = article.answer
            for text in (answer.intro, *answer.steps, answer.note):
                answers.append((self._read(text), article.id))
            for number, text in enumerate(answer.steps, start=1):
                steps.append((self._read(text), f"{article.id}#{number}"))
        self._answers = IntentCentroids.learn(answers)
        self._steps = IntentCentroids.learn(steps)

    def syllables(self, text: str) -> list[str]:
        """The bare syllables of `text` with this version's abbreviations and terms."""
        # The last messages' syllables are kept: an answer compares its message with the
        # articles' questions, then with the answer just sent (follow_up_ranking.py).
        kept = self._recent.get(text)
        if kept is None:
            if len(self._recent) >= RECENT_TEXTS:
                self._recent.clear()
            kept = self._recent[text] = tuple(self._read(text))
        return list(kept)

    def _read(self, text: str) -> list[str]:
        return bare_syllables(text, self._abbreviations, self._known_words, self._thesaurus)

    def exact_article(self, syllables: Sequence[str]) -> str | None:
        """The article that has this exact question (or title), if any."""
        return self._exact.get(match_key(syllables))

    def match(self, text: str) -> Match | None:
        """The article `text` asks about, exactly or by likeness; None for a text of no words."""
        syllables = self.syllables(text)
        if not syllables:
            return None
        exact = self.exact_article(syllables)
        if exact is not None:
            return Match(exact, exact=True, likeness=1.0)
        similarities = self._likeness.similarities(syllables)
        if not similarities:
            return None
        best = max(similarities, key=lambda article_id: similarities[article_id])
        return Match(best, exact=False, likeness=similarities[best])

    def likeness(self, text: str) -> dict[str, float]:
        """The cosine likeness of `text` to every article's questions and title (by id)."""
        syllables = self.syllables(text)
        return self._likeness.similarities(syllables) if syllables else {}

    def answer_likeness(self, text: str, article_id: str) -> tuple[float, int | None]:
        """How alike `text` is to the article's answer (as a whole or its likeliest step), and
        the number of that step (None when it shares no word with any step)."""
        syllables = self.syllables(text)
        if not syllables:
            return 0.0, None
        whole = self._answers.similarities(syllables).get(article_id, 0.0)
        prefix = f"{article_id}#"
        by_step = {
            int(name.removeprefix(prefix)): alike
            for name, alike in self._steps.similarities(syllables).items()
            if name.startswith(prefix) and alike > 0.0
        }
        if not by_step:
            return whole, None
        step = max(by_step, key=lambda number: by_step[number])
        return max(whole, by_step[step]), step

    def likeliest(self, text: str, limit: int) -> list[Match]:
        """Up to `limit` articles `text` is likeliest about, best first; an exact question's
        article leads. Articles it shares no word with are left out, so the list may be short."""
        syllables = self.syllables(text)
        if not syllables or limit <= 0:
            return []
        exact = self.exact_article(syllables)
        found = [Match(exact, exact=True, likeness=1.0)] if exact is not None else []
        similarities = self._likeness.similarities(syllables)
        ranked = sorted(similarities.items(), key=lambda pair: (-pair[1], pair[0]))
        found += [Match(a, exact=False, likeness=s) for a, s in ranked if s > 0.0 and a != exact]
        return found[:limit]
