"""Send a message to the Rasa server's REST channel and get its replies."""

from __future__ import annotations

from typing import Any

import httpx

MAX_MESSAGE = 4000


class RasaUnavailable(Exception):
    """The Rasa server did not answer in time or answered with an error."""


class RasaClient:
    """A client of the REST channel (`/webhooks/rest/webhook`) on one shared httpx client."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        """Use `http`, whose base URL is the Rasa server's."""
        self._http = http

    async def send(self, sender: str, text: str) -> list[dict[str, Any]]:
        """The assistant's messages in reply to `text` from `sender`."""
        try:
            response = await self._http.post(
                "/webhooks/rest/webhook", json={"sender": sender, "message": text}
            )
        except httpx.HTTPError as error:
            raise RasaUnavailable(str(error)) from error
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        messages = response.json()
        if not isinstance(messages, list):
            raise RasaUnavailable("Rasa answered something that is not a list of messages")
        return [m for m in messages if isinstance(m, dict)]
