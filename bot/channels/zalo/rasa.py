"""Turns from Zalo to Rasa's REST channel, with the metadata that names the channel.

`bot.chat.rasa_client.RasaClient` sends no metadata, and the ticket actions read the channel
from the message's metadata (`actions.conversation.channel_of`), so this sender adds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import httpx

from bot.chat.rasa_client import RasaUnavailable

__all__ = ["RasaSender", "RasaUnavailable", "Sender"]


class Sender(Protocol):
    """What passes a turn to Rasa: this module's sender, or the gateway's shared one."""

    async def send(
        self, sender: str, text: str, metadata: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """The assistant's replies to `text` from `sender`; RasaUnavailable if none came."""


class RasaSender:
    """Posts `{sender, message, metadata}` to `/webhooks/rest/webhook` on one httpx client."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        """Use `http`, whose base URL is the Rasa server's and whose timeout bounds a turn."""
        self._http = http

    async def send(
        self, sender: str, text: str, metadata: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """The assistant's replies to `text` from `sender`; RasaUnavailable if none came."""
        body = {"sender": sender, "message": text, "metadata": dict(metadata)}
        try:
            response = await self._http.post("/webhooks/rest/webhook", json=body)
        except httpx.HTTPError as error:
            raise RasaUnavailable(type(error).__name__) from None
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        try:
            replies = response.json()
        except ValueError:
            raise RasaUnavailable("Rasa answered something that is not JSON") from None
        if not isinstance(replies, list):
            raise RasaUnavailable("Rasa answered something that is not a list of messages")
        return [reply for reply in replies if isinstance(reply, dict)]
