"""The labelled evaluation set, and the proof that none of it is training data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.assistant.reply import KINDS
from bot.kb.loader import KnowledgeBase
from bot.kb.training_data import hand_written_examples
from bot.texts import texts
from bot.vietnamese import comparable

STYLES = ("diacritics", "no_diacritics", "abbreviations", "long")


class DatasetError(ValueError):
    """The evaluation set is malformed or overlaps the training data."""


@dataclass(frozen=True)
class Case:
    """One labelled question."""

    text: str
    style: str
    kind: str
    article: str | None


def load_cases(path: Path, kb: KnowledgeBase) -> list[Case]:
    """Read the evaluation set, rejecting unknown styles, kinds and articles."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    said = texts("bot.evaluation")
    cases = []
    for number, item in enumerate(raw.get("questions") or [], start=1):
        where = said.say("dataset.where", path=path, number=number)
        case = Case(
            str(item.get("text", "")).strip(),
            item.get("style"),
            item.get("kind"),
            item.get("article"),
        )
        if not case.text:
            raise DatasetError(said.say("dataset.missing_text", where=where))
        if case.style not in STYLES:
            styles = ", ".join(STYLES)
            raise DatasetError(
                said.say("dataset.bad_style", where=where, style=case.style, styles=styles)
            )
        if case.kind not in KINDS:
            kinds = ", ".join(KINDS)
            raise DatasetError(
                said.say("dataset.bad_kind", where=where, kind=case.kind, kinds=kinds)
            )
        if (case.kind == "answer") != (case.article is not None):
            raise DatasetError(said.say("dataset.article_with_answer", where=where))
        if case.article is not None and case.article not in kb.articles:
            raise DatasetError(
                said.say("dataset.unknown_article", where=where, article=case.article)
            )
        cases.append(case)
    return cases


def training_texts(nlu_dir: Path, kb: KnowledgeBase) -> set[str]:
    """Every training example, in the form questions are compared in."""
    texts = {comparable(q) for article in kb.articles.values() for q in article.questions}
    texts |= {comparable(article.title) for article in kb.articles.values()}
    texts |= {comparable(text) for _, text in hand_written_examples(nlu_dir)}
    return texts


def check_held_out(cases: list[Case], training: set[str]) -> None:
    """Refuse an evaluation set that shares a question with the training data."""
    leaked = [case.text for case in cases if comparable(case.text) in training]
    if leaked:
        raise DatasetError(
            texts("bot.evaluation").say("dataset.leaked", count=len(leaked), example=leaked[0])
        )
