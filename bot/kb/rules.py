"""The rules an article must follow, wherever it comes from (a YAML file, a spreadsheet row).

Problems carry the field they concern and a message, never a place: the knowledge base loader
names the file, the spreadsheet import names the row and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.kb.article import Answer, Article
from bot.texts import texts
from bot.vietnamese import comparable

TELEGRAM_LIMIT = 4096
MIN_QUESTIONS = 8
# Follow-ups are buttons under the answer: a few, or the answer drowns in them.
MAX_FOLLOW_UPS = 4
ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*\.[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Issue:
    """What is wrong with one field of an article."""

    # id, software, title, questions, intro, steps, note, follow_ups, or answer (the whole answer)
    field: str
    message: str
    item: int | None = None  # the question concerned, counted from 1


def parse(
    data: Mapping[str, Any], software: Mapping[str, Any]
) -> tuple[Article | None, list[Issue]]:
    """The article in `data` (the shape of an article file), or None with what is wrong."""
    issues: list[Issue] = []

    def text(name: str, source: Mapping[str, Any] = data, required: bool = True) -> str:
        value = source.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                issues.append(Issue(name, texts("bot.kb").say("problems.missing")))
            return ""
        if not isinstance(value, str):
            issues.append(Issue(name, texts("bot.kb").say("problems.not_text")))
            return ""
        return value.strip()

    article_id = text("id")
    if article_id and not ID_PATTERN.match(article_id):
        issues.append(Issue("id", texts("bot.kb").say("problems.bad_id", value=article_id)))
    software_key = text("software")
    if software_key and software_key not in software:
        known = ", ".join(software)
        issues.append(
            Issue(
                "software",
                texts("bot.kb").say("problems.unknown_software", value=software_key, known=known),
            )
        )
    elif (
        ID_PATTERN.match(article_id)
        and software_key
        and not article_id.startswith(software_key + ".")
    ):
        issues.append(
            Issue(
                "software",
                texts("bot.kb").say(
                    "problems.software_mismatch", value=software_key, id=article_id
                ),
            )
        )
    title = text("title")
    questions = _questions(data.get("questions"), issues)
    answer = _answer(data.get("answer"), text, issues)
    follow_ups = _follow_ups(data.get("follow_ups"), article_id, issues)
    if answer.steps and len(answer.render()) > TELEGRAM_LIMIT:
        length = len(answer.render())
        issues.append(
            Issue(
                "answer",
                texts("bot.kb").say("problems.too_long", length=length, limit=TELEGRAM_LIMIT),
            )
        )
    if issues:
        return None, issues
    return Article(article_id, software_key, title, questions, answer, follow_ups), []


def _follow_ups(value: Any, article_id: str, issues: list[Issue]) -> tuple[str, ...]:
    """The ids of the articles asked about next: optional, a short list of other articles."""
    if value is None or value == "":
        return ()
    said = texts("bot.kb")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        issues.append(Issue("follow_ups", said.say("problems.not_a_list")))
        return ()
    found = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
    for wrong in (v for v in found if not ID_PATTERN.match(v)):
        issues.append(Issue("follow_ups", said.say("problems.bad_id", value=wrong)))
    if article_id in found:
        issues.append(Issue("follow_ups", said.say("problems.follow_up_itself")))
    if len(found) > MAX_FOLLOW_UPS:
        message = said.say("problems.too_many_follow_ups", maximum=MAX_FOLLOW_UPS, count=len(found))
        issues.append(Issue("follow_ups", message))
    return found


def _questions(value: Any, issues: list[Issue]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(q, str) for q in value):
        issues.append(Issue("questions", texts("bot.kb").say("problems.not_a_list")))
        return ()
    if len(value) < MIN_QUESTIONS:
        message = texts("bot.kb").say(
            "problems.too_few_questions", minimum=MIN_QUESTIONS, count=len(value)
        )
        issues.append(Issue("questions", message))
    return tuple(q.strip() for q in value)


def _answer(value: Any, text: Callable[..., str], issues: list[Issue]) -> Answer:
    if not isinstance(value, Mapping):
        issues.append(Issue("answer", texts("bot.kb").say("problems.answer_missing")))
        return Answer(())
    steps = value.get("steps")
    if not isinstance(steps, list) or not steps:
        issues.append(Issue("steps", texts("bot.kb").say("problems.no_steps")))
        steps = []
    else:
        for number, step in enumerate(steps, start=1):
            if not isinstance(step, str) or not step.strip():
                issues.append(
                    Issue("steps", texts("bot.kb").say("problems.empty_step", number=number))
                )
                steps = []
                break
    intro = text("intro", source=value, required=False)
    note = text("note", source=value, required=False)
    return Answer(tuple(s.strip() for s in steps), intro, note)


def check_together(articles: Sequence[Article]) -> tuple[list[int], list[tuple[int, Issue]]]:
    """Rules across articles: ids unique, no question asked twice in the whole knowledge base,
    follow-ups naming articles that exist.

    Returns the positions of the articles kept (a repeated id drops the later article) and the
    issues by position in `articles`. Messages name the other article by id and `source`.
    """
    kept: list[int] = []
    issues: list[tuple[int, Issue]] = []
    owners: dict[str, Article] = {}
    seen: dict[str, Article] = {}
    for position, article in enumerate(articles):
        first = owners.get(article.id)
        if first is not None:
            message = texts("bot.kb").say(
                "problems.duplicate_id", value=article.id, other=first.source or first.id
            )
            issues.append((position, Issue("id", message)))
            continue
        owners[article.id] = article
        kept.append(position)
        for number, question in enumerate(article.questions, start=1):
            issue = _question_issue(article, question, number, seen)
            if issue:
                issues.append((position, issue))
    for position in kept:
        for follow_up in articles[position].follow_ups:
            if follow_up not in owners:
                message = texts("bot.kb").say("problems.unknown_follow_up", value=follow_up)
                issues.append((position, Issue("follow_ups", message)))
    return kept, issues


def _question_issue(
    article: Article, question: str, number: int, seen: dict[str, Article]
) -> Issue | None:
    key = comparable(question)
    if not key:
        return Issue(
            "questions", texts("bot.kb").say("problems.empty_question", number=number), number
        )
    owner = seen.get(key)
    if owner is article:
        return Issue(
            "questions",
            texts("bot.kb").say("problems.repeated_question", question=question),
            number,
        )
    if owner is not None:
        where = (
            texts("bot.kb").say("problems.owner", id=owner.id, source=owner.source)
            if owner.source
            else owner.id
        )
        message = texts("bot.kb").say("problems.shared_question", question=question, owner=where)
        return Issue("questions", message, number)
    seen[key] = article
    return None
