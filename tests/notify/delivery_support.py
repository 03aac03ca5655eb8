"""The real path of a staff reply to an official on Zalo: desk feed, kept notices, fake Zalo.

A `Clock` is shared by the store's records and the fake Zalo's window, so "silent for 8 days"
is a line in a test, not a week of waiting. The official writes again through the gateway's
Zalo parts (signed webhook event, `Officials` as the presence and Rasa's `before_send`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.channels.zalo.channel import CHANNEL as ZALO
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.wiring import ZaloParts, build_channel, build_zalo
from bot.escalation.client import DeskClient
from bot.gateway.officials import Officials
from bot.messages import Notifier
from bot.metrics import NotifierMetrics
from bot.notify.delivery import NoticeDelivery
from bot.notify.feed import FeedWatcher
from bot.rasa import RasaClient
from bot.store.kept_notices import KeptNotice
from tests.channels.zalo.conftest import USER, settings_for, signed, text_event
from tests.channels.zalo.fake_zalo import FakeZalo, served
from tests.escalation.fake_desk import payload

OFFICIAL = f"zalo-{USER}"


@dataclass
class Clock:
    """A settable time, naive UTC as the store keeps it; `epoch` for the fake Zalo's window."""

    now: datetime = datetime(2026, 12, 5, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def epoch(self) -> float:
        return self.now.replace(tzinfo=timezone.utc).timestamp()

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)


@dataclass
class StaffTold:
    """What the staff were told about notices that cannot reach their official."""

    held: list[tuple[str, str]] = field(default_factory=list)

    async def __call__(self, notice: KeptNotice, state: str) -> None:
        self.held.append((notice.ticket_code, state))


@dataclass
class Path:
    """The notifier's side (feed, delivery) on one store, with the staff's record."""

    watcher: FeedWatcher
    delivery: NoticeDelivery
    metrics: NotifierMetrics
    staff: StaffTold
    channel: ZaloChannel


def notifier_path(
    client: DeskClient,
    engine: Engine,
    settings: ZaloSettings,
    http: httpx.AsyncClient,
    clock: Clock,
) -> Path:
    """The notifier's feed watcher sending to the fake Zalo, with kept notices on `clock`."""
    channel = build_channel(settings, engine, http)
    notifier = Notifier({ZALO: channel})
    metrics, staff = NotifierMetrics(), StaffTold()
    delivery = NoticeDelivery(notifier, engine, metrics=metrics, on_held=staff, clock=clock)
    watcher = FeedWatcher(client, notifier, engine, metrics=metrics, delivery=delivery)
    return Path(watcher, delivery, metrics, staff, channel)


def gateway_zalo(
    engine: Engine,
    settings: ZaloSettings,
    http: httpx.AsyncClient,
    rasa_http: httpx.AsyncClient,
    clock: Clock,
) -> ZaloParts:
    """The gateway's Zalo parts, with `Officials` hearing every event and every Rasa turn."""
    officials = Officials(engine, clock=clock)
    rasa = RasaClient(rasa_http, before_send=officials.seen)
    parts = build_zalo(settings, engine, http=http, rasa=rasa, presence=officials)
    officials.register(ZALO, parts.channel)
    return parts


async def official_writes(parts: ZaloParts, fake: FakeZalo, text: str, msg_id: str) -> None:
    """The official writes to the OA: Zalo opens its window and calls the webhook."""
    fake.interact(USER)
    raw, signature = signed(text_event(text, msg_id))
    assert await parts.webhook.handle(raw, signature) == 200
    await parts.webhook.drain()


async def open_ticket(client: DeskClient, number: int, user: str = OFFICIAL) -> str:
    """A ticket opened by the official on Zalo; its code."""
    body: dict[str, Any] = payload(number)
    body["requester"] = {"channel": ZALO, "user_id": user}
    return (await client.create_ticket(body, f"escalation-{number:04d}")).code


# Fixtures for the test modules of this path, which import them by name.


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> FakeZalo:
    """The fake Zalo OA server, keeping its window on the test's clock."""
    return FakeZalo(clock=clock.epoch)


@pytest.fixture
def zalo_settings(fake: FakeZalo) -> Iterator[ZaloSettings]:
    with served(fake) as url:
        yield settings_for(fake, url)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client
