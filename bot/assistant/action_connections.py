"""Rasa's calls to the action server on kept-alive connections.

Why it exists: Rasa 3.6 opens an aiohttp session for every call to an endpoint and closes it
after (`EndpointConfig.request` in rasa/utils/endpoints.py), so each action call opened a TCP
connection and closed it again, on both sides: under load a tenth of the Rasa replica's CPU
(docs/benchmarks.md, "Many officials at once"). Here an endpoint's calls share one session per
event loop, and `request` runs as Rasa wrote it, only without closing that session.

A kept connection must never be one the action server is closing as a call goes out on it: the
session's connector drops a connection idle for `KEEP_SECONDS`, well before the action server
closes its side (`actions/server.py`, `KEEP_ALIVE_SECONDS`), and a connection the server closed
(it was restarted) is seen closed and not used again.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
from typing import Any

# How long Rasa keeps an idle connection to an endpoint: less than the action server keeps it.
KEEP_SECONDS = 5.0
_INSTALLED = "_helpdesk_kept_sessions"
# The kept session of each event loop and endpoint (its headers and credentials).
_SESSIONS: dict[tuple[Any, ...], tuple[Any, Any]] = {}


def install() -> None:
    """Make every endpoint's `session()` the kept one of its loop (idempotent)."""
    from rasa.utils.endpoints import EndpointConfig

    if getattr(EndpointConfig, _INSTALLED, False):
        return

    def session(self: Any) -> Any:
        loop = asyncio.get_running_loop()
        key = (id(loop), tuple(sorted((self.headers or {}).items())), repr(self.basic_auth))
        found = _SESSIONS.get(key)
        if found is None or found[0] is not loop or found[1].closed:
            found = _SESSIONS[key] = (loop, _new_session(self))
        # Entered by Rasa's `async with`, and left open: it is the loop's for every call.
        return contextlib.nullcontext(found[1])

    EndpointConfig.session = session
    setattr(EndpointConfig, _INSTALLED, True)
    atexit.register(_close_all)


def _new_session(endpoint: Any) -> Any:
    """A session as Rasa's `EndpointConfig.session` makes it, on a connector keeping idle
    connections `KEEP_SECONDS`."""
    import aiohttp
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT

    basic = endpoint.basic_auth
    return aiohttp.ClientSession(
        headers=endpoint.headers,
        auth=aiohttp.BasicAuth(basic["username"], basic["password"]) if basic else None,
        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
        connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_SECONDS),
    )


def _close_all() -> None:
    """Close the kept connections when the process ends (their sessions then count as closed)."""
    for _, kept in _SESSIONS.values():
        if kept.connector is not None:
            # The synchronous close: the loop is gone by now, and the public `close()` warns
            # that it was not awaited.
            kept.connector._close()
    _SESSIONS.clear()
