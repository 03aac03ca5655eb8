"""Two gateways sharing one state: what one offered or counted, the other understands.

Each test runs two real gateway apps, each served over HTTP on its own port, on one store
(SQLite or PostgreSQL) or on one Redis: the official's or trainer's first message reaches
gateway A, the answer reaches gateway B.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.channels.zalo.settings import ZaloSettings
from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.kb import publishing
from bot.report.period import today
from bot.store.shared_redis import RedisState
from bot.store.shared_state import SharedState
from bot.texts import texts
from bot.webchat.sessions import TOKEN_HEADER
from bot.webchat.settings import WebChatSettings
from tests.channels.telegram.fakes import (
    FakeRasa,
    Gateway,
    eventually,
    fast_limiter,
    message_update,
    running_gateway,
)
from tests.channels.telegram.trainers.fakes import (  # noqa: F401  (fixtures)
    TRAINER,
    TrainerTelegram,
    buttons,
    document_update,
    fake_telegram_fixture,
    live,
    press,
    project_fixture,
    said,
    state_fixture,
    trainer_settings_fixture,
    training_starts_fixture,
)
from tests.channels.zalo.conftest import USER, settings_for, signed, text_event
from tests.channels.zalo.fake_zalo import FakeZalo, served
from tests.kb.workbooks import cell, edited, exported
from tests.report.conversations import save
from tests.review.conftest import RECORDING, scenario
from tests.support.databases import migrated_postgres_url, migrated_sqlite
from tests.support.shared_states import REDIS, forget_prefix, redis_client, unique_prefix

LONG_PAYLOAD = '/choose_article{"article": "' + "qlvb.ky_so_van_ban_di_tren_phan_mem" * 3 + '"}'
NEW_INTRO = "Anh/chị đăng nhập lần đầu theo các bước sau (cập nhật từ gateway khác):"


@dataclass
class Backend:
    """Where the two gateways keep what they share: the store at `database_url`, or Redis."""

    database_url: str
    redis_prefix: str | None = None

    def state(self, stack: AsyncExitStack) -> SharedState | None:
        """A gateway's own client of the shared state (None: the store, from its settings)."""
        if self.redis_prefix is None:
            return None
        state = RedisState.from_url(REDIS, self.redis_prefix)
        stack.push_async_callback(state.aclose)
        return state


