"""The ticket an official's form becomes: summary, content with the recent conversation, key.

The content carries the last turns of the conversation, so staff see what the assistant already
answered without asking the official again. It is cut to what the contract allows, oldest turns
first, and never cuts the official's own description.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.display import shorten
from bot.texts import texts

MAX_CONTENT = 20000
# Characters of the description kept in the summary; the contract allows 300.
SUMMARY_LENGTH = 200


@dataclass(frozen=True)
class Turn:
    """One message of the conversation: from the official or from the assistant."""

    from_official: bool
    text: str


@dataclass(frozen=True)
class TicketRequest:
    """What the official confirmed in the form."""

    software: str
    description: str
    unit: str
    phone: str
    channel: str
    user_id: str
    name: str | None = None
    # The article answered just before the official asked for a person, for the report.
    article: str | None = None


def summary(description: str) -> str:
    """The trích yếu: the description on one line, shortened at a word boundary."""
    return shorten(description, SUMMARY_LENGTH)


def content(description: str, turns: Iterable[Turn]) -> str:
    """The description, then as many of the latest turns as fit in the contract's limit."""
    labels = texts("bot.escalation").labels("ticket")
    lines: list[str] = []
    room = MAX_CONTENT - len(description) - len(labels["conversation"]) - 4
    for turn in reversed(list(turns)):
        who = labels["official"] if turn.from_official else labels["assistant"]
        line = f"{who}: {turn.text.strip()}"
        if len(line) + 1 > room:
            break
        lines.append(line)
        room -= len(line) + 1
    if not lines:
        return description[:MAX_CONTENT]
    return f"{description}\n\n{labels['conversation']}\n" + "\n".join(reversed(lines))


def payload(request: TicketRequest, turns: Iterable[Turn]) -> dict[str, Any]:
    """The body of POST /api/v1/tickets."""
    requester: dict[str, str] = {"channel": request.channel, "user_id": request.user_id}
    if request.name:
        requester["name"] = request.name[:120]
    body: dict[str, Any] = {
        "summary": summary(request.description),
        "content": content(request.description, turns),
        "unit": request.unit,
        "requester": requester,
        "phone": request.phone,
        "software": request.software,
        "urgency": "normal",
    }
    if request.article:
        body["article"] = request.article[:100]
    return body


def idempotency_key(channel: str, user_id: str, message_marker: str) -> str:
    """One key per confirmation message: the same message handled twice opens one ticket."""
    digest = hashlib.sha256(f"{channel}\x00{user_id}\x00{message_marker}".encode()).hexdigest()
    return f"chat-{digest[:40]}"
