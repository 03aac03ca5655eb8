"""Read a trainer's file (.xlsx, .csv or .yaml) into articles, checked by the knowledge base rules.

Every problem names the row (or YAML item) and the column, so the trainer can find it. A workbook
may also hold the thesaurus (sheet «Từ đồng nghĩa»), and a YAML file a `thesaurus:` mapping beside
`articles:`; a file without one leaves the live thesaurus as it is.

The file is parsed in a child process (`import_child.py`) within the limits of
`import_limits.py`: a damaged or hostile file is refused with the limit it broke, named in
Vietnamese, and never stalls or swells the process that asked, the gateway included.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.kb import import_child, rules, safe_yaml, spreadsheet
from bot.kb.article import Answer, Article
from bot.kb.import_limits import LIMITS, Limits, megabytes, thousands
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


def read(path: Path, software: Mapping[str, Any], limits: Limits = LIMITS) -> Imported:
    """The articles in the file `path`, checked against the list of `software`.

    Read in a child process: a file past one of the `limits` gives one problem naming it.
    """
    refused = _refused_before_reading(path, limits)
    if refused is not None:
        return refused
    request = {
        "path": str(path.absolute()),
        "software": list(software),
        "limits": dataclasses.asdict(limits),
    }
    try:
        return _from_plain(import_child.run(request, limits))
    except import_child.Stopped as stopped:
        return _refused(_STOPPED.get(stopped.reason, "reading.failed"), path.name, limits)
    except (KeyError, TypeError, AttributeError):
        # Only a child that misbehaved answers in another shape; its answer is not used.
        return _refused("reading.failed", path.name, limits)


def read_in_process(path: Path, software: Mapping[str, Any], limits: Limits = LIMITS) -> Imported:
    """`read`, in this process: within the limits on the file, but not on memory or time.

    Only for the child process of `read`, and for tests.
    """
    refused = _refused_before_reading(path, limits)
    if refused is not None:
        return refused
    in_table = path.suffix.lower() in _TABLES
    try:
        read_file = _table_records if in_table else _yaml_records
        found = read_file(path, limits)
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


def _refused_before_reading(path: Path, limits: Limits) -> Imported | None:
    if path.suffix.lower() not in _TABLES | _YAML:
        return _refused("reading.unsupported", path.name, limits)
    if not path.is_file():
        return _refused("reading.not_found", path.name, limits)
    if path.stat().st_size > limits.file_bytes:
        return _refused("limits.file_size", path.name, limits)
    return None


# The message for each reason the child gave no result.
_STOPPED = {
    "time": "limits.time",
    "memory": "limits.memory",
    "result": "limits.result",
    "failed": "reading.failed",
}


def _refused(key: str, name: str, limits: Limits) -> Imported:
    """The file refused as a whole, with the message at `key` (its limit filled in)."""
    values = {
        "file_size": megabytes(limits.file_bytes),
        "time": f"{limits.seconds:g}".replace(".", ","),  # Vietnamese writes 0,5
        "memory": megabytes(limits.memory_bytes),
        "result": megabytes(limits.result_bytes),
    }
    limit = values.get(key.rsplit(".", 1)[-1], "")
    return Imported(problems=[Problem(texts("bot.kb").say(key, name=name, limit=limit))])


def plain(imported: Imported) -> dict[str, Any]:
    """`imported` as JSON data, as the child process sends it back."""
    return dataclasses.asdict(imported)


def _from_plain(data: dict[str, Any]) -> Imported:
    """The Imported that `plain` gave, rebuilt from JSON data."""
    articles = {}
    for key, value in data["articles"].items():
        answer = value.pop("answer")
        answer = Answer(**{**answer, "steps": tuple(answer["steps"])})
        follow_ups = tuple(value.get("follow_ups") or ())
        lists = {"questions": tuple(value["questions"]), "follow_ups": follow_ups}
        articles[key] = Article(**{**value, **lists}, answer=answer)
    terms = data["thesaurus"]
    thesaurus = None if terms is None else {term: tuple(words) for term, words in terms.items()}
    return Imported(articles, [Problem(**found) for found in data["problems"]], thesaurus)


_Records = tuple[list[tuple[int, Any]], list[_Entry] | None]


def _table_records(path: Path, limits: Limits) -> _Records | Imported:
    table = spreadsheet.read(path, limits)
    terms = spreadsheet.read_thesaurus(path, limits)
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


def _yaml_records(path: Path, limits: Limits) -> _Records | Imported:
    def refused(key: str, **values: object) -> Imported:
        return Imported(problems=[Problem(texts("bot.kb").say(key, name=path.name, **values))])

    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8"), limits.yaml_depth)
        thesaurus: object = None
        if isinstance(data, dict) and "articles" in data:
            data, thesaurus = data["articles"], data.get("thesaurus")
        if not isinstance(data, list):
            return refused("reading.not_a_list")
        if thesaurus is not None and not isinstance(thesaurus, dict):
            return refused("reading.thesaurus_not_mapping")
        safe_yaml.check(data, thesaurus or {}, limits)
    except safe_yaml.Refused as refusal:
        return refused(f"limits.yaml_{refusal.reason}", **_where(refusal, limits))
    # ValueError: also an integer of more digits than Python converts (and UnicodeDecodeError).
    except (yaml.YAMLError, ValueError) as error:
        return refused("reading.not_yaml", error=error)
    records = [
        (number, _article_data(item, split=False) if isinstance(item, dict) else item)
        for number, item in enumerate(data, start=1)
    ]
    if thesaurus is None:
        return records, None
    items = enumerate(thesaurus.items(), start=1)
    return records, [(number, term, synonyms) for number, (term, synonyms) in items]


def _where(refusal: safe_yaml.Refused, limits: Limits) -> dict[str, str]:
    """The limit a YAML file broke, and the article or term it broke it at."""
    limit = {
        "depth": limits.yaml_depth,
        "items": limits.rows,
        "fields": limits.columns,
        "value": limits.cell_characters,
    }.get(refusal.reason, 0)
    place = "places.thesaurus_item" if refusal.thesaurus else "places.item"
    row = texts("bot.kb").say(place, row=refusal.row) if refusal.row is not None else ""
    return {"limit": thousands(limit), "place": row}


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
        "follow_ups": listed("follow_ups"),
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
