"""Read the knowledge base folder into articles, collecting every problem with its place."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.kb import rules
from bot.kb.article import Article
from bot.kb.thesaurus import FILE as THESAURUS_FILE
from bot.kb.thesaurus import Entries, read_entries
from bot.texts import texts

# Kept here too: callers read the limits from the loader.
TELEGRAM_LIMIT = rules.TELEGRAM_LIMIT
MIN_QUESTIONS = rules.MIN_QUESTIONS

# libyaml's parser, when PyYAML was built with it, reads the articles about ten times faster; the
# live knowledge base is read again on every publish.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# How a field is named in an article file, where the answer's parts sit under `answer`.
_FIELD_IN_FILE = {"intro": "answer.intro", "steps": "answer.steps", "note": "answer.note"}


@dataclass
class KnowledgeBase:
    """The articles, the software they belong to and the thesaurus of their terms."""

    software: dict[str, dict[str, str]]
    articles: dict[str, Article]
    problems: list[str] = field(default_factory=list)
    thesaurus: Entries = field(default_factory=dict)


def load(root: Path) -> KnowledgeBase:
    """Load `software.yml`, `articles/**/*.yml` and `thesaurus.yml`; problems are collected.

    A malformed thesaurus is a problem like a malformed article: the tokenizer would refuse it
    at the next training, so it is found when the folder is validated or published instead.
    """
    problems: list[str] = []
    software = _read_yaml(root / "software.yml", str(root / "software.yml"), problems) or {}
    if not isinstance(software, dict):
        software = {}
    parsed: list[Article] = []
    for path in sorted((root / "articles").rglob("*.yml")):
        article = _parse(path, _where(path, root), software, problems)
        if article is not None:
            parsed.append(article)
    kept, issues = rules.check_together(parsed)
    for position, issue in issues:
        problems.append(_render(parsed[position].source, issue))
    articles = {parsed[p].id: parsed[p] for p in kept}
    terms, thesaurus_problems = read_entries(
        root / THESAURUS_FILE, _where(root / THESAURUS_FILE, root)
    )
    problems.extend(thesaurus_problems)
    return KnowledgeBase(software, articles, problems, terms)


def _where(path: Path, root: Path) -> str:
    """How a file is named in a problem: from the knowledge base folder's parent, if it can."""
    return str(path.relative_to(root.parent) if root.parent in path.parents else path)


def _render(where: str, issue: rules.Issue) -> str:
    name = _FIELD_IN_FILE.get(issue.field, issue.field)
    if issue.item is not None:
        name = f"{name}[{issue.item}]"
    return f"{where}: {name}: {issue.message}"


def _read_yaml(path: Path, where: str, problems: list[str]) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        problems.append(f"{where}: {texts('bot.kb').say('problems.file_missing')}")
    except yaml.YAMLError as error:
        problems.append(f"{where}: {texts('bot.kb').say('problems.not_yaml', error=error)}")
    except UnicodeDecodeError:
        problems.append(f"{where}: {texts('bot.kb').say('problems.not_utf8')}")
    return None


def _parse(path: Path, where: str, software: dict[str, Any], problems: list[str]) -> Article | None:
    data = _read_yaml(path, where, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(f"{where}: {texts('bot.kb').say('problems.not_a_mapping')}")
        return None
    article, issues = rules.parse(data, software)
    article_id = data.get("id")
    # Only a file's own place can be checked here: a spreadsheet row has no path.
    if (
        isinstance(article_id, str)
        and rules.ID_PATTERN.match(article_id.strip())
        and path.parent.name + "." + path.stem != article_id.strip()
    ):
        relative = article_id.strip().replace(".", "/")
        issues.append(
            rules.Issue(
                "id", texts("bot.kb").say("problems.wrong_path", value=article_id, path=relative)
            )
        )
    problems.extend(_render(where, issue) for issue in issues)
    if article is None or issues:
        return None
    return dataclasses.replace(article, source=where)
