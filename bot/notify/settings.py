"""The notifier's settings: the store it writes to, the document system it reads, its channels."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import SecretStr, root_validator, validator

from bot.settings import DeskClientSettings, StoreSettings, group_chat_id

_TELEGRAM_TOKEN = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,200}$")


class NotifierSettings(StoreSettings, DeskClientSettings):
    """HELPDESK_DATABASE_URL, HELPDESK_DESK_URL, HELPDESK_DESK_TOKEN (required, no default),
    HELPDESK_DESK_TIMEOUT_SECONDS and HELPDESK_NOTIFIER_POLL_SECONDS (default 2).

    HELPDESK_TELEGRAM_TOKEN (and HELPDESK_TELEGRAM_BASE_URL) turn the Telegram channel on;
    HELPDESK_TELEGRAM_STAFF_CHAT_ID then also posts new tickets to the staff group, linked to
    HELPDESK_DESK_PUBLIC_URL (default: the desk URL), with software named as in
    HELPDESK_KNOWLEDGE_BASE_DIR/software.yml. Zalo has its own settings (`ZaloSettings`).
    """

    notifier_poll_seconds: float = 2.0
    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_staff_chat_id: int | None = None
    desk_public_url: str | None = None
    knowledge_base_dir: Path = Path("knowledge_base")

    @validator("notifier_poll_seconds")
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0")
        return value

    @validator("telegram_token")
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        token = value.get_secret_value().strip() if value is not None else ""
        if not token:
            return None
        if not _TELEGRAM_TOKEN.match(token):
            raise ValueError("is not a Telegram bot token (digits, a colon, then letters)")
        return SecretStr(token)

    @validator("telegram_staff_chat_id")
    def _group(cls, value: int | None) -> int | None:
        return group_chat_id(value)

    @root_validator(skip_on_failure=True)
    def _staff_group_needs_the_bot(cls, values: dict[str, Any]) -> dict[str, Any]:
        if (
            values.get("telegram_staff_chat_id") is not None
            and values.get("telegram_token") is None
        ):
            raise ValueError(
                "HELPDESK_TELEGRAM_TOKEN is required when HELPDESK_TELEGRAM_STAFF_CHAT_ID is set"
            )
        return values

    @property
    def public_url(self) -> str:
        """The desk's address in links for people: the public one, else the desk URL."""
        return self.desk_public_url or self.desk_url

    class Config:
        env_prefix = "HELPDESK_"
