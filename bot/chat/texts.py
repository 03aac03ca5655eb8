"""The local chat's own words, read from `bot/ui_text.yml`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_PATH = Path(__file__).resolve().parent.parent / "ui_text.yml"


@lru_cache(maxsize=1)
def ui_text() -> dict[str, Any]:
    """All sections of the chat's text."""
    return dict(yaml.safe_load(_PATH.read_text(encoding="utf-8")))
