"""How the assistant's messages look on Telegram: safe HTML, pieces under the limit, keyboards.

Why it looks like this:
- Text is sent in HTML parse mode with every `<`, `>` and `&` escaped, so no character from the
  knowledge base or from an official can break a message; the knowledge base's `**bold**` is
  the only markup turned into tags, and a stray `*` or `_` stays as it is.
- Telegram takes at most 4,096 characters (counted in UTF-16 units, after entities are parsed)
  per message. Text is split before it is escaped, at paragraph breaks first, then at line
  breaks, sentence ends and spaces, so the limit holds and no tag or entity is ever cut.
- A button's callback data is its payload when the payload fits Telegram's 64 bytes. A longer
  one travels as a short id (`~` and a hash of the payload) kept in the gateways' shared state
  (Redis or the store) for PAYLOAD_SECONDS, so a press reaching another replica, or coming
  after a restart, still finds it; each process also keeps a bounded map of those it has seen
  (an id always names the same payload, so the map never disagrees). A press on an id nobody
  knows any more falls back to the button's title (see `handlers.py`).
- Control characters and lone surrogates are dropped: Telegram rejects some and shows others
  as garbage, and they cannot be encoded as UTF-8 at all.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.messages import Button
from bot.plain_text import clean
from bot.store.shared_state import SharedState, StateUnavailable

log = logging.getLogger(__name__)

MAX_TEXT = int(MessageLimit.MAX_TEXT_LENGTH)
MAX_CALLBACK_DATA = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)
MAX_BUTTON_TITLE = 64
MAX_BUTTONS = 100
# Titles this short sit two to a row; longer ones get a row each.
SHORT_TITLE = 14
# How long a long payload stays known after the last message that showed it.
PAYLOAD_SECONDS = 30 * 24 * 3600

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_SENTENCE_END = re.compile(r"(?<=[.!?…;:])\s+")


def telegram_length(text: str) -> int:
    """The length of `text` as Telegram counts it: UTF-16 code units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def split(text: str, limit: int = MAX_TEXT) -> list[str]:
    """`text` in pieces of at most `limit` Telegram characters, cut at the gentlest break."""
    if limit < 2:
        raise ValueError("limit must be at least 2")
    pieces: list[str] = []
    for part in _pack(_split_at(text.strip(), limit, level=0), limit, "\n\n"):
        if part.strip():
            pieces.append(part.strip())
    return pieces


def _split_at(text: str, limit: int, level: int) -> list[str]:
    """Parts of `text` that each fit `limit`, using separator `level` and finer ones if needed."""
    if telegram_length(text) <= limit:
        return [text]
    if level == 0:
        parts = re.split(r"\n\s*\n", text)
        joiner = "\n\n"
    elif level == 1:
        parts, joiner = text.split("\n"), "\n"
    elif level == 2:
        parts, joiner = _SENTENCE_END.split(text), " "
    elif level == 3:
        parts, joiner = text.split(" "), " "
    else:
        return _hard_cut(text, limit)
    if len(parts) == 1:
        return _split_at(text, limit, level + 1)
    fitted: list[str] = []
    for part in parts:
        fitted.extend(_split_at(part, limit, level + 1))
    return _pack(fitted, limit, joiner) if level > 0 else fitted


def _pack(parts: Iterable[str], limit: int, joiner: str) -> list[str]:
    """Join consecutive `parts` with `joiner` as long as the result fits `limit`."""
    packed: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{joiner}{part}" if current else part
        if telegram_length(candidate) <= limit:
            current = candidate
        else:
            if current:
                packed.append(current)
            current = part
    if current:
        packed.append(current)
    return packed


