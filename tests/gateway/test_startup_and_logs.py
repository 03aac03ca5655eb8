"""Startup when Telegram is away or refuses the token, and secrets kept out of the logs."""

from __future__ import annotations

import logging

import pytest
from pydantic import SecretStr
from telegram.error import InvalidToken

from bot import redact
from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from tests.channels.telegram.fakes import (
    SECRET,
    TOKEN,
    FakeRasa,
    FakeTelegram,
    eventually,
    fast_limiter,
    message_update,
    running_gateway,
)


async def test_the_gateway_starts_without_telegram_and_connects_when_it_is_back(
    settings: GatewaySettings, fake_telegram: FakeTelegram, fake_rasa: FakeRasa
) -> None:
    fake_telegram.down = True

    async with running_gateway(create_app(settings, rate_limiter=fast_limiter())) as gateway:
        assert (await gateway.client.get("/health")).json()["telegram"] == "starting"
        assert (await gateway.post_update(message_update("sớm quá"))).status_code == 503
        web = await gateway.client.get("/")
        fake_telegram.down = False

        async def ready() -> bool:
            return bool((await gateway.client.get("/health")).json()["telegram"] == "ready")

        await eventually(ready)
        assert (await gateway.post_update(message_update("giờ thì được"))).status_code == 200

    assert web.status_code == 200
    assert [b["message"] for b in fake_rasa.received] == ["giờ thì được"]


async def test_a_refused_token_is_reported_without_the_token(
    settings: GatewaySettings, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "987654321:WRONG-token_value"
    bad = settings.copy(update={"telegram_token": SecretStr(wrong)})

    with caplog.at_level(logging.DEBUG):
        async with running_gateway(create_app(bad, rate_limiter=fast_limiter())) as gateway:
            await eventually(lambda: "HELPDESK_TELEGRAM_TOKEN" in caplog.text)
            health = (await gateway.client.get("/health")).json()

    assert health["telegram"] == "starting"
    assert wrong not in caplog.text
    assert SECRET not in caplog.text
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


def test_the_filter_masks_secrets_in_messages_arguments_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    masking = redact.install([TOKEN, SECRET])
    try:
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("telegram.ext.x").warning("POST https://api/bot%s/getMe", TOKEN)
            logging.getLogger("other").warning(f"secret {SECRET} inline")
            try:
                raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
            except InvalidToken:
                logging.getLogger("bot.anything").exception("startup failed")
    finally:
        redact.uninstall(masking)

    assert TOKEN not in caplog.text and SECRET not in caplog.text
    assert caplog.text.count(redact.MASK) >= 3
    assert "InvalidToken" in caplog.text
    other = redact.install(["only-for-a-moment"])
    redact.uninstall(other)
    logging.getLogger("other").warning("after uninstall: only-for-a-moment")
    assert "only-for-a-moment" in caplog.text


def test_noisy_loggers_are_held_at_warning() -> None:
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    try:
        redact.uninstall(redact.install([]))
        assert logging.getLogger("httpx").level == logging.WARNING
        assert logging.getLogger("telegram").getEffectiveLevel() >= logging.WARNING
    finally:
        logging.getLogger("httpx").setLevel(logging.WARNING)


def from_environment() -> GatewaySettings:
    """The gateway's settings as the command reads them: all from the environment."""
    return GatewaySettings()  # type: ignore[call-arg]  # the channel token: from the environment


def test_settings_need_a_webhook_secret_with_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_WEBHOOK_URL"):
        monkeypatch.delenv(f"HELPDESK_{name}", raising=False)
    from pydantic import ValidationError

    assert from_environment().telegram_enabled is False
    assert from_environment().rasa_timeout_seconds == 8
    assert from_environment().telegram_base_url == "https://api.telegram.org/bot"
    monkeypatch.setenv("HELPDESK_TELEGRAM_TOKEN", TOKEN)
    with pytest.raises(ValidationError, match="HELPDESK_TELEGRAM_WEBHOOK_SECRET"):
        from_environment()
    monkeypatch.setenv("HELPDESK_TELEGRAM_WEBHOOK_SECRET", "has spaces")
    with pytest.raises(ValidationError):
        from_environment()
    monkeypatch.setenv("HELPDESK_TELEGRAM_WEBHOOK_SECRET", SECRET)
    settings = from_environment()
    assert settings.telegram_enabled and TOKEN not in repr(settings)
    monkeypatch.setenv("HELPDESK_TELEGRAM_TOKEN", "not a token")
    with pytest.raises(ValidationError):
        from_environment()
    monkeypatch.setenv("HELPDESK_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("HELPDESK_TELEGRAM_WEBHOOK_URL", "http://plain.example/telegram")
    with pytest.raises(ValidationError):
        from_environment()
    monkeypatch.delenv("HELPDESK_TELEGRAM_WEBHOOK_URL")
    monkeypatch.setenv("HELPDESK_RASA_TIMEOUT_SECONDS", "0")
    with pytest.raises(ValidationError):
        from_environment()


async def test_a_configured_webhook_address_is_registered_with_the_secret(
    settings: GatewaySettings, fake_telegram: FakeTelegram
) -> None:
    with_url = settings.copy(update={"telegram_webhook_url": "https://hotro.example.vn/telegram"})

    async with running_gateway(create_app(with_url, rate_limiter=fast_limiter())):
        pass

    [webhook] = fake_telegram.of("setWebhook")
    assert webhook["url"] == "https://hotro.example.vn/telegram"
    assert webhook["secret_token"] == SECRET
    assert webhook["allowed_updates"] == ["message", "edited_message", "callback_query"]
