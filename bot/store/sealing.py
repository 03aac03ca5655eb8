"""Secrets kept in the store (the channels' tokens), sealed under HELPDESK_STORE_KEY.

Why it looks like this:
- Fernet (`cryptography`): authenticated encryption in a maintained library, its tokens
  carrying their own version, so nothing here is hand-rolled.
- Rotation: the current key seals; the keys it replaced (HELPDESK_STORE_OLD_KEYS) still open,
  and a value opened with one of them is reported stale, for the caller to seal it anew with
  the current key. Once every row has been read, the old keys can go.
- Alembic migrations never see the key, so rows written in clear before sealing existed are
  read tolerantly: a value not shaped as a Fernet token is clear text, also reported stale, so
  it is sealed the first time it is read. A value shaped as a token that no key opens means a
  wrong key: it is refused, never taken for clear text, which would send the sealed value to
  the channel as a token and then seal it over.
"""

from __future__ import annotations

import binascii
from base64 import b64decode
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from pydantic import Field, SecretStr, validator

from bot.settings import HelpdeskSettings, blank_secret, problem
from bot.texts import texts

STORE_KEY = "HELPDESK_STORE_KEY"
OLD_KEYS = "HELPDESK_STORE_OLD_KEYS"
# A Fernet key: 32 random bytes.
_KEY_BYTES = 32

# A Fernet token: version byte 0x80 and a 64-bit time whose top bytes are 0 for centuries
# ("gAAAAA" in base64), then a 16-byte IV, whole 16-byte blocks of ciphertext and a 32-byte HMAC.
_PREFIX = "gAAAAA"
_FIXED_BYTES = 1 + 8 + 16 + 32


def fernet_key(value: SecretStr) -> SecretStr:
    """A key as Fernet takes it: 32 random bytes in URL-safe base64 (44 characters)."""
    key = value.get_secret_value().strip()
    _check_key(key, number=None)
    return SecretStr(key)


def old_fernet_keys(value: SecretStr | None) -> SecretStr | None:
    """Comma-separated keys HELPDESK_STORE_KEY replaced, each checked as that one is."""
    secret = blank_secret(value)
    if secret is None:
        return None
    keys = [key.strip() for key in secret.get_secret_value().split(",") if key.strip()]
    for number, key in enumerate(keys, start=1):
        _check_key(key, number)
    return SecretStr(",".join(keys))


def _check_key(key: str, number: int | None) -> None:
    which = {} if number is None else {"number": number}
    where = "store_key" if number is None else "old_store_key"
    try:
        raw = b64decode(key.encode("ascii"), altchars=b"-_", validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    if len(raw) != _KEY_BYTES:
        raise problem(f"{where}.shape", **which)
    # Random bytes nearly never repeat this much; a key typed by hand or a placeholder does.
    if len(set(raw)) < _KEY_BYTES // 2:
        raise problem(f"{where}.weak", **which)


class StoreKeySettings(HelpdeskSettings):
    """HELPDESK_STORE_KEY, and the keys it replaced (HELPDESK_STORE_OLD_KEYS), which still open
    what they sealed. The variables are named in full, so a class with another prefix that
    derives from this one (ZaloSettings) reads these same two."""

    store_key: SecretStr = Field(..., env=STORE_KEY)
    store_old_keys: SecretStr | None = Field(default=None, env=OLD_KEYS)

    _store_key = validator("store_key", allow_reuse=True)(fernet_key)
    _old_store_keys = validator("store_old_keys", allow_reuse=True)(old_fernet_keys)

    def old_keys(self) -> list[str]:
        """The replaced keys, in the order given."""
        if self.store_old_keys is None:
            return []
        return self.store_old_keys.get_secret_value().split(",")


class WrongStoreKey(Exception):
    """A sealed value that none of the configured keys opens; the message says what to do."""


@dataclass(frozen=True)
class Opened:
    """A stored value opened: its text, and whether to store it sealed anew (with the current
    key) because it was clear text or sealed with an old key."""

    text: str = field(repr=False)
    stale: bool


def new_key() -> str:
    """A fresh random key, as HELPDESK_STORE_KEY takes it."""
    return Fernet.generate_key().decode("ascii")


class Sealer:
    """Seals values with the current key and opens those sealed with it or an old one."""

    def __init__(self, key: str, old_keys: Sequence[str] = ()) -> None:
        """Seal with `key`; also open values sealed with `old_keys` (keys checked by settings)."""
        self._current = Fernet(key.encode("ascii"))
        self._old = [Fernet(old.encode("ascii")) for old in old_keys]

    @classmethod
    def from_settings(cls, settings: StoreKeySettings) -> Sealer:
        """The sealer of HELPDESK_STORE_KEY and HELPDESK_STORE_OLD_KEYS, as validated."""
        return cls(settings.store_key.get_secret_value(), settings.old_keys())

    @classmethod
    def from_environment(cls) -> Sealer:
        """The sealer of the keys in the environment (pydantic's ValidationError if refused)."""
        return cls.from_settings(StoreKeySettings())  # type: ignore[call-arg]  # from the env

    def seal(self, text: str) -> str:
        """`text` sealed with the current key."""
        return self._current.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, stored: str) -> Opened:
        """The text of a stored value, sealed or (written before sealing existed) clear.

        WrongStoreKey if it is sealed and no configured key opens it.
        """
        if not looks_sealed(stored):
            return Opened(stored, stale=True)
        token = stored.encode("ascii")
        for index, fernet in enumerate([self._current, *self._old]):
            try:
                return Opened(fernet.decrypt(token).decode("utf-8"), stale=index > 0)
            except InvalidToken:
                continue
        raise WrongStoreKey(
            texts("bot.store").say("sealing.wrong_key", variable=STORE_KEY, old=OLD_KEYS)
        )


def looks_sealed(value: str) -> bool:
    """Whether `value` has the shape of a Fernet token (a clear channel token has not)."""
    if not value.startswith(_PREFIX):
        return False
    try:
        raw = b64decode(value.encode("ascii"), altchars=b"-_", validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return len(raw) >= _FIXED_BYTES + 16 and (len(raw) - _FIXED_BYTES) % 16 == 0
