"""Building the staff group's handlers from their settings, for the gateway's Telegram service."""

from __future__ import annotations

import httpx

from bot.channels.telegram.staff.aids import StaffAidHandlers
from bot.channels.telegram.staff.handlers import StaffHandlers
from bot.channels.telegram.staff.settings import StaffSettings, staff_settings
from bot.escalation.client import DeskClient
from bot.escalation.retry import RetryPolicy
from bot.metrics import Metrics

# A staff member waits for the answer in the chat: a few quick retries, then an explanation.
STAFF_RETRY = RetryPolicy(attempts=3, base_delay=0.5, max_delay=2.0)


def build_staff_handlers(
    metrics: Metrics, settings: StaffSettings | None = None
) -> StaffHandlers | None:
    """The handlers for the group in `settings` (else the environment's); None if it is off.

    Their desk client carries the staff token; `StaffHandlers.aclose` closes it.
    """
    settings = settings if settings is not None else staff_settings()
    if settings is None or settings.telegram_staff_chat_id is None:
        return None
    token = settings.desk_staff_token.get_secret_value() if settings.desk_staff_token else ""
    http = httpx.AsyncClient(
        base_url=settings.desk_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=httpx.Timeout(settings.desk_timeout_seconds, connect=3.0),
    )
    return StaffAidHandlers(
        DeskClient(http, STAFF_RETRY),
        settings.telegram_staff_chat_id,
        settings.staff_ids,
        settings.public_url,
        metrics,
    )
