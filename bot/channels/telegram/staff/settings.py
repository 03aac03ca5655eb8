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

from pydantic import SecretStr, ValidationError, root_validator, validator

from bot.settings import (
    DeskAddressSettings,
    blank_secret,
    group_chat_id,
    id_set,
    required_with,
    say,
    settings_problems,
    telegram_ids,
)

log = logging.getLogger(__name__)

DESK_PAGE = "/desk/tickets/{code}"


def desk_page(public_url: str, code: str) -> str:
    """The address of ticket `code`'s page on the desk at `public_url`."""
    return public_url.rstrip("/") + DESK_PAGE.format(code=code)


class StaffSettings(DeskAddressSettings):
    """HELPDESK_TELEGRAM_STAFF_CHAT_ID, _STAFF_IDS, HELPDESK_DESK_URL, _STAFF_TOKEN, _PUBLIC_URL."""

    telegram_staff_chat_id: int | None = None
    # Comma-separated Telegram user ids; read as text (pydantic would want JSON for a set).
    telegram_staff_ids: str = ""
    desk_staff_token: SecretStr | None = None

    _group = validator("telegram_staff_chat_id", allow_reuse=True)(group_chat_id)
    _ids = validator("telegram_staff_ids", allow_reuse=True)(telegram_ids)
    _blank_token = validator("desk_staff_token", allow_reuse=True)(blank_secret)
    _token_with_group = root_validator(skip_on_failure=True, allow_reuse=True)(
        required_with("desk_staff_token", when="telegram_staff_chat_id")
    )

    @property
    def enabled(self) -> bool:
        """Whether the staff group is configured."""
        return self.telegram_staff_chat_id is not None

    @property
    def staff_ids(self) -> frozenset[int]:
        """The Telegram user ids allowed to act."""
        return id_set(self.telegram_staff_ids)


def staff_settings() -> StaffSettings | None:
    """The staff group's settings from the environment; None if it is off or misconfigured.

    A misconfigured group is logged by variable name (never by value) and left off, so the
    officials' side of the bot still starts.
    """
    try:
        settings = StaffSettings()
    except ValidationError as error:
        for line in settings_problems(error):
            log.error("%s", say("staff_group.disabled", problem=line))
        return None
    if settings.enabled and not settings.staff_ids:
        log.warning("%s", say("staff_group.nobody"))
    return settings if settings.enabled else None
