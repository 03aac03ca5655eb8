"""The labelled evaluation set, and the proof that none of it is training data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.assistant.reply import KINDS
from bot.kb.loader import KnowledgeBase
from bot.kb.training_data import hand_written_examples
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
    cases = []
    for number, item in enumerate(raw.get("questions") or [], start=1):
        where = f"{path}: questions[{number}]"
        case = Case(
            str(item.get("text", "")).strip(),
            item.get("style"),
            item.get("kind"),
            item.get("article"),
        )
        if not case.text:
            raise DatasetError(f"{where}: text is missing")
        if case.style not in STYLES:
            raise DatasetError(f"{where}: style '{case.style}' is not one of {STYLES}")
        if case.kind not in KINDS:
            raise DatasetError(f"{where}: kind '{case.kind}' is not one of {KINDS}")
        if (case.kind == "answer") != (case.article is not None):
            raise DatasetError(f"{where}: an article goes with kind 'answer', and only with it")
        if case.article is not None and case.article not in kb.articles:
            raise DatasetError(f"{where}: article '{case.article}' is not in the knowledge base")
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
            f"{len(leaked)} evaluation question(s) are training data, e.g. '{leaked[0]}'"
        )
