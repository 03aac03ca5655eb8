"""K-fold cross-validation over the articles' own paraphrases: which questions each fold holds out.

Fold i (counted from 1) holds out, of every article, its questions number i, i+k, i+2k...
(in the order of the article's file), so every question is held out exactly once and every
fold sees every article. A question is never held out when its text, compared as held-out
sets are (`comparable`), is also trained on another way (the article's title, a hand-written
example) or would leave its article without questions: it would not be held out at all.
Questions that compare equal go to the same fold, so no held-out question is trained on as a
near copy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bot.evaluation.dataset import Case, DatasetError
from bot.kb import folder
from bot.kb.article import Article
from bot.kb.loader import KnowledgeBase
from bot.texts import texts
from bot.vietnamese import comparable, has_diacritics, normalize_word, words_with_offsets

# A question of this many words or more is "long": the labelled sets' long questions have 30 to
# 55, the others 10 to 25 (counted on the development set).
LONG_WORDS = 28


@dataclass(frozen=True)
class Fold:
    """The questions one fold holds out, with the style each seems to be written in."""

    number: int
    cases: tuple[Case, ...]

    @cached_property
    def held_out(self) -> frozenset[str]:
        """The held-out questions in compared form: training leaves out every such question."""
        return frozenset(comparable(case.text) for case in self.cases)


def split(
    kb: KnowledgeBase, folds: int, trained: Collection[str], abbreviations: Collection[str]
) -> list[Fold]:
    """The `folds` folds of the articles' questions; `trained`: texts always trained on."""
    if folds < 2:
        raise DatasetError(texts("bot.evaluation").say("folds.too_few", folds=folds))
    held: list[list[Case]] = [[] for _ in range(folds)]
    for article in kb.articles.values():
        kept = {*trained, comparable(article.title)}
        forms: dict[str, str] = {}  # compared form -> the first question written so
        for question in article.questions:
            form = comparable(question)
            if form not in kept:
                forms.setdefault(form, question)
        if len(forms) < 2:
            continue
        for position, question in enumerate(forms.values()):
            style = infer_style(question, abbreviations)
            held[position % folds].append(Case(question, style, "answer", article.id))
    return [Fold(number, tuple(cases)) for number, cases in enumerate(held, start=1)]


def infer_style(text: str, abbreviations: Collection[str]) -> str:
    """The style a question seems written in; paraphrases carry no label, so this is a guess.

    No word with a diacritic: no_diacritics. Else LONG_WORDS words or more: long. Else a word
    typed in lower case that the abbreviation dictionary expands ("mk", "ko"; "QLVB" in capitals
    is a name, not chat): abbreviations. Else: diacritics.
    """
    words = [normalize_word(span.text) for span in words_with_offsets(text)]
    if not any(has_diacritics(word) for word in words):
        return "no_diacritics"
    if len(words) >= LONG_WORDS:
        return "long"
    if any(word.islower() and word in abbreviations for word in words):
        return "abbreviations"
    return "diacritics"


def without_held_out(kb: KnowledgeBase, fold: Fold) -> list[Article]:
    """The articles with the fold's questions (and any that compare equal) taken out."""
    held_out = fold.held_out
    return [
        dataclasses.replace(
            article,
            questions=tuple(q for q in article.questions if comparable(q) not in held_out),
        )
        for article in kb.articles.values()
    ]


def write_knowledge_base(source: Path, kb: KnowledgeBase, fold: Fold, target: Path) -> None:
    """Write into `target` the knowledge base of `source` without the fold's questions.

    A whole folder, not a filter in training: whatever reads the knowledge base (training data,
    a pipeline component reading the folder itself) sees the same questions.
    """
    folder.write(source, kb.articles, without_held_out(kb, fold), target)
