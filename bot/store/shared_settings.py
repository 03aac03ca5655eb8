"""Where the gateways share their state: HELPDESK_REDIS_URL, checked, beside the store's URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import validator

from bot.settings import StoreSettings, problem

# How Redis is named in HELPDESK_REDIS_URL (besides unix:// and a socket's path).
_REDIS_SCHEMES = ("redis", "rediss")


def redis_address(value: object) -> str | None:
    """A Redis address (redis:// or rediss:// and a host, unix:// and a path); None if blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    address = str(value).strip()
    try:
        parsed = urlsplit(address)
        port = parsed.port  # reading it checks it is a number in range
    except ValueError:
        raise problem("redis_url") from None
    located = parsed.hostname if parsed.scheme in _REDIS_SCHEMES else parsed.path
    if parsed.scheme not in (*_REDIS_SCHEMES, "unix") or not located or port == 0:
        raise problem("redis_url")
    return address


class SharedStateSettings(StoreSettings):
    """Where the gateways share what their channels keep between messages
    (`bot.store.shared_state`): Redis at HELPDESK_REDIS_URL if set, else the store.

    Read by every process that shows or reads such state: the gateway, the notifier and
    announcements (a notice's buttons are answered on a gateway). The address may hold a
    password: like the database's, it is never logged, and a refusal never repeats it.
    """

    redis_url: str | None = None

    _redis_url = validator("redis_url", pre=True, allow_reuse=True)(redis_address)
