"""ZaloSettings from the environment, and building the parts from them."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from bot.channels.zalo.errors import TokenRefreshFailed
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.wiring import build_channel, zalo_http
from bot.messages import OutgoingMessage
from bot.settings import settings_problems

REQUIRED = {
    "HELPDESK_ZALO_APP_ID": "1234567890123456789",
    "HELPDESK_ZALO_OA_SECRET_KEY": "oa-secret",
    "HELPDESK_ZALO_APP_SECRET_KEY": "app-secret",
}


def environment(monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    """Exactly `values` as the HELPDESK_ZALO_* environment."""
    for name in [*REQUIRED, "HELPDESK_ZALO_ACCESS_TOKEN", "HELPDESK_ZALO_REFRESH_TOKEN"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_settings_come_from_helpdesk_zalo_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    environment(
        monkeypatch,
        {
            **REQUIRED,
            "HELPDESK_ZALO_ACCESS_TOKEN": "access-0",
            "HELPDESK_ZALO_REFRESH_TOKEN": "refresh-0",
            "HELPDESK_ZALO_API_BASE_URL": "http://127.0.0.1:9/",
        },
    )
    settings = ZaloSettings()  # type: ignore[call-arg]  # from the environment
    assert settings.app_id == "1234567890123456789"
    assert settings.oa_secret_key.get_secret_value() == "oa-secret"
    assert settings.api_base_url == "http://127.0.0.1:9"
    assert settings.oauth_base_url == "https://oauth.zaloapp.com"
    shown = repr(settings) + str(settings)
    assert not any(s in shown for s in ("oa-secret", "app-secret", "access-0", "refresh-0"))


@pytest.mark.parametrize("missing", list(REQUIRED))
def test_the_app_id_and_both_secret_keys_are_required(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    environment(monkeypatch, {k: v for k, v in REQUIRED.items() if k != missing})
    with pytest.raises(ValidationError) as refused:
        ZaloSettings()  # type: ignore[call-arg]  # from the environment, one left out
    assert settings_problems(refused.value) == [f"{missing}: chưa được đặt; biến này là bắt buộc."]


def test_the_initial_tokens_are_optional(monkeypatch: pytest.MonkeyPatch) -> None:
    environment(monkeypatch, REQUIRED)
    settings = ZaloSettings()  # type: ignore[call-arg]  # from the environment
    assert settings.access_token is None and settings.refresh_token is None


async def test_a_channel_without_any_tokens_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, sqlite_engine: Engine
) -> None:
    environment(monkeypatch, REQUIRED)
    settings = ZaloSettings()  # type: ignore[call-arg]  # from the environment
    async with zalo_http(settings) as http:
        assert isinstance(http, httpx.AsyncClient)
        channel = build_channel(settings, sqlite_engine, http)
        with pytest.raises(TokenRefreshFailed, match="HELPDESK_ZALO_REFRESH_TOKEN"):
            await channel.send("zalo-1", OutgoingMessage("x"))
