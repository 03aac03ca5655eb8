"""Pass an official's message to the Rasa server's REST channel, with the channel's metadata.

Why it looks like this:
- Every channel shares one httpx client (one connection pool to Rasa), passed in by the app.
- A call has one deadline for the whole exchange, not only per read: a Rasa server waiting on a
  hung action server must not keep an official waiting longer than the gateway promised. Past
  the deadline the call is abandoned and the caller apologises; the next message simply tries
  again, so there is nothing to reset when Rasa is back.
- Metadata carries what the actions read off the message (`channel`, the official's `name`).
- Each official who writes is recorded in the audience of trainers' announcements here, the one
  place every channel's messages pass through.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from typing import Any

import httpx

from bot.announce.audience import Audience
from bot.chat.rasa_client import RasaUnavailable
from bot.gateway.metrics import Metrics

__all__ = ["RasaSender", "RasaUnavailable"]

WEBHOOK = "/webhooks/rest/webhook"


class RasaSender:
    """Sends messages to Rasa's REST channel on a shared client, within `timeout` seconds."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        timeout: float,
        metrics: Metrics,
        audience: Audience | None = None,
    ) -> None:
        """Use `http` (base URL: the Rasa server); give up after `timeout`; count in `metrics`.

        Senders are recorded in `audience`, if given.
        """
        if timeout <= 0:
            raise ValueError("timeout must be more than 0")
        self._http = http
        self._timeout = timeout
        self._metrics = metrics
        self._audience = audience

    async def send(
        self, sender: str, text: str, metadata: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """The assistant's messages in reply to `text`; `RasaUnavailable` when there are none."""
        channel = str(metadata.get("channel", "unknown"))
        body = {"sender": sender, "message": text, "metadata": dict(metadata)}
        if self._audience is not None:
            await self._audience.seen(channel, sender)
        started = time.monotonic()
        try:
            response = await asyncio.wait_for(
                self._http.post(WEBHOOK, json=body, timeout=self._timeout), self._timeout
            )
        except (asyncio.TimeoutError, httpx.TimeoutException) as error:
            self._failed(channel, "timeout", started)
            raise RasaUnavailable("Rasa did not answer in time") from error
        except httpx.HTTPError as error:
            self._failed(channel, "connection", started)
            raise RasaUnavailable(f"Rasa could not be reached ({type(error).__name__})") from error
        self._metrics.rasa_latency(channel, time.monotonic() - started)
        if response.status_code != 200:
            self._metrics.rasa_error(channel, "status")
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        try:
            messages = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            self._metrics.rasa_error(channel, "invalid")
            raise RasaUnavailable("Rasa answered something that is not JSON") from error
        if not isinstance(messages, list):
            self._metrics.rasa_error(channel, "invalid")
            raise RasaUnavailable("Rasa answered something that is not a list of messages")
        return [m for m in messages if isinstance(m, dict)]

    def _failed(self, channel: str, reason: str, started: float) -> None:
        self._metrics.rasa_latency(channel, time.monotonic() - started)
        self._metrics.rasa_error(channel, reason)
