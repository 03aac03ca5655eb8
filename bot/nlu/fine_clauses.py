"""Clauses of a message that tell what still works, and are not what it asks about.

Why it exists: officials describe a fault beside what still works ("tiếng vẫn rõ, mạng không
giật, nhưng hình bị mờ"; "hôm qua vẫn đọc mail bình thường, giờ quên mật khẩu"). The working
part names another article (the sound, the network, the mail) and pulls the message there. A
clause (between punctuation marks or "nhưng") with a word of things working and none of a fault
is left out of the tokens, in training examples and messages alike; a question ("?") is never
left out, nor a message's only clause. The words are data (`fine_clauses.yml`), matched on
whole words without diacritics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.nlu import phrases
from bot.texts import texts

# "nhưng" joins what works to what does not; without marks it is still "nhung".
_BOUNDARY = re.compile(r"[,.;!?\n]+|\bnhưng\b|\bnhung\b", re.IGNORECASE)


@dataclass(frozen=True)
class FineClauses:
    """The phrases, without diacritics, of things working and of faults."""

    works: tuple[str, ...]
    faults: tuple[str, ...]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The character spans of `text`'s clauses that only tell what works."""
        clauses: list[tuple[int, int, bool]] = []
        start = 0
        for boundary in _BOUNDARY.finditer(text):
            clauses.append((start, boundary.start(), "?" in boundary.group()))
            start = boundary.end()
        clauses.append((start, len(text), False))
        fine = [(a, b) for a, b, asks in clauses if not asks and self._works(text[a:b])]
        others = any(
            (a, b) not in fine and any(c.isalpha() for c in text[a:b]) for a, b, _ in clauses
        )
        return fine if others else []

    def without(self, text: str) -> str:
        """`text` with its clauses that only tell what works blanked out, offsets kept."""
        for start, end in self.spans(text):
            text = text[:start] + " " * (end - start) + text[end:]
        return text

    def _works(self, clause: str) -> bool:
        words = phrases.padded(clause)
        return phrases.holds(words, self.works) and not phrases.holds(words, self.faults)


@cache
def fine_clauses() -> FineClauses:
    """The phrases of `fine_clauses.yml`, read on first use."""
    data = texts("bot.nlu", "fine_clauses.yml")
    return FineClauses(
        works=phrases.listed(data, "works"),
        faults=phrases.listed(data, "faults"),
    )
