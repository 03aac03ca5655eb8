"""The report's words, read from `texts.yml` next to this file."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

_PATH = Path(__file__).resolve().parent / "texts.yml"


@cache
def _all() -> dict[str, Any]:
    return dict(yaml.safe_load(_PATH.read_text(encoding="utf-8")))


def text(section: str, name: str, **values: object) -> str:
    """The text `name` of `section`, its {fields} filled in."""
    template = str(_all()[section][name])
    return template.format(**values) if values else template


def labels(section: str, name: str) -> dict[str, str]:
    """A mapping of texts, such as the name of each ticket status."""
    return {str(k): str(v) for k, v in _all()[section][name].items()}
