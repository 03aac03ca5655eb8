"""The knowledge base tools' own words, read from `texts.yml` next to this file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_PATH = Path(__file__).resolve().parent / "texts.yml"


@lru_cache(maxsize=1)
def _texts() -> dict[str, Any]:
    return dict(yaml.safe_load(_PATH.read_text(encoding="utf-8")))


def section(name: str) -> dict[str, Any]:
    """One top-level section of `texts.yml`, such as `columns`."""
    return dict(_texts()[name])


def say(key: str, **values: object) -> str:
    """The text at the dotted `key` (`problems.missing`) with its placeholders filled in."""
    node: Any = _texts()
    for part in key.split("."):
        node = node[part]
    return str(node).format(**values)


def column_label(key: str) -> str:
    """The Vietnamese header of the column `key` (`questions` -> `Câu hỏi`)."""
    return say(f"columns.{key}")
