"""The settings of `helpdesk announce`: who has written (the store) and Telegram's bot."""

from __future__ import annotations

from pydantic import SecretStr

from bot.settings import StoreSettings


class AnnounceSettings(StoreSettings):
    """HELPDESK_DATABASE_URL, and HELPDESK_TELEGRAM_TOKEN / _BASE_URL to send on Telegram."""

    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
