"""Rasa's REST channel behind a token: what `credentials.yml` gives the Rasa server.

Why it looks like this:
- Rasa's own `rest` channel takes a message for whatever sender id the body names, and Rasa's
  `--auth-token` guards only its HTTP API, not the channels: anyone on the machine could talk
  as any official and ask for their tickets. This one answers only a request whose
  `Authorization: Bearer` is HELPDESK_RASA_CHANNEL_TOKEN (`bot.rasa.channel_headers`, which
  `RasaClient` sends), compared in constant time: 401 without it, 403 with another.
- Its name stays "rest", so the URL stays `/webhooks/rest/webhook` (`bot.rasa.WEBHOOK`) and the
  conversations keep their input channel; the wire format is RestInput's, less its
  `?stream=true`, which no caller of ours uses (the replies come as one JSON list).
- The route streams (`stream=True`): Sanic would otherwise read the whole body, up to 100 MB,
  before any check. The token is checked before a byte of it is read, a declared length over
  `bot.rasa.MAX_BODY` is refused at once and a body sent in chunks as soon as it passes it;
  a refused body is never read, the connection is closed instead (and the answer says so).
- The token comes in through `credentials.yml` (`token: ${HELPDESK_RASA_CHANNEL_TOKEN}`, which
  Rasa fills in from the environment); a short or missing one stops the server.
"""

from __future__ import annotations

import hmac
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.bodies import NotJson, json_of
from bot.rasa import MAX_BODY, channel_headers
from bot.settings import MIN_SECRET, RASA_CHANNEL_TOKEN, say
from bot.texts import texts

log = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class TokenRestInput(RestInput):  # type: ignore[misc]  # Rasa ships no type information
    """RestInput that answers only a caller with the channel's token."""

    @classmethod
    def name(cls) -> str:
        """Rasa's own name, "rest": the same URL, and the same input channel in conversations."""
        return "rest"

    def __init__(self, token: str) -> None:
        """Answer only requests carrying `token`; refused if shorter than any secret of ours."""
        if len(token) < MIN_SECRET:
            problem = "problems.short_secret" if token else "pydantic.missing"
            reason = say(problem, length=MIN_SECRET)
            raise RasaException(f"{RASA_CHANNEL_TOKEN}: {reason}")
        self._expected = channel_headers(token)["Authorization"].encode()

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """The channel of `credentials.yml`'s `token`."""
        token = (credentials or {}).get("token")
        return cls(token if isinstance(token, str) else "")

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """RestInput's routes (`/` and `/webhook`), the webhook behind the token."""
        words = texts("bot.assistant").section("channel")
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        def refusal(key: str, status: int, request: Request) -> HTTPResponse:
            # The body stays unread: Sanic would otherwise read it all to reuse the connection.
            # So the connection closes, and the answer says so ("Connection: close"): a client
            # told "keep-alive" would send its next request on a socket about to close.
            if request.stream is not None:
                request.stream.request_max_size = 0
                request.stream.keep_alive = False
            return response.json({"error": words[key]}, status=status)

        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def receive(request: Request) -> HTTPResponse:
            presented = request.headers.get("Authorization", "")
            if not presented:
                return refusal("no_token", 401, request)
            # Compared in constant time: how long a refusal takes says nothing of the token.
            if not hmac.compare_digest(presented.encode("utf-8", "replace"), self._expected):
                return refusal("wrong_token", 403, request)
            declared = request.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > MAX_BODY:
                return refusal("too_large", 413, request)
            body = bytearray()
            if request.stream is not None:
                async for chunk in request.stream:
                    body += chunk
                    if len(body) > MAX_BODY:
                        return refusal("too_large", 413, request)
            try:
                found = json_of(bytes(body))
            except NotJson:
                found = None
            if not isinstance(found, dict):
                return refusal("not_json", 400, request)
            # RestInput reads the message off `request.json`, which parses this.
            request.body = bytes(body)
            return await self._answer(request, on_new_message)

        # add_route, not the decorator, which Sanic leaves untyped.
        webhook.add_route(health, "/", methods=["GET"])
        webhook.add_route(receive, "/webhook", methods=["POST"], stream=True)
        return webhook

    async def _answer(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        """RestInput's own handling of a message once its body is read (rasa/core/channels/rest.py
        `receive`, not streamed): the replies as one JSON list."""
        sender_id = await self._extract_sender(request)
        text = self._extract_message(request)
        input_channel = self._extract_input_channel(request)
        metadata = self.get_metadata(request)
        # As RestInput: a turn that fails still answers, with the replies it had, and the text,
        # which may hold a phone number, is not logged.
        collector = CollectingOutputChannel()
        try:
            await on_new_message(
                UserMessage(
                    text, collector, sender_id, input_channel=input_channel, metadata=metadata
                )
            )
        except CancelledError:
            log.error("The message of %s timed out", sender_id)
        except Exception:
            log.exception("The message of %s failed", sender_id)
        return response.json(collector.messages)
