"""The one client of the Rasa server's REST channel: a message in, the assistant's replies out.

Why it looks like this:
- Every caller (the gateway's channels, the web chat, the terminal chat) shares this class and
  passes in its httpx client, so one process keeps one connection pool to Rasa.
- A call has one deadline for the whole exchange, not only per read: a Rasa server waiting on a
  hung action server must not keep an official waiting longer than promised. Past the deadline
  the call is abandoned and the caller apologises; the next message simply tries again, so
  there is nothing to reset when Rasa is back.
- Metadata carries what the actions read off the message (`channel`, the official's `name`).
- `before_send` lets the gateway record each official who writes (announcements' audience),
  and answer itself a message that belongs to the staff handling the official's ticket
  (`bot/gateway/handling.py`), without this base module knowing about either.
- Every call carries HELPDESK_RASA_CHANNEL_TOKEN (`Authorization: Bearer`): the channel
  (`bot/assistant/rasa_channel.py`) takes a message for whatever sender id it names, so it
  answers only the assistant's own processes. `from_settings` is how a chat builds its client.
- httpcore looks for sniffio on every request; where it is not installed, that failed import
  is made cheap once, at import (`skip_absent_sniffio`).
- At most `concurrency` turns go to one replica at a time, the rest wait here, and the pool
  keeps that many connections alive (`http_to_rasa`): httpcore scans its whole pool, each
  connection against the others, for every request and response, and with a connection per
  official writing (50 at a training day) that scan and the connections opened and closed
  again cost the gateway more than the rest of a message. A replica's cores gain nothing from
  more turns at once than that; they only wait there instead of here.
- `as_typed` is the one rule for typed text on channels whose buttons come back server-side
  (the web chat, Zalo): Rasa would take a leading "/" as an intent the official names.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

import httpx

from bot.metrics import Metrics
from bot.rasa_settings import AssistantSettings, RasaChannelSettings
from bot.replicas import Ring

WEBHOOK = "/webhooks/rest/webhook"
# The longest message passed on to Rasa; the channels refuse longer ones politely.
MAX_MESSAGE = 4000
# The largest body Rasa's channel reads: MAX_MESSAGE characters JSON-escaped (up to 12 bytes
# each, an escaped surrogate pair), with room for the sender id and the metadata.
MAX_BODY = 64 * 1024
# Rasa reads a message whose text starts with this (after spaces) as an intent named directly,
# with entities: "/request_human", "/kb_x{...}". Only the project's own buttons may send one.
INTENT_PREFIX = "/"


def as_typed(text: str) -> str:
    """`text` as words an official typed, never an intent: leading "/" (and spaces) dropped.

    Dropped rather than refused: the web chat and Zalo have no commands, so a leading slash is a
    slip or an attempt, and the words after it are still answered as any question would be.
    Rasa strips the text before it looks for the prefix, so the same spaces are stripped here.
    """
    typed = text.lstrip()
    if not typed.startswith(INTENT_PREFIX):
        return text
    while typed.startswith(INTENT_PREFIX):
        typed = typed[len(INTENT_PREFIX) :].lstrip()
    return typed


def channel_headers(token: str) -> dict[str, str]:
    """What every message to Rasa's channel carries: the channel's token."""
    return {"Authorization": f"Bearer {token}"}


def skip_absent_sniffio() -> None:
    """Let httpcore's `import sniffio` fail at once when sniffio is not installed.

    httpcore imports it afresh for each lock and event it sets up, several per request; absent
    (it is not in requirements.lock), each try searched every folder of sys.path again, a good
    part of the gateway's CPU per message. A None in sys.modules is Python's own mark of a
    module known to be absent: the import fails at once, and httpcore goes on with asyncio as
    it did. Installed, sniffio is left alone.
    """
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]  # Python's "absent" mark


skip_absent_sniffio()

# What a replica that stopped or died answers: nothing, on a new or on a kept-alive connection.
_GONE = (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)

# Called with channel, sender and text before a message goes to Rasa; what it returns, if not
# None, answers the message instead (the gateway's `Officials.seen`).
BeforeSend = Callable[[str, str, str], Awaitable[list[dict[str, Any]] | None]]


class RasaUnavailable(Exception):
    """The Rasa server did not answer in time or answered with an error."""


class Sender(Protocol):
    """What passes an official's turn to Rasa (a `RasaClient`, or a test's stand-in)."""

    async def send(
        self, sender: str, text: str, metadata: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """The assistant's replies to `text` from `sender`; RasaUnavailable if none came."""


