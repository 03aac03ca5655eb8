"""Rasa's REST channel as credentials.yml gives it to the Rasa server: nothing processed for a
caller without the channel's token.

The channel's blueprint is served by a real Sanic server on 127.0.0.1, as Rasa registers it
(`/webhooks/rest`), with a stand-in for Rasa's `on_new_message` that records each message and
answers it: a refused request must never reach it.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import RasaException
from sanic import Sanic

from bot.assistant.processes import free_port
from bot.assistant.rasa_channel import TokenRestInput
from bot.rasa import MAX_BODY, WEBHOOK, RasaClient, channel_headers
from bot.settings import RASA_CHANNEL_TOKEN

TOKEN = secrets.token_urlsafe(32)
MESSAGE = {"sender": "official-1", "message": "quên mật khẩu", "metadata": {"channel": "web"}}


class Recorded:
    """The messages the channel passed on to the assistant."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []

    async def on_new_message(self, message: UserMessage) -> None:
        self.messages.append(message)
        await message.output_channel.send_text_message(
            message.sender_id, f"đã nhận: {message.text}"
        )


@pytest.fixture(scope="module")
def channel_server() -> Iterator[tuple[str, Recorded]]:
    """The channel on a real server, in a thread of its own: its base URL, what reached the
    assistant. One per module: Sanic 21.12 rewrites its own HTTP code the first time an app
    starts, and a second app in the same process fails to start."""
    recorded = Recorded()
    app = Sanic("token-channel")
    app.config.MOTD = False
    channel = TokenRestInput.from_credentials({"token": TOKEN})
    app.blueprint(channel.blueprint(recorded.on_new_message), url_prefix="/webhooks/rest")
    port = free_port()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    # Sanic's AsyncioServer is untyped: Any here keeps its calls out of mypy's way.
    async def start() -> Any:
        server: Any = await app.create_server(
            host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
        )
        assert server is not None
        await server.startup()
        await server.start_serving()
        return server

    async def stop(server: Any) -> None:
        closing = server.close()
        if closing is not None:
            await closing

    server = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    try:
        yield f"http://127.0.0.1:{port}", recorded
    finally:
        asyncio.run_coroutine_threadsafe(stop(server), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()


@pytest.fixture
def served(channel_server: tuple[str, Recorded]) -> tuple[str, Recorded]:
    """The channel's server, nothing recorded yet."""
    channel_server[1].messages.clear()
    return channel_server


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": ""}, 401),
        ({"Authorization": "Bearer"}, 403),
        ({"Authorization": f"Bearer {TOKEN[:-1]}"}, 403),
        ({"Authorization": f"Bearer {TOKEN}x"}, 403),
        ({"Authorization": TOKEN}, 403),
        ({"Authorization": f"Basic {TOKEN}"}, 403),
        ({"Authorization": f"Bearer {secrets.token_urlsafe(32)}"}, 403),
    ],
    ids=["none", "empty", "no-token", "shorter", "longer", "no-scheme", "basic", "another"],
)
async def test_a_message_without_the_right_token_is_refused_and_never_processed(
    served: tuple[str, Recorded], headers: dict[str, str], status: int
) -> None:
    url, recorded = served
    async with httpx.AsyncClient(base_url=url) as http:
        refused = await http.post(WEBHOOK, json=MESSAGE, headers=headers)
    assert refused.status_code == status
    assert TOKEN not in refused.text
    assert recorded.messages == []


async def test_after_a_refusal_the_next_request_on_the_same_client_is_answered(
    served: tuple[str, Recorded],
) -> None:
    url, recorded = served
    async with httpx.AsyncClient(base_url=url) as http:
        refused = await http.post(WEBHOOK, json=MESSAGE)
        # The refusal closes its connection and says so, so the client opens a new one.
        assert refused.headers["connection"] == "close"
        answer = await http.post(WEBHOOK, json=MESSAGE, headers=channel_headers(TOKEN))
    assert (refused.status_code, answer.status_code) == (401, 200)
    assert len(recorded.messages) == 1


