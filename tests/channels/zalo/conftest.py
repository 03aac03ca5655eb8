"""Fixtures for the Zalo channel: a served fake Zalo, a fake Rasa, migrated stores, the parts."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.signature import sign
from bot.channels.zalo.wiring import ZaloParts, build_zalo
from bot.store.database import make_engine
from tests.channels.zalo.fake_rasa import FakeRasa
from tests.channels.zalo.fake_zalo import APP_ID, APP_SECRET, FakeZalo, served
from tests.support.databases import migrated_sqlite, migrated_store_url

OA_SECRET = "oa-secret-for-tests"
USER = "2468135790123456789"


def signed(body: dict[str, Any], secret: str = OA_SECRET) -> tuple[bytes, str]:
    """`body` as Zalo posts it, and its X-ZEvent-Signature."""
    try:
        raw = json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:  # a lone surrogate: only JSON's \u escape can carry it
        raw = json.dumps(body).encode()
    return raw, sign(APP_ID, raw, str(body.get("timestamp", "")), secret)


def now_ms() -> str:
    """The time now as Zalo stamps its events: milliseconds since 1970, as text."""
    return str(int(time.time() * 1000))


def text_event(
    text: str, msg_id: str, user: str = USER, timestamp: str | None = None
) -> dict[str, Any]:
    """A `user_send_text` event as Zalo sends it, stamped now unless `timestamp` is given."""
    return {
        "app_id": APP_ID,
        "user_id_by_app": "5521772797175877300",
        "event_name": "user_send_text",
        "timestamp": timestamp or now_ms(),
        "sender": {"id": user},
        "recipient": {"id": "3886132808788086450"},
        "message": {"text": text, "msg_id": msg_id},
    }


def settings_for(fake: FakeZalo, url: str) -> ZaloSettings:
    """Settings pointing both Zalo servers at `url`, seeded with a fresh pair from `fake`."""
    access, refresh = fake.issue()
    return ZaloSettings(  # type: ignore[call-arg]  # HELPDESK_STORE_KEY: from the environment
        app_id=APP_ID,
        oa_secret_key=SecretStr(OA_SECRET),
        app_secret_key=SecretStr(APP_SECRET),
        access_token=SecretStr(access),
        refresh_token=SecretStr(refresh),
        api_base_url=url,
        oauth_base_url=url,
    )


@pytest.fixture
def fake_zalo() -> FakeZalo:
    """A fake Zalo, not yet served."""
    return FakeZalo()


@pytest.fixture
def zalo_url(fake_zalo: FakeZalo) -> Iterator[str]:
    """The fake Zalo under uvicorn; its URL."""
    with served(fake_zalo) as url:
        yield url


@pytest.fixture
def settings(fake_zalo: FakeZalo, zalo_url: str) -> ZaloSettings:
    """Settings for the served fake."""
    return settings_for(fake_zalo, zalo_url)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on a migrated SQLite file, for tests about behaviour rather than storage."""
    engine = make_engine(migrated_sqlite(tmp_path / "helpdesk.db"))
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a migrated store: a SQLite file, then a PostgreSQL schema."""
    for url in migrated_store_url(request.param, tmp_path):
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def fake_rasa() -> FakeRasa:
    """A fake Rasa that echoes."""
    return FakeRasa()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client for Zalo."""
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


@pytest.fixture
async def parts(
    settings: ZaloSettings, sqlite_engine: Engine, http: httpx.AsyncClient, fake_rasa: FakeRasa
) -> AsyncIterator[ZaloParts]:
    """The gateway's Zalo parts on the served fake, the fake Rasa and a SQLite store."""
    async with fake_rasa.client() as rasa_http:
        yield build_zalo(settings, sqlite_engine, http=http, rasa_http=rasa_http)