class RasaClient:
    """Sends messages to Rasa's REST channel on a shared client, within `timeout` seconds."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        timeout: float = 30.0,
        metrics: Metrics | None = None,
        before_send: BeforeSend | None = None,
        *,
        token: str | None = None,
        replicas: Sequence[str] = (),
        concurrency: int | None = None,
    ) -> None:
        """Use `http` (base URL: the Rasa server); give up after `timeout`; count in `metrics`.

        `before_send(channel, sender, text)`, if given, is awaited before each message goes
        out; messages it returns are the answer instead, and the message never reaches Rasa.
        `token` is the channel's (HELPDESK_RASA_CHANNEL_TOKEN), sent with every message; the
        real channel refuses a client without it, only a test's stand-in of Rasa does not ask.
        With `replicas` (their base URLs), each sender's turns go to one of them (bot.replicas);
        without, to `http`'s base URL. With `concurrency`, at most that many turns are under
        way at one replica at a time.
        """
        if timeout <= 0:
            raise ValueError("timeout must be more than 0")
        if concurrency is not None and concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._http = http
        self._headers = channel_headers(token) if token is not None else {}
        self._timeout = timeout
        self._metrics = metrics
        self._before_send = before_send
        self._ring = Ring(replicas) if replicas else None
        self._concurrency = concurrency
        self._turns: dict[str, asyncio.Semaphore] = {}

    @classmethod
    def from_settings(
        cls,
        settings: RasaChannelSettings,
        http: httpx.AsyncClient,
        metrics: Metrics | None = None,
        before_send: BeforeSend | None = None,
    ) -> RasaClient:
        """The client of a chat configured by `settings`: their wait, their channel token."""
        token = settings.rasa_channel_token.get_secret_value()
        timeout = settings.rasa_timeout_seconds
        replicas = settings.replicas
        concurrency = settings.rasa_concurrency
        return cls(
            http,
            timeout,
            metrics,
            before_send,
            token=token,
            replicas=replicas,
            concurrency=concurrency,
        )

    async def send(
        self, sender: str, text: str, metadata: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """The assistant's messages in reply to `text`; `RasaUnavailable` when there are none."""
        metadata = dict(metadata or {})
        channel = str(metadata.get("channel", "unknown"))
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        if self._before_send is not None:
            answered = await self._before_send(channel, sender, text)
            if answered is not None:
                return answered
        started = time.monotonic()
        try:
            response = await asyncio.wait_for(self._post(sender, body, channel), self._timeout)
        except (asyncio.TimeoutError, httpx.TimeoutException) as error:
            self._failed(channel, "timeout", started)
            raise RasaUnavailable("Rasa did not answer in time") from error
        except httpx.HTTPError as error:
            self._failed(channel, "connection", started)
            raise RasaUnavailable(f"Rasa could not be reached ({type(error).__name__})") from error
        if self._metrics is not None:
            self._metrics.rasa_latency(channel, time.monotonic() - started)
        if response.status_code != 200:
            self._error(channel, "status")
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        try:
            messages = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            self._error(channel, "invalid")
            raise RasaUnavailable("Rasa answered something that is not JSON") from error
        if not isinstance(messages, list):
            self._error(channel, "invalid")
            raise RasaUnavailable("Rasa answered something that is not a list of messages")
        return [m for m in messages if isinstance(m, dict)]

    async def _post(self, sender: str, body: dict[str, Any], channel: str) -> httpx.Response:
        """Post to the replica that owns `sender`, or to the next one while one is unreachable.

        Only a replica that is gone moves on: a refused connection, or a kept-alive one it
        dropped (it was killed): the turn was not taken, or at worst not answered, and its
        conversation is in the shared tracker store for the next one. A timeout does not: the
        turn may be under way there, and sending it again could answer it twice.
        """
        if self._ring is None:
            return await self._post_to("", body)
        *fallbacks, last = self._ring.order(sender)
        for url in fallbacks:
            try:
                return await self._post_to(url, body)
            except _GONE:
                self._error(channel, "moved")
        return await self._post_to(last, body)

    async def _post_to(self, url: str, body: dict[str, Any]) -> httpx.Response:
        """Post to the replica at `url` ("": the client's base URL) when it has room."""
        options: dict[str, Any] = {"json": body, "headers": self._headers}
        async with self._room(url):
            return await self._http.post(url + WEBHOOK, timeout=self._timeout, **options)

    def _room(self, url: str) -> AbstractAsyncContextManager[Any]:
        """What a turn to the replica at `url` waits on: its share of `concurrency`, if any."""
        if self._concurrency is None:
            return contextlib.nullcontext()
        turns = self._turns.get(url)
        if turns is None:
            turns = self._turns[url] = asyncio.Semaphore(self._concurrency)
        return turns

    def _failed(self, channel: str, reason: str, started: float) -> None:
        if self._metrics is not None:
            self._metrics.rasa_latency(channel, time.monotonic() - started)
        self._error(channel, reason)

    def _error(self, channel: str, reason: str) -> None:
        if self._metrics is not None:
            self._metrics.rasa_error(channel, reason)


def http_to_rasa(settings: AssistantSettings) -> httpx.AsyncClient:
    """The HTTP client a process talks to Rasa on: its base URL and wait, and a pool that keeps
    as many connections alive as `RasaClient` lets turns be under way (`rasa_concurrency` a
    replica)."""
    connections = settings.rasa_concurrency * max(1, len(settings.replicas))
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(
        base_url=settings.rasa_url, timeout=settings.rasa_timeout_seconds, limits=limits
    )
