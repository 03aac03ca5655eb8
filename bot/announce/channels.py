"""The channels an announcement goes out on, built from the environment's settings."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.channels.telegram.channel import CHANNEL as TELEGRAM
from bot.channels.telegram.channel import TelegramChannel, telegram_bot
from bot.channels.zalo.channel import CHANNEL as ZALO
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.wiring import build_channel, zalo_http
from bot.gateway import redact
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
    secrets: list[SecretStr | None] = [settings.telegram_token]
    if zalo is not None:
        secrets += [zalo.oa_secret_key, zalo.app_secret_key, zalo.access_token, zalo.refresh_token]
    protection = redact.install(s.get_secret_value() for s in secrets if s is not None)
    channels: dict[str, Channel] = {}
    try:
        async with contextlib.AsyncExitStack() as stack:
            if settings.telegram_token is not None:
                bot = telegram_bot(
                    settings.telegram_token.get_secret_value(), settings.telegram_base_url
                )
                stack.push_async_callback(bot.shutdown)
                channels[TELEGRAM] = TelegramChannel(bot)
            if zalo is not None:
                http = zalo_http(zalo)
                stack.push_async_callback(http.aclose)
                channels[ZALO] = build_channel(zalo, engine, http)
            yield channels
    finally:
        redact.uninstall(protection)
