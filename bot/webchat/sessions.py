"""Web chat sessions and buttons, signed under HELPDESK_WEBCHAT_SECRET.

Why it looks like this:
- The sender id was chosen by the browser, so anyone who knew or guessed one could read that
  official's staff replies. Now the server issues the id (random) with a token, an HMAC of the
  id, and every call for that id must carry the token.
- Signed rather than stored: nothing to keep, migrate or prune; a restart or a second gateway
  replica with the same secret accepts the same sessions. Changing the secret ends them all.
- No expiry: a staff reply may come days after the question, and the page must still fetch it.
- Buttons: Rasa reads text starting with "/" as an intent, so typed text never reaches it as
  one (`bot.rasa.as_typed`). A button's payload goes back as a choice the page cannot make: the
  payload and an HMAC of it for this sender. Signed for the same reasons as the sessions: a
  choice held in one process's memory would fail after a restart or on another replica.
- Each kind of signature has its own label, so a session token is never a valid choice.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets

from bot.rasa import MAX_MESSAGE

# The header the page sends its token in: a header, not the query, keeps it out of access logs,
# and a custom header cannot be sent cross-site without the server agreeing (CORS).
TOKEN_HEADER = "X-Chat-Token"
SENDER = re.compile(r"^web-[0-9a-f]{8,32}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_SESSION = b"helpdesk-webchat-session\x00"
_BUTTON = b"helpdesk-webchat-button\x00"
# The longest choice read: a payload is at most MAX_MESSAGE characters (4 bytes each in UTF-8),
# a third more in base64, and its signature.
MAX_CHOICE = MAX_MESSAGE * 4 * 4 // 3 + 64


class WebSessions:
    """Issues sender ids with their tokens, checks them, and signs the buttons shown to them."""

    def __init__(self, secret: str) -> None:
        """Sign under `secret` (HELPDESK_WEBCHAT_SECRET, checked long enough by the settings)."""
        if not secret:
            raise ValueError("the web chat needs a secret")
        self._key = secret.encode("utf-8")

    def issue(self) -> tuple[str, str]:
        """A new sender id (random, as the page made them before) and its token."""
        sender = "web-" + secrets.token_hex(12)
        return sender, self.token_for(sender)

    def token_for(self, sender: str) -> str:
        """The token of `sender`: whoever holds it may write as that sender and read its inbox."""
        return _encode(self._mac(_SESSION, sender.encode("utf-8")))

    def valid(self, sender: str, token: str | None) -> bool:
        """Whether `token` is `sender`'s, compared in constant time."""
        if not token or not _TOKEN.fullmatch(token) or not SENDER.fullmatch(sender):
            return False
        return hmac.compare_digest(token, self.token_for(sender))

    def choice_for(self, sender: str, payload: str) -> str:
        """What the page sends back to press the button carrying `payload`, shown to `sender`."""
        data = payload.encode("utf-8")
        return f"{_encode(data)}.{_encode(self._mac(_BUTTON, _pair(sender, data)))}"

    def payload_of(self, sender: str, choice: str) -> str | None:
        """The payload of a button shown to `sender`, or None if `choice` is not one."""
        if len(choice) > MAX_CHOICE or choice.count(".") != 1:
            return None
        encoded, signature = choice.split(".")
        try:
            data = _decode(encoded)
            payload = data.decode("utf-8")
        except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
            return None
        expected = _encode(self._mac(_BUTTON, _pair(sender, data)))
        if not hmac.compare_digest(signature.encode("ascii", "replace"), expected.encode()):
            return None
        return payload

    def _mac(self, label: bytes, message: bytes) -> bytes:
        return hmac.new(self._key, label + message, hashlib.sha256).digest()


def _pair(sender: str, data: bytes) -> bytes:
    # A sender id has no NUL, so the pair cannot be read two ways.
    return sender.encode("utf-8") + b"\x00" + data


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decode(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not URL-safe base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
