"""Sending through the OA message API: parts, expired tokens, and Zalo's error numbers."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.channels.zalo.channel import ZaloChannel, user_id_of
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.errors import AccessTokenInvalid, ZaloError
from bot.channels.zalo.refresh import ZaloTokens
from bot.channels.zalo.render import ChoiceMemory
from bot.channels.zalo.tokens import TokenStore
from bot.channels.zalo.wiring import ZaloParts
from bot.messages import Button, Notifier, OutgoingMessage, RecipientUnreachable
from bot.store.leases import Leases
from bot.store.shared_sql import SqlState
from tests.channels.zalo.conftest import USER
from tests.channels.zalo.fake_zalo import FakeZalo

RECIPIENT = f"zalo-{USER}"


async def test_a_notice_reaches_the_user_through_the_notifier(
    parts: ZaloParts, fake_zalo: FakeZalo
) -> None:
    notifier = Notifier({"zalo": parts.channel})
    await notifier.send("zalo", RECIPIENT, OutgoingMessage("Phiếu HT-000123 đã được xử lý."))
    assert fake_zalo.sent == [(USER, "Phiếu HT-000123 đã được xử lý.")]


async def test_a_long_answer_goes_in_parts_under_2000_in_order(
    parts: ZaloParts, fake_zalo: FakeZalo
) -> None:
    paragraphs = [
        f"Đoạn {n}. " + "Anh/chị mở phần mềm và chọn mục Văn bản đến. " * 10 for n in range(20)
    ]
    await parts.channel.send(RECIPIENT, OutgoingMessage("\n\n".join(p.strip() for p in paragraphs)))
    texts = fake_zalo.texts_to(USER)
    assert len(texts) > 1 and all(len(text) < 2000 for text in texts)
    assert [t.split(".")[0] for t in "\n\n".join(texts).split("\n\n")] == [
        f"Đoạn {n}" for n in range(20)
    ]


async def test_a_notice_with_buttons_shows_numbered_choices(
    parts: ZaloParts, fake_zalo: FakeZalo
) -> None:
    buttons = (Button("Đã xong", "/affirm"), Button("Chưa xong", "/deny"))
    await parts.channel.send(RECIPIENT, OutgoingMessage("Phiếu đã xử lý xong chưa ạ?", buttons))
    assert "1. Đã xong\n2. Chưa xong" in fake_zalo.texts_to(USER)[0]


async def test_an_expired_token_is_refreshed_and_the_send_retried_once(
    parts: ZaloParts, fake_zalo: FakeZalo
) -> None:
    await parts.channel.send(RECIPIENT, OutgoingMessage("một"))
    used = fake_zalo.refreshes
    for token in list(fake_zalo.access):
        fake_zalo.expire(token)  # Zalo expired it early: only the -216 answer tells
    await parts.channel.send(RECIPIENT, OutgoingMessage("hai"))
    assert fake_zalo.texts_to(USER) == ["một", "hai"]
    assert fake_zalo.refreshes == used + 1


async def test_a_token_refused_again_after_refresh_is_an_error(
    parts: ZaloParts, fake_zalo: FakeZalo
) -> None:
    await parts.channel.send(RECIPIENT, OutgoingMessage("một"))
    used = fake_zalo.refreshes
    fake_zalo.reject_tokens = True
    with pytest.raises(AccessTokenInvalid) as raised:
        await parts.channel.send(RECIPIENT, OutgoingMessage("hai"))
    assert raised.value.code == -216 and fake_zalo.refreshes == used + 1


async def test_a_user_silent_for_7_days_is_unreachable(
    parts: ZaloParts, fake_zalo: FakeZalo
) -> None:
    fake_zalo.unreachable.add(USER)
    with pytest.raises(RecipientUnreachable, match="-230"):
        await parts.channel.send(RECIPIENT, OutgoingMessage("Phiếu đã xử lý."))


@pytest.mark.parametrize("recipient", ["", "zalo-", "zalo-12 34", "telegram:1", "zalo-" + "9" * 65])
async def test_ids_that_are_not_zalo_users_are_unreachable(
    parts: ZaloParts, recipient: str
) -> None:
    with pytest.raises(RecipientUnreachable):
        await parts.channel.send(recipient, OutgoingMessage("x"))


def test_recipients_may_carry_the_sender_prefix_or_not() -> None:
    assert user_id_of(f"zalo-{USER}") == USER == user_id_of(USER)


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (httpx.Response(200, json={"error": -32, "message": "Exceed rate limit"}), -32),
        (httpx.Response(200, json={"error": -201, "message": "Parameter invalid"}), -201),
        (httpx.Response(200, json={"message": "Success"}), None),
        (httpx.Response(200, json={"error": "0"}), None),
        (httpx.Response(200, json=[0]), None),
        (httpx.Response(200, text="<html>Bad gateway</html>"), None),
        (httpx.Response(502, json={"error": 0}), None),
    ],
)
async def test_zalo_errors_are_errors_even_with_http_200(
    answer: httpx.Response, code: int | None, sqlite_engine: Engine
) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda request: answer)) as http:
        client = ZaloClient(http, _seeded_tokens(sqlite_engine, http), "http://zalo.test")
        with pytest.raises(ZaloError) as raised:
            await client.send_text(USER, "xin chào")
    assert raised.value.code == code


async def test_an_unreachable_api_is_an_error(sqlite_engine: Engine) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        channel = ZaloChannel(
            ZaloClient(http, _seeded_tokens(sqlite_engine, http), "http://zalo.test"),
            ChoiceMemory(SqlState(sqlite_engine)),
        )
        with pytest.raises(ZaloError, match="ConnectTimeout"):
            await channel.send(RECIPIENT, OutgoingMessage("x"))


def _seeded_tokens(engine: Engine, http: httpx.AsyncClient) -> ZaloTokens:
    """Tokens with a stored pair valid for a day, so no refresh is needed."""
    store = TokenStore(engine)
    store.seed("access-x", "refresh-x", datetime.utcnow() + timedelta(days=1))
    return ZaloTokens(
        store,
        Leases(engine),
        http,
        oauth_base_url="http://oauth.test",
        app_id="1",
        app_secret_key=SecretStr("s"),
    )
