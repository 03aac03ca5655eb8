"""Read a trainer's file (.xlsx, .csv or .yaml) into articles, checked by the knowledge base rules.

Every problem names the row (or YAML item) and the column, so the trainer can find it. A workbook
may also hold the thesaurus (sheet «Từ đồng nghĩa»), and a YAML file a `thesaurus:` mapping beside
`articles:`; a file without one leaves the live thesaurus as it is.
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
from bot.kb.thesaurus import Checker, Entries
from bot.texts import texts

_TABLES = {".xlsx", ".csv"}
_YAML = {".yaml", ".yml"}


@dataclass(frozen=True)
class Problem:
    """What is wrong in the file, and where."""

    message: str
    row: int | None = None  # a table's row as the spreadsheet shows it, or a YAML item's number
    column: str | None = None  # a column key (spreadsheet.COLUMNS or THESAURUS_COLUMNS)
    in_table: bool = True  # rows of a table ("Dòng 7"), or items of a YAML list ("Bài thứ 7")
    thesaurus: bool = False  # in the thesaurus's sheet (or the YAML file's `thesaurus:`)


@dataclass
class Imported:
    """The articles of the file, by id, and what is wrong in it (nothing, if it can be used)."""

    articles: dict[str, Article] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    thesaurus: Entries | None = None  # None: the file has no thesaurus, the live one stays


# A thesaurus entry as the file gives it: (row or item number, term, synonyms).
_Entry = tuple[int, object, object]


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
    in_table = suffix in _TABLES
    try:
        read_file = _table_records if in_table else _yaml_records
        found = read_file(path)
    except spreadsheet.UnreadableFile as error:
        return Imported(problems=[Problem(str(error))])
    if isinstance(found, Imported):
        return found
    records, entries = found
    if not records:
        return Imported(
            problems=[Problem(texts("bot.kb").say("reading.no_articles", name=path.name))]
        )
    imported = _check(records, software, in_table)
    if entries is not None:
        imported.thesaurus, problems = _check_thesaurus(entries, in_table)
        imported.problems.extend(problems)
    return imported


def _table_records(path: Path) -> tuple[list[tuple[int, Any]], list[_Entry] | None] | Imported:
    table = spreadsheet.read(path)
    terms = spreadsheet.read_thesaurus(path)
    message = texts("bot.kb").say("reading.missing_column")
    missing = [Problem(message, 1, key) for key in table.missing]
    missing += [Problem(message, 1, key, thesaurus=True) for key in terms.missing] if terms else []
    if missing:
        return Imported(problems=missing)
    records = [(number, _article_data(cells, split=True)) for number, cells in table.rows]
    if terms is None:
        return records, None
    # An empty term cell is None, so that it is said to be missing rather than malformed.
    entries: list[_Entry] = [
        (number, cells["term"] or None, spreadsheet.lines(cells["synonyms"]))
        for number, cells in terms.rows
    ]
    return records, entries


def _yaml_records(path: Path) -> tuple[list[tuple[int, Any]], list[_Entry] | None] | Imported:
    def refused(key: str, **values: object) -> Imported:
        return Imported(problems=[Problem(texts("bot.kb").say(key, name=path.name, **values))])

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        return refused("reading.not_yaml", error=error)
    thesaurus: object = None
    if isinstance(data, dict) and "articles" in data:
        data, thesaurus = data["articles"], data.get("thesaurus")
    if not isinstance(data, list):
        return refused("reading.not_a_list")
    if thesaurus is not None and not isinstance(thesaurus, dict):
        return refused("reading.thesaurus_not_mapping")
    records = [
        (number, _article_data(item, split=False) if isinstance(item, dict) else item)
        for number, item in enumerate(data, start=1)
    ]
    if thesaurus is None:
        return records, None
    items = enumerate(thesaurus.items(), start=1)
    return records, [(number, term, synonyms) for number, (term, synonyms) in items]


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


def _check_thesaurus(entries: list[_Entry], in_table: bool) -> tuple[Entries, list[Problem]]:
    """The well-formed entries, and a problem for each other one at its row and column."""
    checker = Checker()
    problems = [
        # A YAML entry has no column: its term is named in the message.
        Problem(found.message, number, found.field if in_table else None, in_table, True)
        for number, term, synonyms in entries
        if (found := checker.add(term, synonyms)) is not None
    ]
    return checker.entries, problems


def _problem(issue: rules.Issue, number: int, in_table: bool) -> Problem:
    # The answer as a whole has no column of its own; its steps are the bulk of it.
    column = "steps" if issue.field == "answer" else issue.field
    return Problem(issue.message, number, column, in_table)
