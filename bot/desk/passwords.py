"""Staff passwords, kept only as scrypt hashes (the standard library's), salted per account.

A hash reads `scrypt$N$r$p$salt$key` (salt and key in unpadded base64), so it carries the cost
it was made with: raising COST later leaves old hashes checkable. The cost is Django's for
scrypt (N=2^14, r=8, p=1): 16 MiB and some 50 to 120 ms a check, which makes guessing from a
stolen table slow while a sign-in stays quick. At most four hashes are worked out at once, so a
burst of sign-ins cannot take more than 64 MiB. Keys are compared in constant time, and a
sign-in under a name that has no account spends the same time on a hash of its own, so the
answer's timing does not tell which names exist.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache

SALT_BYTES = 16
KEY_BYTES = 32
_MAX_MEMORY = 64 * 1024 * 1024  # above OpenSSL's default of 32 MiB, for a cost raised later
_AT_ONCE = threading.BoundedSemaphore(4)


@dataclass(frozen=True)
class Cost:
    """scrypt's parameters: N (memory and time), r (block size), p (parallel lanes)."""

    n: int
    r: int
    p: int


COST = Cost(n=2**14, r=8, p=1)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(password: str, salt: bytes, cost: Cost) -> bytes:
    # Typed Vietnamese comes composed or decomposed; either way the password is the same.
    typed = unicodedata.normalize("NFC", password).encode("utf-8")
    with _AT_ONCE:
        return hashlib.scrypt(
            typed, salt=salt, n=cost.n, r=cost.r, p=cost.p, maxmem=_MAX_MEMORY, dklen=KEY_BYTES
        )


def hash_password(password: str, cost: Cost | None = None) -> str:
    """The stored form of `password`, under a new random salt."""
    cost = cost or COST
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, cost)
    return f"scrypt${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(key)}"


def verify(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` was made from; False for a malformed hash."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt" or not all(p.isdigit() for p in parts[1:4]):
        return _spend(password)
    try:
        cost = Cost(int(parts[1]), int(parts[2]), int(parts[3]))
        salt, key = _unb64(parts[4]), _unb64(parts[5])
        derived = _derive(password, salt, cost)
    except (binascii.Error, ValueError):  # bad base64; parameters scrypt refuses
        return _spend(password)
    return hmac.compare_digest(derived, key)


def spend_time(password: str) -> None:
    """Check `password` against a hash no account has: as long as a real check, always False."""
    _spend(password)


def _spend(password: str) -> bool:
    hmac.compare_digest(_derive(password, _dummy_salt(), COST), bytes(KEY_BYTES))
    return False


@cache
def _dummy_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)
