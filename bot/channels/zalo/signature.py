"""Checking the `X-ZEvent-Signature` Zalo puts on each webhook event."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-ZEvent-Signature"
_PREFIX = "mac="


def sign(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The header value Zalo sends: "mac=" and the hex SHA-256 of app id, body, time, key."""
    material = app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode()
    return _PREFIX + hashlib.sha256(material).hexdigest()


def verify(
    app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str, header: str | None
) -> bool:
    """Whether `header` signs exactly these raw bytes; compared in constant time."""
    if not header:
        return False
    given = header.strip()
    # Hex digits may come in either case; the "mac=" prefix must be there as Zalo writes it.
    if given.startswith(_PREFIX):
        given = _PREFIX + given[len(_PREFIX) :].lower()
    expected = sign(app_id, raw_body, timestamp, oa_secret_key)
    # Bytes, because compare_digest refuses non-ASCII str and a forger chooses the header.
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))
