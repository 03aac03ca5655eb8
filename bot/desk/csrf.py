"""CSRF tokens of the staff pages: HMACs under a key derived from HELPDESK_DESK_SESSION_SECRET.

A session's token is an HMAC of the key in its cookie, so only pages served to that session can
post, and it ends with the session. The sign-in form has one of its own: an HMAC of a nonce
kept in a short-lived cookie, since no session exists yet. A key every desk process shares,
rather than a row per form, lets any of them check a form another served, and keeps visitors of
the sign-in page from writing to the database.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

_NONCE = re.compile(r"[0-9a-f]{32}")


class Csrf:
    """Makes and checks the forms' CSRF tokens."""

    def __init__(self, secret: str) -> None:
        """A key of its own from the secret, so the secret itself signs nothing."""
        self._key = hmac.new(secret.encode("utf-8"), b"desk csrf token", hashlib.sha256).digest()

    def of_session(self, session_key: str) -> str:
        """The token every form of the session with this key carries."""
        return self._mac(f"session.{session_key}")

    def of_login(self, nonce: str) -> str:
        """The token of the sign-in form whose cookie holds `nonce`."""
        return self._mac(f"login.{nonce}")

    @staticmethod
    def new_login_nonce() -> str:
        """A fresh nonce for the sign-in form's cookie."""
        return secrets.token_hex(16)

    @staticmethod
    def login_nonce(cookie: str | None) -> str | None:
        """The nonce of a sign-in cookie, if it looks like one."""
        return cookie if cookie and _NONCE.fullmatch(cookie) else None

    @staticmethod
    def same(expected: str, given: str | None) -> bool:
        """Whether a posted token is the expected one, compared in constant time."""
        if given is None:
            return False
        return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8", "replace"))

    def _mac(self, message: str) -> str:
        return hmac.new(self._key, message.encode("utf-8"), hashlib.sha256).hexdigest()
