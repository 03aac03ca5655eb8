"""The labelled evaluation set, and the proof that none of it is training data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.assistant.reply import KINDS
from bot.kb import training_data
from bot.kb.loader import KnowledgeBase
from bot.kb.training_data import Phrasing, hand_written_examples
from bot.nlu import project_texts
from bot.texts import texts
from bot.vietnamese import comparable

STYLES = ("diacritics", "no_diacritics", "abbreviations", "long")

# The held-out question sets, from the project folder: the one written by the hands that wrote
# the training data, the one written blind (the targets are read on it), and the development
# set (for tuning, never for the reported figures).
HELD_OUT = {
    "current": Path("tests/data/eval_questions.yml"),
    "blind": Path("tests/data/eval_blind.yml"),
    "dev": Path("tests/data/dev_questions.yml"),
}
# In-domain sentences with their diacritics, to measure how well the restorer puts them back,
# and the development text the restorer is tuned on (never the reported figure).
DOMAIN_TEXT = Path("tests/data/domain_text.yml")
DEV_DOMAIN_TEXT = Path("tests/data/dev_domain_text.yml")


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


@dataclass(frozen=True)
class HeldOut:
    """The held-out question sets by name (`HELD_OUT`'s, and "cases" if asked) and sentences."""

    sets: dict[str, list[Case]]
    sentences: list[str]


def load_held_out(root: Path, kb: KnowledgeBase, cases: Path | None = None) -> HeldOut:
    """Every held-out file of the project at `root`, and `cases` if given, checked held out.

    A question of any set, or a sentence of the domain text, that training also sees makes the
    whole evaluation refuse to run: even the development set, which tuning reads.
    """
    paths = dict(HELD_OUT) | ({"cases": cases} if cases is not None else {})
    sets = {name: load_cases(root / path, kb) for name, path in paths.items()}
    sentences = load_sentences(root / DOMAIN_TEXT)
    training = project_training_texts(root, kb)
    check_held_out({paths[name]: [c.text for c in held] for name, held in sets.items()}, training)
    check_domain_texts(root, kb, training, {DOMAIN_TEXT: sentences})
    return HeldOut(sets, sentences)


def check_domain_texts(
    root: Path,
    kb: KnowledgeBase,
    training: set[str] | None = None,
    loaded: Mapping[Path, Sequence[str]] | None = None,
) -> None:
    """Refuse the domain texts (evaluation and development) if training shares a sentence.

    The restorer learns from the articles' titles and answers and from what the assistant says
    (`reply_texts`) too, so those count as training.
    `training` and `loaded` spare reading again what the caller already read.
    """
    known = training if training is not None else project_training_texts(root, kb)
    texts_by_path = dict(loaded or {})
    for path in (DOMAIN_TEXT, DEV_DOMAIN_TEXT):
        if path not in texts_by_path:
            texts_by_path[path] = load_sentences(root / path)
    check_held_out(texts_by_path, known | article_texts(kb) | reply_texts(root, kb))


def load_sentences(path: Path) -> list[str]:
    """The sentences of a held-out text file (`sentences:`, one string each)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sentences = [str(s).strip() for s in raw.get("sentences") or []]
    if not sentences or not all(sentences):
        raise DatasetError(texts("bot.evaluation").say("dataset.no_sentences", path=path))
    return sentences


def training_texts(nlu_dir: Path, kb: KnowledgeBase, phrasing: Phrasing | None = None) -> set[str]:
    """Every training example, in the form questions are compared in.

    With `phrasing`, the wrapped copies too: the examples are read back from the same
    generated files training writes, so the check follows whatever generation adds.
    """
    found = {comparable(text) for _, text in hand_written_examples(nlu_dir)}
    found |= {comparable(q) for article in kb.articles.values() for q in article.questions}
    found |= {comparable(article.title) for article in kb.articles.values()}
    if phrasing is not None:
        generated = training_data.nlu_yaml(kb, phrasing)
        wrapped = training_data.wrapped_nlu_yaml(nlu_dir, phrasing)
        found |= {comparable(text) for text in _examples(generated) + _examples(wrapped)}
    return found


def project_training_texts(root: Path, kb: KnowledgeBase) -> set[str]:
    """Every example training generates for the project at `root`, as `helpdesk eval` checks."""
    phrasing = Phrasing.load(root / "knowledge_base" / "phrasing.yml")
    return training_texts(root / "nlu_data", kb, phrasing)


def article_texts(kb: KnowledgeBase) -> set[str]:
    """The articles' own sentences (title, answer), which the restorer may also learn from."""
    found: set[str] = set()
    for article in kb.articles.values():
        answer = article.answer
        found |= {comparable(t) for t in (article.title, answer.intro, *answer.steps, answer.note)}
    return found - {""}


def reply_texts(root: Path, kb: KnowledgeBase) -> set[str]:
    """What the assistant says (texts, responses, software names): the restorer learns them."""
    found = project_texts.reply_texts() + project_texts.domain_responses(root / "domain.yml")
    found += project_texts.software_texts(kb.software)
    return {comparable(text) for text in found} - {""}


def _examples(nlu_yaml: str) -> list[str]:
    """The examples of generated NLU data, as Rasa reads them (`- text` lines)."""
    data = yaml.safe_load(nlu_yaml) or {}
    return [
        line.strip().removeprefix("- ")
        for block in data.get("nlu") or []
        for line in str(block.get("examples", "")).splitlines()
        if line.strip()
    ]


def check_held_out(held_out: Mapping[Path, Sequence[str]], training: set[str]) -> None:
    """Refuse held-out files (questions or sentences) that share a text with the training data."""
    for path, held in held_out.items():
        leaked = [text for text in held if comparable(text) in training]
        if leaked:
            raise DatasetError(
                texts("bot.evaluation").say(
                    "dataset.leaked", path=path, count=len(leaked), example=leaked[0]
                )
            )
