"""Read a trainer's file (.xlsx, .csv or .yaml) into articles, checked by the knowledge base rules.

Every problem names the row (or YAML item) and the column, so the trainer can find it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.kb import rules, spreadsheet
from bot.kb.article import Article
from bot.texts import texts

_TABLES = {".xlsx", ".csv"}
_YAML = {".yaml", ".yml"}


@dataclass(frozen=True)
class Problem:
    """What is wrong in the file, and where."""

    message: str
    row: int | None = None  # a table's row as the spreadsheet shows it, or a YAML item's number
    column: str | None = None  # a column key (spreadsheet.COLUMNS)
    in_table: bool = True  # rows of a table ("Dòng 7"), or items of a YAML list ("Bài thứ 7")


@dataclass
class Imported:
    """The articles of the file, by id, and what is wrong in it (nothing, if it can be used)."""

    articles: dict[str, Article] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read(path: Path, software: Mapping[str, Any]) -> Imported:
    """The articles in the file `path`, checked against the list of `software`."""
    suffix = path.suffix.lower()
    if suffix not in _TABLES | _YAML:
        return Imported(
            problems=[Problem(texts("bot.kb").say("reading.unsupported", name=path.name))]
        )
    if not path.is_file():
        return Imported(
            problems=[Problem(texts("bot.kb").say("reading.not_found", name=path.name))]
        )
    try:
        records = _yaml_records(path) if suffix in _YAML else _table_records(path)
    except spreadsheet.UnreadableFile as error:
        return Imported(problems=[Problem(str(error))])
    if isinstance(records, Imported):
        return records
    if not records:
        return Imported(
            problems=[Problem(texts("bot.kb").say("reading.no_articles", name=path.name))]
        )
    return _check(records, software, in_table=suffix in _TABLES)


def _table_records(path: Path) -> list[tuple[int, Any]] | Imported:
    table = spreadsheet.read(path)
    if table.missing:
        message = texts("bot.kb").say("reading.missing_column")
        return Imported(problems=[Problem(message, 1, key) for key in table.missing])
    return [(number, _article_data(cells, split=True)) for number, cells in table.rows]


def _yaml_records(path: Path) -> list[tuple[int, Any]] | Imported:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return Imported(
            problems=[Problem(texts("bot.kb").say("reading.not_yaml", name=path.name, error=error))]
        )
    if not isinstance(data, list):
        return Imported(
            problems=[Problem(texts("bot.kb").say("reading.not_a_list", name=path.name))]
        )
    return [
        (number, _article_data(item, split=False) if isinstance(item, dict) else item)
        for number, item in enumerate(data, start=1)
    ]


def _article_data(flat: Mapping[str, Any], split: bool) -> dict[str, Any]:
    """The flat record (one field per column) in the shape of an article file."""

    def listed(name: str) -> Any:
        value = flat.get(name)
        return spreadsheet.lines(value) if split and isinstance(value, str) else value

    return {
        "id": flat.get("id"),
        "software": flat.get("software"),
        "title": flat.get("title"),
        "questions": listed("questions"),
        "answer": {"intro": flat.get("intro"), "steps": listed("steps"), "note": flat.get("note")},
    }


def _check(records: list[tuple[int, Any]], software: Mapping[str, Any], in_table: bool) -> Imported:
    problems: list[Problem] = []
    parsed: list[Article] = []
    numbers: list[int] = []
    place = "places.row" if in_table else "places.item"
    for number, data in records:
        if not isinstance(data, dict):
            problems.append(
                Problem(texts("bot.kb").say("reading.item_not_a_mapping"), number, None, in_table)
            )
            continue
        article, issues = rules.parse(data, software)
        problems.extend(_problem(issue, number, in_table) for issue in issues)
        if article is not None:
            parsed.append(
                dataclasses.replace(article, source=texts("bot.kb").say(place, row=number))
            )
            numbers.append(number)
    kept, shared = rules.check_together(parsed)
    problems.extend(_problem(issue, numbers[position], in_table) for position, issue in shared)
    problems.sort(key=lambda p: p.row or 0)
    return Imported({parsed[p].id: parsed[p] for p in kept}, problems)


def _problem(issue: rules.Issue, number: int, in_table: bool) -> Problem:
    # The answer as a whole has no column of its own; its steps are the bulk of it.
    column = "steps" if issue.field == "answer" else issue.field
    return Problem(issue.message, number, column, in_table)
