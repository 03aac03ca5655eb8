"""The gateway's Zalo webhook, over real HTTP, against a fake Zalo and a fake Rasa."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta

import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from bot.announce.audience import Audience
from bot.channels.zalo.settings import ZaloSettings
from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.store.contacts import Contacts
from bot.store.database import make_engine
from bot.store.kept_notices import SENT, WAITING, KeptNotices
from tests.channels.telegram.fakes import (
    CHANNEL_TOKEN,
    FakeRasa,
    Gateway,
    eventually,
    running_gateway,
)
from tests.channels.zalo.conftest import USER, settings_for, signed, text_event
from tests.channels.zalo.fake_zalo import FakeZalo, served


@pytest.fixture
def fake_zalo() -> FakeZalo:
    """A fake Zalo OA API, not yet served."""
    return FakeZalo()


@pytest.fixture
def zalo(fake_zalo: FakeZalo) -> Iterator[ZaloSettings]:
    """Zalo settings pointing at the served fake."""
    with served(fake_zalo) as url:
        yield settings_for(fake_zalo, url)


@pytest.fixture
async def gateway(rasa_url: str, sqlite_url: str, zalo: ZaloSettings) -> AsyncIterator[Gateway]:
    """The gateway with Zalo on (Telegram off), served on a free port."""
    settings = GatewaySettings(
        rasa_url=rasa_url,
        rasa_timeout_seconds=2.0,
        database_url=sqlite_url,
        rasa_channel_token=SecretStr(CHANNEL_TOKEN),
    )
    app: Starlette = create_app(settings, zalo=zalo)
    async with running_gateway(app) as running:
        yield running


async def test_a_signed_text_is_answered_on_zalo_with_the_channel_named_to_rasa(
    gateway: Gateway, fake_rasa: FakeRasa, fake_zalo: FakeZalo
) -> None:
    raw, signature = signed(text_event("lam sao doi mk", "msg-1"))

    response = await gateway.client.post(
        "/zalo", content=raw, headers={"X-ZEvent-Signature": signature}
    )

    assert response.status_code == 200
    await eventually(lambda: bool(fake_zalo.texts_to(USER)))
    assert fake_rasa.received[0]["message"] == "lam sao doi mk"
    assert fake_rasa.received[0]["metadata"] == {"channel": "zalo"}
    answer = fake_zalo.texts_to(USER)[0]
    assert "Anh/chị hỏi: lam sao doi mk" in answer
    assert "1. Tạo phiếu hỗ trợ" in answer


async def test_a_redelivered_event_is_answered_once(
    gateway: Gateway, fake_rasa: FakeRasa, fake_zalo: FakeZalo
) -> None:
    raw, signature = signed(text_event("xin chào", "msg-twice"))
    headers = {"X-ZEvent-Signature": signature}

    first = await gateway.client.post("/zalo", content=raw, headers=headers)
    await eventually(lambda: bool(fake_zalo.texts_to(USER)))
    second = await gateway.client.post("/zalo", content=raw, headers=headers)
    await gateway.app.state.zalo.webhook.drain()

    assert (first.status_code, second.status_code) == (200, 200)
    assert len(fake_rasa.received) == 1
    assert len(fake_zalo.texts_to(USER)) == 1


@pytest.mark.parametrize(
    ("secret", "header", "status", "reason"),
    [("a-forged-secret", True, 403, "forbidden"), ("oa-secret-for-tests", False, 401, "unsigned")],
)
async def test_forged_or_unsigned_events_are_refused_and_not_processed(
    gateway: Gateway,
    fake_rasa: FakeRasa,
    fake_zalo: FakeZalo,
    secret: str,
    header: bool,
    status: int,
    reason: str,
) -> None:
    raw, signature = signed(text_event("xin chào", "msg-forged"), secret=secret)
    headers = {"X-ZEvent-Signature": signature} if header else {}

    response = await gateway.client.post("/zalo", content=raw, headers=headers)
    await gateway.app.state.zalo.webhook.drain()

    assert response.status_code == status
    assert fake_rasa.received == []
    assert fake_zalo.texts_to(USER) == []
    metrics = (await gateway.client.get("/metrics")).text
    assert f'updates_dropped_total{{channel="zalo",reason="{reason}"}} 1' in metrics


async def test_health_says_zalo_is_on(gateway: Gateway) -> None:
    health = (await gateway.client.get("/health")).json()

    assert health["zalo"] == "ready"
    assert health["telegram"] == "off"


async def test_without_zalo_settings_the_route_is_not_found(rasa_url: str, sqlite_url: str) -> None:
    settings = GatewaySettings(
        rasa_url=rasa_url, database_url=sqlite_url, rasa_channel_token=SecretStr(CHANNEL_TOKEN)
    )
    async with running_gateway(create_app(settings)) as running:
        raw, signature = signed(text_event("xin chào", "msg-off"))
        response = await running.client.post(
            "/zalo", content=raw, headers={"X-ZEvent-Signature": signature}
        )
        health = (await running.client.get("/health")).json()

    assert response.status_code == 404
    assert health["zalo"] == "off"


async def test_an_official_who_writes_joins_the_audience_of_announcements(
    gateway: Gateway, fake_zalo: FakeZalo, sqlite_url: str
) -> None:
    raw, signature = signed(text_event("xin chào", "msg-audience"))

    await gateway.client.post("/zalo", content=raw, headers={"X-ZEvent-Signature": signature})
    await eventually(lambda: bool(fake_zalo.texts_to(USER)))

    assert Audience(make_engine(sqlite_url)).recipients("zalo") == [f"zalo-{USER}"]


async def test_a_replayed_event_is_refused_and_counted(
    gateway: Gateway, fake_rasa: FakeRasa, fake_zalo: FakeZalo
) -> None:
    an_hour_ago = str(int((time.time() - 3600) * 1000))
    raw, signature = signed(text_event("xin chào", "msg-replayed", timestamp=an_hour_ago))

    response = await gateway.client.post(
        "/zalo", content=raw, headers={"X-ZEvent-Signature": signature}
    )
    await gateway.app.state.zalo.webhook.drain()

    assert (response.status_code, response.json()) == (403, {"error": "replay"})
    assert fake_rasa.received == [] and fake_zalo.texts_to(USER) == []
    metrics = (await gateway.client.get("/metrics")).text
    assert 'updates_dropped_total{channel="zalo",reason="replay"} 1' in metrics
    assert "helpdesk_gateway_zalo_token_refresh_failures_total" in metrics


async def test_a_reply_waiting_for_a_silent_official_goes_out_before_the_answer_to_them(
    gateway: Gateway, fake_rasa: FakeRasa, fake_zalo: FakeZalo, sqlite_url: str
) -> None:
    store = make_engine(sqlite_url)
    Contacts(store).interacted("zalo", f"zalo-{USER}", at=datetime.utcnow() - timedelta(days=8))
    kept = KeptNotices(store)
    notice, _ = kept.keep("desk:7", "zalo", f"zalo-{USER}", "HT-000007", "Đã trả lời.", "Ngắn")
    kept.settle(notice.id, WAITING, "outside_window", count_attempt=False)
    store.dispose()
    raw, signature = signed(text_event("xin chào", "msg-back"))

    await gateway.client.post("/zalo", content=raw, headers={"X-ZEvent-Signature": signature})

    await eventually(lambda: len(fake_zalo.texts_to(USER)) >= 2)
    assert fake_zalo.texts_to(USER)[0] == "Đã trả lời."
    store = make_engine(sqlite_url)
    assert KeptNotices(store).get(notice.id).state == SENT
    store.dispose()
