"""Whether a message asks about the official's own support request, from its words alone.

Why it looks like this:
- A status question often describes the problem it reported ("lỗi token tôi báo tuần trước
  xử lý chưa"), and that problem's article then outranks the status intent, even when the
  message holds a ticket code. The shape of the question is plainer than its subject: a ticket
  code, or a word for the request with a word asking how far it got.
- The words are data (`status_cues.yml`), matched without diacritics on whole words, so a
  trainer extends them without code and "phieu" is "phiếu".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.nlu import phrases
from bot.texts import texts
from bot.vietnamese import comparable

# HT-000123, ht 000533, ht000054, CHO-000012 (a code given while the desk was down). "cho" is
# also "for", so its code needs the dash; "ht 2" could be "hỗ trợ 2", so a bare one needs digits.
_CODE = re.compile(r"\b(?:ht|cho)\s*-\s*\d+\b|\bht\s*\d{2,}\b|\bcho\d{2,}\b")
_NUMBERED = re.compile(r"\bphieu (?:so )?\d+\b")
# How many of the last words may hold a closing word ("... có ai nhận chưa ạ").
_TAIL = 3


@dataclass(frozen=True)
class StatusCues:
    """The phrases, without diacritics, that mark a status question."""

    requests: tuple[str, ...]
    progress: tuple[str, ...]
    closing: frozenset[str]
    how_to: tuple[str, ...] = ()

    def asks_status(self, text: str) -> bool:
        """Whether `text` names a ticket, or a request and how far it got and asks no how-to."""
        words = comparable(text)
        # Codes are read before `comparable` drops the dash that tells "CHO-12" from "cho 12".
        if _CODE.search(text.lower()) or _NUMBERED.search(words):
            return True
        padded = f" {words} "
        if phrases.holds(padded, self.how_to):
            return False
        # A word serves one cue: without diacritics "có bao lâu" holds "co bao" ("có báo"), a
        # request, only by lending "bao" to "bao lâu".
        progress = _spans(padded, self.progress)
        requests = [r for r in _spans(padded, self.requests) if not any(r & p for p in progress)]
        if not requests:
            return False
        return bool(progress) or any(word in self.closing for word in words.split()[-_TAIL:])


def _spans(padded: str, wanted: tuple[str, ...]) -> list[set[int]]:
    """The word places each occurrence of each phrase of `wanted` covers in `padded`."""
    found: list[set[int]] = []
    split = padded.split()
    for phrase in wanted:
        if not phrases.holds(padded, (phrase,)):
            continue  # most phrases are in no message: not worth a walk over its words
        size = len(phrase.split())
        found += [
            set(range(place, place + size))
            for place in range(len(split) - size + 1)
            if " ".join(split[place : place + size]) == phrase
        ]
    return found


@cache
def status_cues() -> StatusCues:
    """The cues of `status_cues.yml`, read on first use."""
    data = texts("bot.nlu", "status_cues.yml")
    return StatusCues(
        requests=phrases.listed(data, "requests"),
        progress=phrases.listed(data, "progress"),
        closing=frozenset(phrases.listed(data, "closing")),
        how_to=phrases.listed(data, "how_to"),
    )