def _hard_cut(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    current = ""
    for char in text:
        if telegram_length(current) + telegram_length(char) > limit:
            pieces.append(current)
            current = ""
        current += char
    if current:
        pieces.append(current)
    return pieces


def to_html(text: str) -> str:
    """`text` escaped for HTML parse mode, its `**bold**` spans in `<b>` tags."""
    return _BOLD.sub(r"<b>\1</b>", html.escape(text, quote=False))


class CallbackPayloads:
    """Button payloads as callback data: as they are when short, by a short id otherwise."""

    PREFIX = "~"

    def __init__(self, state: SharedState | None = None, capacity: int = 10_000) -> None:
        """Share long payloads in `state` (None: this process only); remember `capacity` here."""
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._state = state
        self._capacity = capacity
        self._long: OrderedDict[str, str] = OrderedDict()
        self._unsaved: dict[str, str] = {}

    def data_for(self, payload: str) -> str:
        """The callback data that stands for `payload` (`keep` then shares a long one)."""
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA and not payload.startswith(
            self.PREFIX
        ):
            return payload
        key = self.PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
        self._remember(key, payload)
        if self._state is not None and len(self._unsaved) < self._capacity:
            self._unsaved[key] = payload
        return key

    async def keep(self) -> None:
        """Share the long payloads rendered since the last call; before the message is sent."""
        unsaved, self._unsaved = self._unsaved, {}
        if self._state is None:
            return
        try:
            for key, payload in unsaved.items():
                await self._state.put(_shared_key(key), payload, PAYLOAD_SECONDS)
        except StateUnavailable as error:
            log.warning("long button payloads were not shared (%s)", error)

    async def payload_for(self, data: str) -> str | None:
        """The payload `data` stands for, or None for a short id no gateway knows any more."""
        if not data.startswith(self.PREFIX):
            return data
        payload = self._long.get(data)
        if payload is None and self._state is not None:
            try:
                payload = await self._state.get(_shared_key(data))
            except StateUnavailable as error:
                log.warning("a long button payload could not be read (%s)", error)
        if payload is not None:
            self._remember(data, payload)
        return payload

    def _remember(self, key: str, payload: str) -> None:
        self._long[key] = payload
        self._long.move_to_end(key)
        while len(self._long) > self._capacity:
            self._long.popitem(last=False)


def _shared_key(data: str) -> str:
    """Where a short id's payload is shared: the id is a hash already, never the payload."""
    return f"telegram:payload:{data.removeprefix(CallbackPayloads.PREFIX)}"


@dataclass(frozen=True)
class Rendered:
    """One Telegram message: its text in HTML parse mode and an optional inline keyboard."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


def keyboard(buttons: Sequence[Button], payloads: CallbackPayloads) -> InlineKeyboardMarkup | None:
    """An inline keyboard of `buttons` (short titles two to a row), or None if there are none."""
    keys = [
        InlineKeyboardButton(_title(b), callback_data=payloads.data_for(b.payload))
        for b in buttons[:MAX_BUTTONS]
    ]
    if not keys:
        return None
    width = 2 if all(len(k.text) <= SHORT_TITLE for k in keys) else 1
    return InlineKeyboardMarkup([keys[i : i + width] for i in range(0, len(keys), width)])


def _title(button: Button) -> str:
    title = " ".join(clean(button.title).split()) or " ".join(clean(button.payload).split())
    if len(title) > MAX_BUTTON_TITLE:
        title = title[: MAX_BUTTON_TITLE - 1].rstrip() + "…"
    return title or "…"


def render(
    text: str, buttons: Sequence[Button], payloads: CallbackPayloads, choose: str
) -> list[Rendered]:
    """`text` as messages under the limit, the keyboard of `buttons` under the last one.

    Buttons with no text go under `choose` (Telegram sends no empty message).
    """
    buttons = [b for b in buttons if clean(b.payload).strip()]
    pieces = split(clean(text))
    markup = keyboard(buttons, payloads)
    if not pieces:
        return [Rendered(to_html(choose), markup)] if markup else []
    rendered = [Rendered(to_html(piece)) for piece in pieces]
    rendered[-1] = Rendered(rendered[-1].text, markup)
    return rendered


def buttons_of(reply: Mapping[str, Any]) -> tuple[Button, ...]:
    """The buttons of one Rasa reply, skipping any that is not a title and a payload."""
    found = reply.get("buttons")
    if not isinstance(found, list):
        return ()
    buttons = []
    for item in found:
        if not isinstance(item, dict):
            continue
        title, payload = item.get("title"), item.get("payload")
        if isinstance(payload, str) and payload.strip():
            buttons.append(Button(title if isinstance(title, str) else payload, payload))
    return tuple(buttons)


def render_replies(
    replies: Sequence[Mapping[str, Any]], payloads: CallbackPayloads, choose: str
) -> list[Rendered]:
    """Rasa's replies (text, buttons, image address) as Telegram messages, in order."""
    rendered: list[Rendered] = []
    for reply in replies:
        text = reply.get("text") if isinstance(reply.get("text"), str) else ""
        image = reply.get("image")
        if isinstance(image, str) and image.strip():
            text = f"{text}\n\n{image.strip()}" if text else image.strip()
        rendered.extend(render(str(text), buttons_of(reply), payloads, choose))
    return rendered
