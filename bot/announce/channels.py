"""The channels an announcement goes out on, built from the environment's settings."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.channels.zalo.settings import ZaloSettings
from bot.gateway import redact
from bot.notify.channel_setup import channel_secrets, officials_channels
from bot.notify.channels import Channel
from bot.settings import StoreSettings


class AnnounceSettings(StoreSettings):
    """HELPDESK_DATABASE_URL, and HELPDESK_TELEGRAM_TOKEN / _BASE_URL to send on Telegram."""

    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"


@contextlib.asynccontextmanager
async def announcement_channels(
    settings: AnnounceSettings, engine: Engine, zalo: ZaloSettings | None
) -> AsyncIterator[dict[str, Channel]]:
    """Telegram and Zalo where configured; their clients closed and secrets unmasked on exit."""
    protection = redact.install(channel_secrets(settings.telegram_token, zalo=zalo))
    try:
        async with contextlib.AsyncExitStack() as stack:
            channels, _ = officials_channels(
                stack, settings.telegram_token, settings.telegram_base_url, zalo, engine
            )
            yield channels
    finally:
        redact.uninstall(protection)
