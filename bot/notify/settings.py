"""The notifier's settings: the store it writes to and the document system it reads."""

from __future__ import annotations

from pydantic import validator

from bot.settings import DeskClientSettings, StoreSettings


class NotifierSettings(StoreSettings, DeskClientSettings):
    """HELPDESK_DATABASE_URL, HELPDESK_DESK_URL, HELPDESK_DESK_TOKEN (required, no default),
    HELPDESK_DESK_TIMEOUT_SECONDS and HELPDESK_NOTIFIER_POLL_SECONDS (default 2)."""

    notifier_poll_seconds: float = 2.0

    @validator("notifier_poll_seconds")
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0")
        return value

    class Config:
        env_prefix = "HELPDESK_"