@pytest.fixture(params=["sqlite", "postgresql", "redis"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    """Each backend in turn; the store is SQLite unless it is PostgreSQL's turn."""
    if request.param == "postgresql":
        urls: Iterator[str] = migrated_postgres_url()
        yield Backend(next(urls))
        next(urls, None)
        return
    url = migrated_sqlite(tmp_path / "shared.db")
    if request.param == "sqlite":
        yield Backend(url)
        return
    async with redis_client():  # skipped here, not in a gateway, when no Redis answers
        pass
    prefix = unique_prefix()
    try:
        yield Backend(url, prefix)
    finally:
        await forget_prefix(prefix)


async def two_gateways(
    stack: AsyncExitStack, backend: Backend, settings: GatewaySettings, **options: Any
) -> tuple[Gateway, Gateway]:
    """Gateways A and B on `backend`, served until `stack` closes."""
    shared = settings.copy(update={"database_url": backend.database_url})
    served = []
    for _ in range(2):
        app = create_app(shared, state=backend.state(stack), **options)
        served.append(await stack.enter_async_context(running_gateway(app)))
    return served[0], served[1]


@pytest.fixture
def conversations(tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The review queue's conversations, where `helpdesk run` tells the gateways to read them."""
    url = f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    save(url, root / "domain.yml", scenario(today()))
    monkeypatch.setenv("RASA_TRACKER_DB", url)


@pytest.fixture
def zalo() -> Iterator[tuple[FakeZalo, ZaloSettings]]:
    fake = FakeZalo()
    with served(fake) as url:
        yield fake, settings_for(fake, url)


async def test_a_zalo_number_answers_the_choices_the_other_gateway_showed(
    backend: Backend,
    settings: GatewaySettings,
    fake_rasa: FakeRasa,
    zalo: tuple[FakeZalo, ZaloSettings],
) -> None:
    fake_zalo, zalo_settings = zalo
    async with AsyncExitStack() as stack:
        first, second = await two_gateways(stack, backend, settings, zalo=zalo_settings)
        raw, signature = signed(text_event("quên mật khẩu", "msg-on-a"))
        await first.client.post("/zalo", content=raw, headers={"X-ZEvent-Signature": signature})
        await eventually(lambda: bool(fake_zalo.texts_to(USER)))
        assert "2. Không, cảm ơn" in fake_zalo.texts_to(USER)[0]

        raw, signature = signed(text_event("2", "msg-on-b"))
        response = await second.client.post(
            "/zalo", content=raw, headers={"X-ZEvent-Signature": signature}
        )
        await eventually(lambda: len(fake_rasa.received) == 2)

    assert response.status_code == 200
    assert [turn["message"] for turn in fake_rasa.received] == ["quên mật khẩu", "/deny"]


async def test_a_telegram_long_payload_button_from_one_gateway_works_on_the_other(
    backend: Backend,
    settings: GatewaySettings,
    fake_rasa: FakeRasa,
    fake_telegram: TrainerTelegram,
) -> None:
    def offer(body: dict[str, Any]) -> list[dict[str, Any]]:
        button = {"title": "Ký số văn bản đi", "payload": LONG_PAYLOAD}
        return [{"recipient_id": body["sender"], "text": "Ý anh/chị là:", "buttons": [button]}]

    fake_rasa.reply = offer
    async with AsyncExitStack() as stack:
        first, second = await two_gateways(stack, backend, settings, rate_limiter=fast_limiter())
        await first.post_update(message_update("ký số", chat_id=4242))
        data = buttons(fake_telegram, 4242)["Ký số văn bản đi"]
        assert data != LONG_PAYLOAD and len(data.encode()) <= 64

        await press(second, data, user_id=4242)

    assert [turn["message"] for turn in fake_rasa.received] == ["ký số", LONG_PAYLOAD]


async def test_a_trainers_publish_asked_on_one_gateway_is_confirmed_on_the_other(
    backend: Backend,
    trainer_settings: GatewaySettings,
    fake_telegram: TrainerTelegram,
    project: Path,
    state: Path,
    tmp_path: Path,
) -> None:
    source = exported(project / "knowledge_base", tmp_path / "exported.xlsx")

    def new_intro(sheet: Any) -> None:
        cell(sheet, "qlvb.dang_nhap", "intro").value = NEW_INTRO

    data = edited(source, tmp_path / "kho.xlsx", new_intro).read_bytes()
    async with AsyncExitStack() as stack:
        options: dict[str, Any] = {"rate_limiter": fast_limiter()}
        first, second = await two_gateways(stack, backend, trainer_settings, **options)
        await first.post_update(document_update(fake_telegram, data, "kho.xlsx"))
        publish = buttons(fake_telegram)["Xuất bản"]

        await press(second, publish)
        await press(first, publish)  # the same button again, on the first: acts no more

    assert publishing.current_version(state) == 2
    assert live(state, project)["qlvb.dang_nhap"].answer.intro == NEW_INTRO
    said_to_trainer = said(fake_telegram, TRAINER)
    words = texts("bot.channels.telegram")
    assert said_to_trainer[-2].startswith(words.say("trainer.published", version=2))
    assert said_to_trainer[-1] == words.say("trainer.expired", minutes=30)


async def test_a_review_queue_listing_and_its_confirmation_work_across_the_gateways(
    backend: Backend,
    trainer_settings: GatewaySettings,
    fake_telegram: TrainerTelegram,
    project: Path,
    state: Path,
    conversations: None,
) -> None:
    async with AsyncExitStack() as stack:
        options: dict[str, Any] = {"rate_limiter": fast_limiter()}
        first, second = await two_gateways(stack, backend, trainer_settings, **options)
        await first.post_update(message_update("/hangcho", chat_id=TRAINER))
        listed = next(p for p in fake_telegram.of("sendMessage") if "reply_markup" in p)
        attach = listed["reply_markup"]["inline_keyboard"][0][0]  # the largest group's
        assert attach["text"].startswith("Thêm vào «")

        await press(second, attach["callback_data"])  # the listing was kept by the first
        await press(first, buttons(fake_telegram)["Xuất bản"])

    assert publishing.current_version(state) == 2
    article = next(a for a in live(state, project).values() if RECORDING[0] in a.questions)
    assert RECORDING[2] in article.questions
    words = texts("bot.channels.telegram")
    assert said(fake_telegram, TRAINER)[-1].startswith(words.say("trainer.published", version=2))


async def test_the_web_chat_budget_spent_on_one_gateway_is_refused_on_the_other(
    backend: Backend, settings: GatewaySettings, fake_rasa: FakeRasa
) -> None:
    web = WebChatSettings().copy(update={"sender_per_minute": 2})  # type: ignore[call-arg]
    async with AsyncExitStack() as stack:
        first, second = await two_gateways(stack, backend, settings, web=web)
        session = (await first.client.post("/api/session")).json()
        headers = {TOKEN_HEADER: session["token"]}
        body = {"sender": session["sender"], "text": "xin chào"}
        spent = [
            (await gateway.client.post("/api/messages", json=body, headers=headers)).status_code
            for gateway in (first, second)
        ]
        refused = await second.client.post("/api/messages", json=body, headers=headers)
        also_refused = await first.client.post("/api/messages", json=body, headers=headers)

    assert spent == [200, 200]
    assert (refused.status_code, also_refused.status_code) == (429, 429)
    assert 25 <= int(refused.headers["Retry-After"]) <= 30
    assert len(fake_rasa.received) == 2
