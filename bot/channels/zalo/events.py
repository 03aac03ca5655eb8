"""Zalo webhook events, read from their JSON into what the processor needs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

TEXT = "user_send_text"
FOLLOW = "follow"
UNFOLLOW = "unfollow"
# Longest id kept as is; Zalo's ids are about 20 to 40 characters, `seen_updates` holds 128.
_MAX_ID = 100
# Zalo user ids are digits; anything else is not a user the OA could answer.
_USER_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


class Kind(Enum):
    """What the processor does with an event."""

    TEXT = "text"  # answer through Rasa
    OTHER_MESSAGE = "other_message"  # an image, sticker, file, voice...: say what is understood
    FOLLOW = "follow"  # greet
    UNFOLLOW = "unfollow"  # forget the user's pending choices
    IGNORED = "ignored"  # the OA's own messages, "seen" receipts, anything unknown


@dataclass(frozen=True)
class ZaloEvent:
    """One webhook event: its name, the user it is about, and the message if any."""

    name: str
    user_id: str
    msg_id: str
    text: str | None
    timestamp: str

    @property
    def kind(self) -> Kind:
        """How the event is handled; events without a user are ignored."""
        if not self.user_id:
            return Kind.IGNORED
        if self.name == TEXT:
            return Kind.TEXT if self.text is not None else Kind.OTHER_MESSAGE
        if self.name == FOLLOW:
            return Kind.FOLLOW
        if self.name == UNFOLLOW:
            return Kind.UNFOLLOW
        # "user_send_image", "user_send_sticker", ...; not "user_seen_message" or "oa_send_text"
        # (Zalo reports the OA's own replies too, and answering those would loop).
        if self.name.startswith("user_send_"):
            return Kind.OTHER_MESSAGE
        return Kind.IGNORED

    @property
    def update_id(self) -> str:
        """The key that claims this event once: the message id, or name, user and time."""
        key = self.msg_id or f"{self.name}:{self.user_id}:{self.timestamp}"
        if len(key) > _MAX_ID:
            return "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()
        return key


def timestamp_of(body: dict[str, Any]) -> str:
    """The event's `timestamp` field as the text the signature was computed over."""
    value = body.get("timestamp")
    if isinstance(value, bool) or value is None:
        return ""
    return str(value)


def parse_event(body: dict[str, Any]) -> ZaloEvent:
    """The event in `body`; missing or mistyped fields become empty rather than errors."""
    name = _text(body.get("event_name"))
    raw = body.get("message")
    message: dict[str, Any] = raw if isinstance(raw, dict) else {}
    # Follow events name the user as "follower"; message events as "sender".
    party = body.get("follower") if name in (FOLLOW, UNFOLLOW) else body.get("sender")
    text = message.get("text")
    return ZaloEvent(
        name=name,
        user_id=_id(party),
        msg_id=_text(message.get("msg_id")),
        text=text if isinstance(text, str) else None,
        timestamp=timestamp_of(body),
    )


def _id(party: object) -> str:
    if not isinstance(party, dict):
        return ""
    value = party.get("id")
    # Ids are strings in Zalo's JSON; a number is accepted as the same id.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = _text(value)
    return text if _USER_ID.fullmatch(text) else ""


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
