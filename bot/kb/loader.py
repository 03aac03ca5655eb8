"""Read the knowledge base folder into articles, collecting every problem with its place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.kb.article import Answer, Article
from bot.nlu.text import comparable

TELEGRAM_LIMIT = 4096
MIN_QUESTIONS = 8
_ID = re.compile(r"^[a-z][a-z0-9]*\.[a-z][a-z0-9_]*$")


@dataclass
class KnowledgeBase:
    """The articles and the software they belong to."""

    software: dict[str, dict[str, str]]
    articles: dict[str, Article]
    problems: list[str] = field(default_factory=list)


def load(root: Path) -> KnowledgeBase:
    """Load `software.yml` and `articles/**/*.yml`; problems are collected, not raised."""
    problems: list[str] = []
    software = _read_yaml(root / "software.yml", problems) or {}
    articles: dict[str, Article] = {}
    seen_questions: dict[str, str] = {}
    for path in sorted((root / "articles").rglob("*.yml")):
        where = str(path.relative_to(root.parent) if root.parent in path.parents else path)
        article = _parse(path, where, software, problems)
        if article is None:
            continue
        if article.id in articles:
            problems.append(
                f"{where}: id: '{article.id}' is already used by {articles[article.id].source}"
            )
            continue
        articles[article.id] = article
        _check_questions(article, where, seen_questions, problems)
    return KnowledgeBase(software, articles, problems)


def _read_yaml(path: Path, problems: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path}: file is missing")
    except yaml.YAMLError as error:
        problems.append(f"{path}: not valid YAML: {error}")
    except UnicodeDecodeError:
        problems.append(f"{path}: not UTF-8 text")
    return None


def _parse(path: Path, where: str, software: dict[str, Any], problems: list[str]) -> Article | None:
    data = _read_yaml(path, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(f"{where}: an article must be a mapping of fields")
        return None
    before = len(problems)

    def text(name: str, required: bool = True, source: dict[str, Any] = data) -> str:
        value = source.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                problems.append(f"{where}: {name}: missing")
            return ""
        if not isinstance(value, str):
            problems.append(f"{where}: {name}: must be text")
            return ""
        return value.strip()

    article_id = text("id")
    if article_id and not _ID.match(article_id):
        problems.append(f"{where}: id: '{article_id}' must look like 'software.topic'")
    elif article_id and path.parent.name + "." + path.stem != article_id:
        problems.append(
            f"{where}: id: '{article_id}' must be in articles/{article_id.replace('.', '/')}.yml"
        )
    software_key = text("software")
    if software_key and software_key not in software:
        problems.append(f"{where}: software: '{software_key}' is not in software.yml")
    elif article_id and software_key and not article_id.startswith(software_key + "."):
        problems.append(f"{where}: software: '{software_key}' does not match id '{article_id}'")
    title = text("title")

    questions = data.get("questions")
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        problems.append(f"{where}: questions: must be a list of texts")
        questions = []
    elif len(questions) < MIN_QUESTIONS:
        problems.append(
            f"{where}: questions: {len(questions)} given, at least {MIN_QUESTIONS} needed"
        )

    answer_data = data.get("answer")
    steps: list[str] = []
    intro = note = ""
    if not isinstance(answer_data, dict):
        problems.append(f"{where}: answer: missing (intro, steps, note)")
    else:
        raw_steps = answer_data.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            problems.append(f"{where}: answer.steps: must be a list of at least one step")
        elif not all(isinstance(s, str) and s.strip() for s in raw_steps):
            problems.append(f"{where}: answer.steps: every step must be non-empty text")
        else:
            steps = [s.strip() for s in raw_steps]
        intro = text("intro", required=False, source=answer_data)
        note = text("note", required=False, source=answer_data)
    answer = Answer(tuple(steps), intro, note)
    if steps and len(answer.render()) > TELEGRAM_LIMIT:
        problems.append(
            f"{where}: answer: {len(answer.render())} characters, more than one Telegram "
            f"message holds ({TELEGRAM_LIMIT})"
        )
    if len(problems) > before:
        return None
    cleaned = tuple(q.strip() for q in questions)
    return Article(article_id, software_key, title, cleaned, answer, source=where)


def _check_questions(
    article: Article, where: str, seen: dict[str, str], problems: list[str]
) -> None:
    for number, question in enumerate(article.questions, start=1):
        key = comparable(question)
        if not key:
            problems.append(f"{where}: questions[{number}]: empty")
            continue
        owner = seen.get(key)
        if owner == article.id:
            problems.append(f"{where}: questions[{number}]: '{question}' is repeated")
        elif owner:
            problems.append(
                f"{where}: questions[{number}]: '{question}' is also a question of {owner}"
            )
        else:
            seen[key] = article.id
