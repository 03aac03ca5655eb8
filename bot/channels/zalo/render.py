"""Rasa's replies as Zalo text with numbered choices, and a typed number back to its payload.

Why it looks like this:
- A Zalo text message has no buttons, so each button becomes a numbered line and the official
  answers with the number. The numbers mean the choices of the last message that offered any,
  so the choices shown last are kept per user; a later reply without choices clears them, and
  "2" is then just the text "2".
- The choices live in the gateways' shared state (`bot.store.shared_state`: Redis or the
  store), so the answer may reach another gateway replica than the one that showed them, or
  come after a restart. They are kept CHOICES_SECONDS, under a hash of the user id; once gone,
  or when the shared state cannot be reached, a number falls through to Rasa as text, which
  its fallback handles.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.messages import Button, OutgoingMessage
from bot.store.shared_state import SharedState, StateUnavailable, hashed
from bot.texts import texts

log = logging.getLogger(__name__)

# "2", " 2 ", "2." or "2)": what officials type to pick the second choice.
_NUMBER = re.compile(r"\s*([0-9]{1,2})\s*[.)]?\s*")
# How long numbers keep meaning the choices last shown: Zalo's window for answering is 7 days.
CHOICES_SECONDS = 7 * 24 * 3600


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
    """The choices last shown to each Zalo user, in the gateways' shared state."""

    def __init__(self, state: SharedState, seconds: float = CHOICES_SECONDS) -> None:
        """Keep each user's choices in `state` for `seconds` after they were shown."""
        self._state = state
        self._seconds = seconds

    async def remember(self, user_id: str, buttons: Sequence[Button]) -> None:
        """`buttons` were just shown to `user_id`; none means numbers mean nothing now."""
        if not buttons:
            await self.forget(user_id)
            return
        shown = json.dumps([[b.title, b.payload] for b in buttons], ensure_ascii=False)
        try:
            await self._state.put(_key(user_id), shown, self._seconds)
        except StateUnavailable as error:
            log.warning("the choices shown on Zalo were not kept (%s)", error)

    async def forget(self, user_id: str) -> None:
        """Drop `user_id`'s choices (they left the OA, or the last answer offered none)."""
        try:
            await self._state.delete(_key(user_id))
        except StateUnavailable as error:
            log.warning("the choices shown on Zalo were not forgotten (%s)", error)

    async def resolve(self, user_id: str, text: str) -> str:
        """The payload of the choice `text` names by number, or `text` unchanged."""
        match = _NUMBER.fullmatch(text)
        if match is None:
            return text
        try:
            shown = await self._state.get(_key(user_id))
        except StateUnavailable as error:
            log.warning("the choices shown on Zalo could not be read (%s)", error)
            return text
        buttons = _buttons_kept(shown)
        number = int(match.group(1))
        if not 1 <= number <= len(buttons):
            return text
        return buttons[number - 1].payload


def _key(user_id: str) -> str:
    return f"zalo:choices:{hashed(user_id)}"


def _buttons_kept(shown: str | None) -> list[Button]:
    """The buttons kept as JSON pairs; none if there are none or they are not readable."""
    try:
        pairs = json.loads(shown) if shown else []
    except ValueError:
        return []
    if not isinstance(pairs, list):
        return []
    return [
        Button(pair[0], pair[1])
        for pair in pairs
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
    ]
