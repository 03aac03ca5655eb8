"""The settings of `helpdesk announce`: who has written (the store) and Telegram's bot."""

from __future__ import annotations

from bot.settings import StoreSettings, TelegramBotSettings


class AnnounceSettings(TelegramBotSettings, StoreSettings):
    """HELPDESK_DATABASE_URL, and HELPDESK_TELEGRAM_TOKEN / _BASE_URL to send on Telegram."""
