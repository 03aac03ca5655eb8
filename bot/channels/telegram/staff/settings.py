"""The support staff's Telegram group: which chat, who may act there, and the desk they act on.

Why it looks like this:
- The group is off until HELPDESK_TELEGRAM_STAFF_CHAT_ID is set. Then the desk's staff token
  is required, with no default: replies and status changes need the `staff` role, and a
  guessable token would hand that role to anyone.
- The chat must be a group (Telegram gives groups negative ids). A private chat would also
  reach the officials' handlers, and staff chatter must never be taken for an official's
  question.
- Staff are listed by Telegram user id, which a member cannot change, unlike a name.
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseSettings, SecretStr, ValidationError, root_validator, validator

from bot.settings import group_chat_id

log = logging.getLogger(__name__)

DESK_PAGE = "/desk/tickets/{code}"


def desk_page(public_url: str, code: str) -> str:
    """The address of ticket `code`'s page on the desk at `public_url`."""
    return public_url.rstrip("/") + DESK_PAGE.format(code=code)


class StaffSettings(BaseSettings):
    """HELPDESK_TELEGRAM_STAFF_CHAT_ID, _STAFF_IDS, HELPDESK_DESK_URL, _STAFF_TOKEN, _PUBLIC_URL."""

    telegram_staff_chat_id: int | None = None
    # Comma-separated Telegram user ids; read as text (pydantic would want JSON for a set).
    telegram_staff_ids: str = ""
    desk_url: str = "http://127.0.0.1:8100"
    desk_staff_token: SecretStr | None = None
    desk_public_url: str | None = None
    desk_timeout_seconds: float = 10.0

    @validator("telegram_staff_chat_id")
    def _group(cls, value: int | None) -> int | None:
        return group_chat_id(value)

    @validator("telegram_staff_ids")
    def _ids(cls, value: str) -> str:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not all(part.isdigit() and len(part) <= 20 for part in parts):
            raise ValueError("must be Telegram user ids (numbers) separated by commas")
        return ",".join(parts)

    @validator("desk_staff_token")
    def _blank_token(cls, value: SecretStr | None) -> SecretStr | None:
        return value if value is not None and value.get_secret_value().strip() else None

    @validator("desk_timeout_seconds")
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0")
        return value

    @root_validator(skip_on_failure=True)
    def _token_with_group(cls, values: dict[str, Any]) -> dict[str, Any]:
        if values.get("telegram_staff_chat_id") is not None and not values.get("desk_staff_token"):
            raise ValueError(
                "HELPDESK_DESK_STAFF_TOKEN is required when HELPDESK_TELEGRAM_STAFF_CHAT_ID is set"
            )
        return values

    @property
    def enabled(self) -> bool:
        """Whether the staff group is configured."""
        return self.telegram_staff_chat_id is not None

    @property
    def staff_ids(self) -> frozenset[int]:
        """The Telegram user ids allowed to act."""
        return frozenset(int(part) for part in self.telegram_staff_ids.split(",") if part)

    @property
    def public_url(self) -> str:
        """The desk's address in links for people: the public one, else the desk URL."""
        return self.desk_public_url or self.desk_url

    class Config:
        env_prefix = "HELPDESK_"


def staff_settings() -> StaffSettings | None:
    """The staff group's settings from the environment; None if it is off or misconfigured.

    A misconfigured group is logged by variable name (never by value) and left off, so the
    officials' side of the bot still starts.
    """
    try:
        settings = StaffSettings()
    except ValidationError as error:
        for problem in error.errors():
            where = str(problem["loc"][0])
            name = "" if where == "__root__" else f"HELPDESK_{where.upper()}: "
            log.error("the staff group is off: %s%s", name, problem["msg"])
        return None
    if settings.enabled and not settings.staff_ids:
        log.warning("HELPDESK_TELEGRAM_STAFF_IDS is empty: nobody in the staff group may act")
    return settings if settings.enabled else None
