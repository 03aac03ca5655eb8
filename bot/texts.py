"""Every text people read, from the YAML file beside the code that says it.

Why it looks like this:
- Words live in YAML, where a trainer or translator reads and changes them without touching
  code; each package keeps its own `texts.yml`, and this one loader reads them all.
- A file is read once, on first use, and never at import: importing a module stays cheap.
- Keys are dotted paths (`problems.missing`), and placeholders are `str.format` fields, so a
  missing key or value fails loudly in the tests rather than showing a person half a sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

import yaml


class Texts:
    """The texts of one YAML file."""

    def __init__(self, data: dict[str, Any], source: str) -> None:
        """Hold `data`, read from `source` (named in errors)."""
        self._data = data
        self.source = source

    def get(self, key: str) -> Any:
        """The value at the dotted `key`: a text, a list or a mapping."""
        node: Any = self._data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"{self.source} has no text {key!r}")
            node = node[part]
        return node

    def strings(self) -> Iterator[str]:
        """Every text of the file, in its order (the restorer learns from them all)."""
        return yaml_strings(self._data)

    def say(self, key: str, **values: object) -> str:
        """The text at `key`, its `{placeholders}` filled in from `values`."""
        template = str(self.get(key))
        return template.format(**values) if values else template

    def section(self, key: str) -> dict[str, Any]:
        """The mapping at `key`, such as a list of column names."""
        found = self.get(key)
        if not isinstance(found, dict):
            raise KeyError(f"{self.source}: {key!r} is not a section")
        return dict(found)

    def labels(self, key: str) -> dict[str, str]:
        """The mapping at `key` as text by name, such as the label of each status."""
        return {str(name): str(text) for name, text in self.section(key).items()}

    def words(self, key: str) -> list[str]:
        """The list at `key`, such as the words that end a chat."""
        found = self.get(key)
        if not isinstance(found, list):
            raise KeyError(f"{self.source}: {key!r} is not a list")
        return [str(word) for word in found]


@cache
def texts(package: str, name: str = "texts.yml") -> Texts:
    """The texts of `name` in `package` (`texts("bot.gateway")`), read on first use."""
    source = resources.files(package).joinpath(name)
    data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{package}/{name} is not a mapping of texts")
    return Texts(data, f"{package.replace('.', '/')}/{name}")


def yaml_strings(node: Any) -> Iterator[str]:
    """The strings of a loaded YAML tree, depth first in the file's order; keys are names,
    left out."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from yaml_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from yaml_strings(value)
