"""Chat abbreviations and teen code ("ko", "đc", "mk") expanded from a dictionary kept as data."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.vietnamese import normalize_word


class AbbreviationError(ValueError):
    """The abbreviation dictionary is malformed."""


def load_abbreviations(path: Path) -> dict[str, list[str]]:
    """Read `expansion: [abbreviation, ...]` and return abbreviation -> expansion syllables."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise AbbreviationError(f"{path}: expected a mapping of expansion to abbreviations")
    table: dict[str, list[str]] = {}
    for expansion, abbreviations in raw.items():
        if not isinstance(expansion, str) or not isinstance(abbreviations, list):
            raise AbbreviationError(f"{path}: '{expansion}' must map to a list of abbreviations")
        syllables = [normalize_word(s) for s in expansion.split()]
        for abbreviation in abbreviations:
            key = normalize_word(str(abbreviation)).lower()
            if key in table and table[key] != syllables:
                raise AbbreviationError(
                    f"{path}: '{abbreviation}' is given two expansions: "
                    f"'{' '.join(table[key])}' and '{expansion}'"
                )
            table[key] = syllables
    return table
