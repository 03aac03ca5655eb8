"""The Rasa client's token: every message to Rasa's channel carries the one its settings hold."""

from __future__ import annotations

import asyncio
import importlib
import secrets
import sys
from importlib import util

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from bot.rasa import WEBHOOK, RasaClient, RasaUnavailable, http_to_rasa, skip_absent_sniffio
from bot.rasa_settings import RasaChannelSettings
from bot.replicas import Ring

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


def replicas_answering(
    seen: list[str], down: set[str], gone: type[httpx.TransportError] = httpx.ConnectError
) -> httpx.MockTransport:
    """Rasa replicas that say which one answered; those in `down` fail with `gone`."""

    def handler(request: httpx.Request) -> httpx.Response:
        replica = f"{request.url.scheme}://{request.url.netloc.decode()}"
        if replica in down:
            raise gone("connection refused or dropped", request=request)
        seen.append(replica)
        return httpx.Response(200, json=[{"text": replica}])

    return httpx.MockTransport(handler)


REPLICAS = ["http://rasa-0:5005", "http://rasa-1:5005", "http://rasa-2:5005"]


async def test_each_official_s_turns_go_to_one_replica_and_officials_spread_over_all() -> None:
    seen: list[str] = []
    async with httpx.AsyncClient(transport=replicas_answering(seen, set())) as http:
        client = RasaClient(http, token=TOKEN, replicas=REPLICAS)
        by_official = {}
        for number in range(30):
            answers = [await client.send(f"official-{number}", t) for t in ("chào", "cảm ơn")]
            assert answers[0] == answers[1]
            by_official[number] = answers[0][0]["text"]
    assert set(by_official.values()) == set(REPLICAS)


@pytest.mark.parametrize(
    "gone", [httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError]
)
async def test_a_replica_that_is_gone_hands_its_officials_to_the_next(
    gone: type[httpx.TransportError],
) -> None:
    seen: list[str] = []
    transport = replicas_answering(seen, {REPLICAS[0]}, gone)
    async with httpx.AsyncClient(transport=transport) as http:
        client = RasaClient(http, token=TOKEN, replicas=REPLICAS)
        ring = Ring(REPLICAS)
        owned = [s for s in (f"official-{n}" for n in range(60)) if ring.owner(s) == REPLICAS[0]]
        assert owned
        for sender in owned:
            (reply,) = await client.send(sender, "chào")
            assert reply["text"] in REPLICAS[1:]
    assert REPLICAS[0] not in seen


async def test_a_replica_that_times_out_is_not_asked_again_elsewhere() -> None:
    seen: list[str] = []
    owner = Ring(REPLICAS).owner("official-1")
    transport = replicas_answering(seen, {owner}, httpx.ReadTimeout)
    async with httpx.AsyncClient(transport=transport) as http:
        client = RasaClient(http, token=TOKEN, replicas=REPLICAS)
        with pytest.raises(RasaUnavailable):
            await client.send("official-1", "chào")
    assert seen == []


async def test_a_client_from_settings_with_replicas_routes_over_them() -> None:
    seen: list[str] = []
    settings = RasaChannelSettings(
        rasa_channel_token=SecretStr(TOKEN), rasa_urls=",".join(REPLICAS)
    )
    async with httpx.AsyncClient(transport=replicas_answering(seen, set())) as http:
        client = RasaClient.from_settings(settings, http)
        for number in range(30):
            await client.send(f"official-{number}", "chào")
    assert set(seen) == set(REPLICAS)


@pytest.mark.parametrize("listed", ["rasa-0:5005", f"{REPLICAS[0]},{REPLICAS[0]}"])
def test_replicas_that_are_not_addresses_or_repeat_are_refused_by_name(listed: str) -> None:
    with pytest.raises(ValidationError, match="rasa_urls"):
        RasaChannelSettings(rasa_channel_token=SecretStr(TOKEN), rasa_urls=listed)


def test_an_absent_sniffio_is_marked_absent_and_an_installed_one_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(sys.modules, "sniffio", raising=False)
    monkeypatch.setattr(util, "find_spec", lambda name: None)
    skip_absent_sniffio()
    assert sys.modules["sniffio"] is None
    with pytest.raises(ImportError):
        importlib.import_module("sniffio")  # at once: sys.path is not searched

    monkeypatch.delitem(sys.modules, "sniffio")
    monkeypatch.setattr(util, "find_spec", lambda name: object())
    skip_absent_sniffio()
    assert "sniffio" not in sys.modules


def held_until(
    gate: asyncio.Event, busy: dict[str, int], most: dict[str, int], full: asyncio.Event, when: int
) -> httpx.MockTransport:
    """Replicas that hold each turn until `gate` opens, counting the turns under way at each;
    `full` is set once `when` turns are under way in all."""

    async def handler(request: httpx.Request) -> httpx.Response:
        replica = request.url.netloc.decode()
        busy[replica] = busy.get(replica, 0) + 1
        most[replica] = max(most.get(replica, 0), busy[replica])
        if sum(busy.values()) >= when:
            full.set()
        await gate.wait()
        busy[replica] -= 1
        return httpx.Response(200, json=[{"text": replica}])

    return httpx.MockTransport(handler)


async def test_at_most_the_concurrency_of_turns_are_under_way_at_a_replica_and_the_rest_wait() -> (
    None
):
    gate, full = asyncio.Event(), asyncio.Event()
    busy: dict[str, int] = {}
    most: dict[str, int] = {}
    transport = held_until(gate, busy, most, full, when=2)
    async with httpx.AsyncClient(transport=transport, base_url="http://rasa") as http:
        client = RasaClient(http, token=TOKEN, concurrency=2)
        turns = [asyncio.create_task(client.send(f"official-{n}", "chào")) for n in range(6)]
        await full.wait()
        assert busy == {"rasa": 2}
        gate.set()
        answers = await asyncio.gather(*turns)
    assert answers == [[{"text": "rasa"}]] * 6
    assert most == {"rasa": 2}


async def test_each_replica_has_its_own_room_for_turns() -> None:
    gate, full = asyncio.Event(), asyncio.Event()
    busy: dict[str, int] = {}
    most: dict[str, int] = {}
    ring = Ring(REPLICAS[:2])
    senders = [
        next(s for s in (f"official-{n}" for n in range(60)) if ring.owner(s) == r)
        for r in REPLICAS[:2]
    ]
    async with httpx.AsyncClient(transport=held_until(gate, busy, most, full, when=2)) as http:
        client = RasaClient(http, token=TOKEN, replicas=REPLICAS[:2], concurrency=1)
        turns = [asyncio.create_task(client.send(sender, "chào")) for sender in senders]
        await full.wait()
        gate.set()
        await asyncio.gather(*turns)
    assert most == {"rasa-0:5005": 1, "rasa-1:5005": 1}


def test_a_concurrency_below_one_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="rasa_concurrency"):
        RasaChannelSettings(rasa_channel_token=SecretStr(TOKEN), rasa_concurrency=0)


def test_the_pool_to_rasa_keeps_alive_the_connections_its_turns_may_use() -> None:
    settings = RasaChannelSettings(
        rasa_channel_token=SecretStr(TOKEN), rasa_urls=",".join(REPLICAS), rasa_concurrency=3
    )
    http = http_to_rasa(settings)
    pool = http._transport._pool  # type: ignore[attr-defined]
    assert (pool._max_connections, pool._max_keepalive_connections) == (9, 9)
