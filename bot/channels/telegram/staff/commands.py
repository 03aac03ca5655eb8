"""Reading what support staff type: ticket codes, status words, and the text after a command.

Why it looks like this:
- Staff type codes as they come: "HT-000123", "ht-123", "HT 123". All mean ticket HT-000123;
  only a code at the very start of a command's arguments counts, so a reply that merely
  mentions another ticket is not taken for a command about it.
- Status words are matched without case or diacritics ("dang xu ly" is "đang xử lý"), from the
  lists in `texts.yml`, so the words staff may use are kept where a trainer can read them.
- The text after a command keeps its line breaks: a reply to an official is sent as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot import vietnamese
from bot.texts import texts

# A "Nhận xử lý" button's callback data: this, then the ticket's code.
CLAIM = "staff:claim:"
# The desk's codes are HT- and six digits (docs/desk-api.yaml).
_OWN_CODE = re.compile(r"\bHT-[0-9]{6}\b")
_LEADING_CODE = re.compile(r"\s*HT[-\s]?([0-9]{1,6})(?![0-9])", re.IGNORECASE)
_COMMAND = re.compile(r"\s*/\S*")
_EDGES = " \t\n\"'“”‘’.,;:!?()[]"


def ticket_code(number: str | int) -> str:
    """The desk's code for ticket `number`: HT-000123."""
    return f"HT-{int(number):06d}"


def code_in(text: str | None) -> str | None:
    """The first ticket code the bot wrote in `text`, or None."""
    found = _OWN_CODE.search(text or "")
    return found.group(0) if found else None


def split_code(arguments: str) -> tuple[str | None, str]:
    """The ticket code `arguments` start with (or None), and the rest, trimmed."""
    found = _LEADING_CODE.match(arguments)
    if found is None or int(found.group(1)) == 0:
        return None, arguments.strip()
    return ticket_code(found.group(1)), arguments[found.end() :].strip()


def arguments_of(text: str) -> str:
    """What follows the command (`/traloi@bot`) in `text`, line breaks kept."""
    found = _COMMAND.match(text)
    return text[found.end() :] if found else text


def fold(text: str) -> str:
    """`text` lowercased, without diacritics, on one line with single spaces."""
    return " ".join(vietnamese.fold(text).split()).strip(_EDGES)


@lru_cache(maxsize=1)
def _status_by_word() -> dict[str, str]:
    words = texts("bot.channels.telegram").section("staff.status_words")
    return {fold(word): status for status, spellings in words.items() for word in spellings}


def status_for(words: str) -> str | None:
    """The status (`in_progress`) that `words` name ("Đang xử lý"), or None."""
    return _status_by_word().get(fold(words))
