"""The gateway's own words, read from `texts.yml` next to this file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

_PATH = Path(__file__).resolve().parent / "texts.yml"


@lru_cache(maxsize=1)
def gateway_texts() -> dict[str, str]:
    """The texts by name, read on first use."""
    return {str(k): str(v) for k, v in yaml.safe_load(_PATH.read_text(encoding="utf-8")).items()}
