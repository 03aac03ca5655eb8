"""One default TLS context for all the httpx clients a test run makes.

httpx builds a new SSL context for every client, loading the whole CA bundle each time (30 to
40 ms on two cores), even for the plain http:// URLs of every test. The gateway alone makes four
clients (two for python-telegram-bot, Rasa's, the web chat's) per test, and a polled health URL
one per look: a minute of the fast tier went on reading certificates. The tests speak HTTP to
local servers only, so sharing one context built the same way changes nothing they prove.
Child processes (`helpdesk desk serve`, `helpdesk run`) are not affected.
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import Callable
from typing import Any

import httpx._transports.default as _transports


@functools.cache
def _default_context(trust_env: bool) -> ssl.SSLContext:
    assert _ORIGINAL is not None
    return _ORIGINAL(verify=True, cert=None, trust_env=trust_env)


def _create_ssl_context(
    verify: Any = True, cert: Any = None, trust_env: bool = True
) -> ssl.SSLContext:
    if verify is True and cert is None:
        return _default_context(trust_env)
    assert _ORIGINAL is not None
    return _ORIGINAL(verify=verify, cert=cert, trust_env=trust_env)


# A private name of httpx's, so looked up and replaced by name: it may be gone in another httpx.
_NAME = "create_ssl_context"
_ORIGINAL: Callable[..., ssl.SSLContext] | None = getattr(_transports, _NAME, None)


def share_default_context() -> None:
    """Make httpx's default-verifying clients share one context (if this httpx builds them so)."""
    if _ORIGINAL is not None:
        setattr(_transports, _NAME, _create_ssl_context)
