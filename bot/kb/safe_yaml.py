"""A trainer's YAML file as plain nested data: no references, no merge keys, within limits.

Why it looks like this:
- An alias (`*name`) repeats what its anchor (`&name`) holds without repeating the bytes: a
  38 KB file of aliases and merge keys (`<<: *name`) made 1,400 articles of 120 long
  questions each, 84 MB of problems and 40 s of work. Neither is needed to write articles,
  so both are refused as soon as the parser meets them, before anything is built.
- Nesting is limited too: PyYAML composes nodes recursively, and a file of ten thousand `[`
  would end in a RecursionError rather than a message.
- Built on `yaml.SafeLoader`, so no tag can build anything but plain data.
- Once loaded, the articles and terms are held to the limits of a table (`import_limits.py`):
  an article's fields are its columns, a field's text (a list counted as its cell would hold
  it, one item a line) its cell.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node

from bot.kb.import_limits import Limits

_MERGE = "tag:yaml.org,2002:merge"


class Refused(Exception):
    """The file broke a rule: `reason` is references, merge, depth, items, fields or value.

    `row` is the article (or, with `thesaurus`, the term) concerned, counted from 1.
    """

    def __init__(self, reason: str, row: int | None = None, thesaurus: bool = False) -> None:
        """Say which rule the file broke, and where."""
        super().__init__(reason)
        self.reason = reason
        self.row = row
        self.thesaurus = thesaurus


class _PlainLoader(yaml.SafeLoader):
    def __init__(self, text: str, depth: int) -> None:
        super().__init__(text)
        self._depth = 0
        self._max_depth = depth

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs leave it untyped
        # An anchor alone is refused too: it is only ever written to be referred to.
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise Refused("references")
        self._depth += 1
        if self._depth > self._max_depth:
            raise Refused("depth")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def flatten_mapping(self, node: MappingNode) -> None:
        if any(key.tag == _MERGE for key, _ in node.value):
            raise Refused("merge")
        super().flatten_mapping(node)


def load(text: str, depth: int) -> Any:
    """The data in the YAML `text`; Refused, or yaml.YAMLError if it is not YAML."""
    loader = _PlainLoader(text, depth)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def check(articles: list[Any], terms: dict[Any, Any], limits: Limits) -> None:
    """Refused at the first article or term past the `limits` of a table."""
    if len(articles) > limits.rows or len(terms) > limits.rows:
        raise Refused("items")
    for row, item in enumerate(articles, start=1):
        if not isinstance(item, dict):
            continue
        if len(item) > limits.columns:
            raise Refused("fields", row)
        if any(_length(value) > limits.cell_characters for value in item.values()):
            raise Refused("value", row)
    for row, (term, synonyms) in enumerate(terms.items(), start=1):
        if max(_length(term), _length(synonyms)) > limits.cell_characters:
            raise Refused("value", row, thesaurus=True)


def _length(value: object) -> int:
    """The characters of `value` as a cell would hold it: a list one item a line."""
    if isinstance(value, str):
        return len(value)
    # Items joined by line breaks, as in a cell; a mapping's keys counted with their values.
    if isinstance(value, list):
        return sum(_length(item) for item in value) + max(len(value) - 1, 0)
    if isinstance(value, dict):
        return _length([*value.keys(), *value.values()])
    return len(str(value))
