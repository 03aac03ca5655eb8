"""The Rasa client's token: every message to Rasa's channel carries the one its settings hold."""

from __future__ import annotations

import secrets

import httpx
from pydantic import SecretStr

from bot.rasa import WEBHOOK, RasaClient
from bot.settings import RasaChannelSettings

TOKEN = secrets.token_urlsafe(32)


def recording(seen: list[httpx.Request]) -> httpx.MockTransport:
    """A stand-in for Rasa's channel that keeps each request and answers one message."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[{"text": "Xin chào"}])

    return httpx.MockTransport(handler)


async def test_every_message_carries_the_channel_token_as_a_bearer() -> None:
    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=recording(seen), base_url="http://rasa") as http:
        client = RasaClient(http, token=TOKEN)
        for text in ("chào", "quên mật khẩu"):
            assert await client.send("official-1", text) == [{"text": "Xin chào"}]
    assert [request.url.path for request in seen] == [WEBHOOK, WEBHOOK]
    assert [request.headers["Authorization"] for request in seen] == [f"Bearer {TOKEN}"] * 2


async def test_a_client_from_settings_sends_their_token_and_keeps_their_wait() -> None:
    seen: list[httpx.Request] = []
    settings = RasaChannelSettings(rasa_channel_token=SecretStr(TOKEN), rasa_timeout_seconds=3)
    async with httpx.AsyncClient(transport=recording(seen), base_url="http://rasa") as http:
        await RasaClient.from_settings(settings, http).send("official-2", "chào")
    (request,) = seen
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.extensions["timeout"]["read"] == 3


async def test_a_client_without_a_token_sends_no_authorization_header() -> None:
    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=recording(seen), base_url="http://rasa") as http:
        await RasaClient(http).send("official-3", "chào")
    assert "Authorization" not in seen[0].headers
