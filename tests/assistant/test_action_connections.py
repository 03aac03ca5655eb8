"""Rasa's calls to the action server go over kept-alive connections, with Rasa's headers."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from rasa.utils.endpoints import EndpointConfig

from bot.assistant import action_connections
from tests.support.action_app import action_app

ANSWER = b'{"events": [], "responses": []}'


@dataclass
class Server:
    """A plain HTTP/1.1 server on loopback answering every POST with an empty action result."""

    port: int = 0
    connections: int = 0
    heads: list[bytes] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.heads.append(head)
                length = re.search(rb"(?i)content-length: *(\d+)", head)
                await reader.readexactly(int(length[1]) if length else 0)
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(ANSWER), ANSWER)
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    found = Server()
    listening = await asyncio.start_server(found.handle, "127.0.0.1", 0)
    found.port = listening.sockets[0].getsockname()[1]
    async with listening:
        yield found
    action_connections._close_all()


async def test_action_calls_share_one_kept_connection_with_rasa_s_headers(
    server: Server,
) -> None:
    action_connections.install()
    endpoint = EndpointConfig(
        f"http://127.0.0.1:{server.port}/webhook", headers={"Authorization": "Bearer t0ken"}
    )
    for name in ("action_answer_article", "action_clarify", "action_answer_article"):
        answer = await endpoint.request(json={"next_action": name}, method="post", timeout=10)
        assert answer == {"events": [], "responses": []}
    assert server.connections == 1
    assert len(server.heads) == 3
    assert all(b"Authorization: Bearer t0ken" in head for head in server.heads)


def test_the_action_server_keeps_a_connection_longer_than_rasa_does() -> None:
    assert action_app().config.KEEP_ALIVE_TIMEOUT > action_connections.KEEP_SECONDS
