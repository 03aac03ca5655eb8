"""Rasa's replies as Zalo text with numbered choices, and a typed number back to its payload.

Why it looks like this:
- A Zalo text message has no buttons, so each button becomes a numbered line and the official
  answers with the number. The numbers mean the choices of the last message that offered any,
  so the choices shown last are kept per user; a later reply without choices clears them, and
  "2" is then just the text "2".
- The choices live in this process's memory, bounded: the gateway both shows and reads them.
  After a restart a number falls through to Rasa as text, which its fallback handles.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from bot.messages import Button, OutgoingMessage
from bot.texts import texts

# "2", " 2 ", "2." or "2)": what officials type to pick the second choice.
_NUMBER = re.compile(r"\s*([0-9]{1,2})\s*[.)]?\s*")
MAX_USERS = 10_000


def rasa_messages(replies: Sequence[Mapping[str, Any]]) -> list[OutgoingMessage]:
    """Rasa REST replies (`text`, `buttons` of `title` and `payload`, `image`) as messages."""
    messages = []
    for reply in replies:
        lines = [reply["text"]] if isinstance(reply.get("text"), str) else []
        if isinstance(reply.get("image"), str):
            lines.append(reply["image"])  # Zalo shows a link; an image attachment is not needed
        buttons = tuple(_buttons(reply.get("buttons")))
        text = "\n".join(line for line in lines if line.strip())
        if text.strip() or buttons:
            messages.append(OutgoingMessage(text, buttons))
    return messages


def _buttons(raw: object) -> list[Button]:
    if not isinstance(raw, list):
        return []
    return [
        Button(str(b.get("title") or b.get("payload")), str(b["payload"]))
        for b in raw
        if isinstance(b, dict) and isinstance(b.get("payload"), str) and b["payload"].strip()
    ]


def render(message: OutgoingMessage) -> str:
    """The text Zalo shows: the message, then its choices numbered from 1 and a hint."""
    if not message.buttons:
        return message.text
    words = texts("bot.channels.zalo")
    options = [
        words.say("option", number=number, title=button.title)
        for number, button in enumerate(message.buttons, start=1)
    ]
    blocks = [message.text.strip(), "\n".join(options), words.say("choices_hint")]
    return "\n\n".join(block for block in blocks if block)


class ChoiceMemory:
    """The choices last shown to each user, by Zalo user id, for the MAX_USERS most recent."""

    def __init__(self, max_users: int = MAX_USERS) -> None:
        """Keep at most `max_users` users' choices, forgetting the longest unused first."""
        self._choices: OrderedDict[str, tuple[Button, ...]] = OrderedDict()
        self._max = max_users

    def remember(self, user_id: str, buttons: Sequence[Button]) -> None:
        """`buttons` were just shown to `user_id`; none means numbers mean nothing now."""
        self._choices.pop(user_id, None)
        if buttons:
            self._choices[user_id] = tuple(buttons)
            while len(self._choices) > self._max:
                self._choices.popitem(last=False)

    def forget(self, user_id: str) -> None:
        """Drop `user_id`'s choices (they left the OA)."""
        self._choices.pop(user_id, None)

    def resolve(self, user_id: str, text: str) -> str:
        """The payload of the choice `text` names by number, or `text` unchanged."""
        match = _NUMBER.fullmatch(text)
        buttons = self._choices.get(user_id, ())
        if match is None or not buttons:
            return text
        number = int(match.group(1))
        if not 1 <= number <= len(buttons):
            return text
        self._choices.move_to_end(user_id)
        return buttons[number - 1].payload
