"""Word lists the understanding's rules match on a message's whole words, without diacritics.

The status cues, the reply and cancel guard and the clauses telling what still works each read
phrases from YAML and look for them in a message; one reading and one match serve them all, so
"phieu" is "phiếu" and "bao" never matches inside "bao lâu" the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.texts import Texts
from bot.vietnamese import comparable


def listed(data: Texts, key: str) -> tuple[str, ...]:
    """The phrases under `key`, without diacritics, as messages are compared."""
    return tuple(comparable(p) for p in data.words(key))


def padded(text: str) -> str:
    """`text` without diacritics, a space at each end, for `holds`."""
    return f" {comparable(text)} "


def holds(padded_text: str, phrases: Iterable[str]) -> bool:
    """Whether the text (from `padded`) holds any of `phrases` as whole words."""
    return any(f" {phrase} " in padded_text for phrase in phrases)
