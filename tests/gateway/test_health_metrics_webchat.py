"""The gateway's other routes: health, metrics, and the local web chat it keeps serving."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine

from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.messages import Button, OutgoingMessage
from bot.notify.local_inbox import LocalInbox
from bot.webchat.sessions import TOKEN_HEADER
from tests.channels.telegram.fakes import (
    CHANNEL_TOKEN,
    FakeRasa,
    Gateway,
    callback_update,
    fast_limiter,
    message_update,
    running_gateway,
)


def series(page: str, name: str, **labels: str) -> float:
    """The value of one series of a Prometheus text page (0 when absent)."""
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    pattern = re.escape(name + ("{" + inner + "}" if labels else "")) + r" ([0-9.e+-]+)$"
    found = re.search(pattern, page, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


@pytest.fixture
async def web_only(rasa_url: str, sqlite_url: str) -> AsyncIterator[Gateway]:
    """The gateway with Telegram off (no token)."""
    settings = GatewaySettings(
        rasa_url=rasa_url,
        database_url=sqlite_url,
        rasa_timeout_seconds=1,
        rasa_channel_token=SecretStr(CHANNEL_TOKEN),
    )
    async with running_gateway(create_app(settings)) as served:
        yield served


async def test_metrics_count_messages_errors_and_latency(
    gateway: Gateway, fake_rasa: FakeRasa
) -> None:
    await gateway.post_update(message_update("một"))
    await gateway.post_update(callback_update("/affirm"))
    update = message_update("hai")
    await gateway.post_update(update)
    await gateway.post_update(update)
    await gateway.post_update(message_update("x"), secret="sai")
    fake_rasa.hang = True
    await gateway.post_update(message_update("ba"))

    response = await gateway.client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    page = response.text
    assert series(page, "helpdesk_gateway_messages_in_total", channel="telegram") == 4
    assert series(page, "helpdesk_gateway_messages_out_total", channel="telegram") == 4
    dropped = "helpdesk_gateway_updates_dropped_total"
    assert series(page, dropped, channel="telegram", reason="duplicate") == 1
    assert series(page, dropped, channel="telegram", reason="forbidden") == 1
    errors = "helpdesk_gateway_rasa_errors_total"
    assert series(page, errors, channel="telegram", reason="timeout") == 1
    assert series(page, "helpdesk_gateway_rasa_latency_seconds_count", channel="telegram") == 4
    assert "# TYPE helpdesk_gateway_rasa_latency_seconds histogram" in page
    assert 'le="+Inf"' in page


async def test_two_gateways_in_one_process_count_apart(
    gateway: Gateway, settings: GatewaySettings
) -> None:
    async with running_gateway(create_app(settings, rate_limiter=fast_limiter())) as other:
        await gateway.post_update(message_update("một"))
        theirs = (await other.client.get("/metrics")).text
    ours = (await gateway.client.get("/metrics")).text

    assert series(ours, "helpdesk_gateway_messages_in_total", channel="telegram") == 1
    assert series(theirs, "helpdesk_gateway_messages_in_total", channel="telegram") == 0
    assert "# TYPE helpdesk_gateway_messages_in_total counter" in theirs


async def test_the_web_chat_is_still_served_and_counted(
    web_only: Gateway, fake_rasa: FakeRasa, sqlite_url: str
) -> None:
    client = web_only.client
    session = (await client.post("/api/session")).json()
    sender = session["sender"]
    client.headers[TOKEN_HEADER] = session["token"]

    page = await client.get("/")
    answer = await client.post("/api/messages", json={"sender": sender, "text": "quên mk"})
    bad = await client.post("/api/messages", json={"sender": sender, "text": " "})
    engine = create_engine(sqlite_url, future=True)
    try:
        await LocalInbox(engine).send(sender, OutgoingMessage("Phiếu HT-1", (Button("A", "/a"),)))
    finally:
        engine.dispose()
    inbox = await client.get("/api/inbox", params={"sender": sender, "after": "0"})
    fake_rasa.hang = True
    late = await client.post("/api/messages", json={"sender": sender, "text": "chậm"})
    metrics = (await client.get("/metrics")).text
    health = await client.get("/health")

    assert page.status_code == 200 and "Trợ lý hỗ trợ phần mềm dùng chung" in page.text
    assert answer.status_code == 200
    assert answer.json()["messages"][0]["text"] == "Anh/chị hỏi: quên mk"
    assert fake_rasa.received[0] == {
        "sender": sender,
        "message": "quên mk",
        "metadata": {"channel": "local"},
    }
    assert bad.status_code == 400
    assert [m["text"] for m in inbox.json()["messages"]] == ["Phiếu HT-1"]
    assert late.status_code == 503
    assert series(metrics, "helpdesk_gateway_messages_in_total", channel="web") == 2
    assert series(metrics, "helpdesk_gateway_messages_out_total", channel="web") == 1
    assert (
        series(metrics, "helpdesk_gateway_rasa_errors_total", channel="web", reason="unavailable")
        == 1
    )
    assert health.json() == {"status": "ok", "telegram": "off", "zalo": "off"}


async def test_without_a_token_the_telegram_route_is_not_there(web_only: Gateway) -> None:
    response = await web_only.post_update(message_update("chào"))

    assert response.status_code == 404


async def test_one_rasa_client_serves_both_channels(
    settings: GatewaySettings, fake_rasa: FakeRasa, rasa_url: str
) -> None:
    seen: list[str] = []

    async def record(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content)["sender"])
        return httpx.Response(200, json=[{"text": "ok"}])

    shared = httpx.AsyncClient(transport=httpx.MockTransport(record), base_url="http://rasa")
    try:
        async with running_gateway(create_app(settings, rasa_http=shared)) as gateway:
            await gateway.post_update(message_update("telegram"))
            session = (await gateway.client.post("/api/session")).json()
            await gateway.client.post(
                "/api/messages",
                json={"sender": session["sender"], "text": "web"},
                headers={TOKEN_HEADER: session["token"]},
            )
    finally:
        await shared.aclose()

    assert seen == ["telegram-555", session["sender"]]
    assert fake_rasa.received == []
