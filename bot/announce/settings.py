"""The settings of `helpdesk announce`: who has written (the store) and Telegram's bot."""

from __future__ import annotations

from bot.settings import TelegramBotSettings
from bot.store.shared_settings import SharedStateSettings


class AnnounceSettings(TelegramBotSettings, SharedStateSettings):
    """HELPDESK_DATABASE_URL, HELPDESK_REDIS_URL (where a notice's buttons are kept for the
    gateways), and HELPDESK_TELEGRAM_TOKEN / _BASE_URL to send on Telegram."""
