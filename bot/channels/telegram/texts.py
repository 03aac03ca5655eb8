"""The Telegram channel's own words, read from `texts.yml` next to this file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_PATH = Path(__file__).resolve().parent / "texts.yml"


@lru_cache(maxsize=1)
def telegram_texts() -> dict[str, Any]:
    """The texts by name (`commands` and `kinds` are mappings), read on first use."""
    return dict(yaml.safe_load(_PATH.read_text(encoding="utf-8")))
