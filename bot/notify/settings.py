"""The notifier's settings: the store it writes to, the document system it reads, its channels."""

from __future__ import annotations

from pydantic import root_validator, validator

from bot.office_hours.settings import OfficeHoursSettings
from bot.settings import (
    ActionSettings,
    DeskClientSettings,
    TelegramBotSettings,
    group_chat_id,
    positive,
    required_with,
)
from bot.store.shared_settings import SharedStateSettings


class NotifierSettings(
    TelegramBotSettings,
    ActionSettings,
    SharedStateSettings,
    DeskClientSettings,
    OfficeHoursSettings,
):
    """HELPDESK_DATABASE_URL, HELPDESK_DESK_URL, HELPDESK_DESK_TOKEN (required, no default),
    HELPDESK_DESK_TIMEOUT_SECONDS and HELPDESK_NOTIFIER_POLL_SECONDS (default 2).

    HELPDESK_TELEGRAM_TOKEN (and HELPDESK_TELEGRAM_BASE_URL) turn the Telegram channel on;
    HELPDESK_TELEGRAM_STAFF_CHAT_ID then also posts new tickets to the staff group, linked to
    HELPDESK_DESK_PUBLIC_URL (default: the desk URL), with software named as in
    HELPDESK_KNOWLEDGE_BASE_DIR/software.yml. Zalo has its own settings (`ZaloSettings`).
    HELPDESK_NOTIFIER_METRICS_PORT serves the notifier's counters (Prometheus text) on that port
    of HELPDESK_NOTIFIER_METRICS_HOST (default 127.0.0.1). With the staff group on, tickets left
    waiting are told to it, then to the supervisors, as HELPDESK_OFFICE_HOURS_FILE says.
    HELPDESK_REDIS_URL, as the gateways read it: a notice's buttons are kept where the gateway
    answering them looks.
    """

    notifier_poll_seconds: float = 2.0
    telegram_staff_chat_id: int | None = None
    notifier_metrics_port: int | None = None
    notifier_metrics_host: str = "127.0.0.1"

    _positive = validator("notifier_poll_seconds", allow_reuse=True)(positive)

    @validator("notifier_metrics_port")
    def _port(cls, value: int | None) -> int | None:
        """A port number above 0, or unset (no metrics served)."""
        return None if value is None else int(positive(value))

    _group = validator("telegram_staff_chat_id", allow_reuse=True)(group_chat_id)
    _staff_group_needs_the_bot = root_validator(skip_on_failure=True, allow_reuse=True)(
        required_with("telegram_token", when="telegram_staff_chat_id")
    )