async def test_a_message_with_the_token_is_processed_as_rasas_rest_channel_does(
    served: tuple[str, Recorded],
) -> None:
    url, recorded = served
    async with httpx.AsyncClient(base_url=url) as http:
        answer = await http.post(WEBHOOK, json=MESSAGE, headers=channel_headers(TOKEN))
    assert answer.status_code == 200
    assert answer.json() == [{"recipient_id": "official-1", "text": "đã nhận: quên mật khẩu"}]
    (message,) = recorded.messages
    assert (message.sender_id, message.text) == ("official-1", "quên mật khẩu")
    assert (message.input_channel, message.metadata) == ("rest", {"channel": "web"})


async def test_the_projects_rasa_client_is_answered(served: tuple[str, Recorded]) -> None:
    url, recorded = served
    async with httpx.AsyncClient(base_url=url) as http:
        replies = await RasaClient(http, token=TOKEN).send("official-2", "xin chào")
    assert replies == [{"recipient_id": "official-2", "text": "đã nhận: xin chào"}]
    assert [m.sender_id for m in recorded.messages] == ["official-2"]


async def test_a_body_over_the_limit_is_refused_before_it_is_read(
    served: tuple[str, Recorded],
) -> None:
    url, recorded = served
    declared = {**channel_headers(TOKEN), "Content-Length": str(MAX_BODY + 1)}
    # Only the headers are sent: an answer at all shows the body was never waited for.
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=5) as sock:
        head = f"POST {WEBHOOK} HTTP/1.1\r\nHost: x\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in declared.items())
        sock.sendall(f"{head}Content-Type: application/json\r\n\r\n".encode())
        assert sock.recv(4096).startswith(b"HTTP/1.1 413 ")
    assert recorded.messages == []


async def test_a_chunked_body_is_cut_off_at_the_limit(served: tuple[str, Recorded]) -> None:
    url, recorded = served

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"sender": "official-3", "message": "'
        for _ in range(MAX_BODY // 1024 + 1):
            yield b"a" * 1024
        yield b'"}'

    async with httpx.AsyncClient(base_url=url) as http:
        refused = await http.post(WEBHOOK, content=chunks(), headers=channel_headers(TOKEN))
    assert refused.status_code == 413
    assert recorded.messages == []


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'{"text": "\\ud83d"}'])
async def test_a_body_that_is_not_a_json_object_is_refused(
    served: tuple[str, Recorded], body: bytes
) -> None:
    url, recorded = served
    async with httpx.AsyncClient(base_url=url) as http:
        refused = await http.post(WEBHOOK, content=body, headers=channel_headers(TOKEN))
    assert refused.status_code == 400
    assert recorded.messages == []


async def test_the_health_check_needs_no_token(served: tuple[str, Recorded]) -> None:
    url, _ = served
    async with httpx.AsyncClient(base_url=url) as http:
        assert (await http.get("/webhooks/rest/")).json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("credentials", "reason"),
    [(None, "chưa được đặt"), ({"token": ""}, "chưa được đặt"), ({"token": "t" * 31}, "quá ngắn")],
    ids=["no-credentials", "blank", "short"],
)
def test_the_channel_refuses_to_start_on_a_missing_or_short_token(
    credentials: dict[str, str] | None, reason: str
) -> None:
    with pytest.raises(RasaException, match=f"^{RASA_CHANNEL_TOKEN}: {reason}"):
        TokenRestInput.from_credentials(credentials)


@pytest.fixture
def channel_token(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv(RASA_CHANNEL_TOKEN, TOKEN)
    yield TOKEN


def test_credentials_yml_names_this_channel_with_the_token_from_the_environment(
    root: Path, channel_token: str
) -> None:
    from rasa.core.run import create_http_input_channels

    (channel,) = create_http_input_channels(None, str(root / "credentials.yml"))
    assert isinstance(channel, TokenRestInput)
    # Rasa registers each channel under /webhooks/<url_prefix>: the client's WEBHOOK.
    assert f"/webhooks/{channel.url_prefix()}/webhook" == WEBHOOK
    assert channel.blueprint(Recorded().on_new_message) is not None
