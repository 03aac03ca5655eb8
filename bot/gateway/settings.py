"""The gateway's settings, read from HELPDESK_* variables."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import SecretStr, root_validator, validator

from bot.rasa_settings import RasaChannelSettings
from bot.settings import (
    MIN_SECRET,
    TelegramBotSettings,
    blank_secret,
    https,
    id_set,
    problem,
    required_with,
    telegram_ids,
)
from bot.store.shared_settings import SharedStateSettings

# What Telegram accepts as a webhook's secret token, at least as long as any secret of ours:
# the webhook is reachable from the internet, and a short secret can be guessed there.
_SECRET = re.compile(rf"^[A-Za-z0-9_-]{{{MIN_SECRET},256}}$")


def webhook_secret(value: SecretStr | None) -> SecretStr | None:
    """The webhook's secret, or None if blank; refused if short or Telegram would not accept it."""
    secret = blank_secret(value)
    if secret is not None and not _SECRET.match(secret.get_secret_value()):
        raise problem("webhook_secret", length=MIN_SECRET)
    return secret


class GatewaySettings(TelegramBotSettings, RasaChannelSettings, SharedStateSettings):
    """What the gateway reads from the environment.

    HELPDESK_TELEGRAM_TOKEN turns Telegram on; HELPDESK_TELEGRAM_WEBHOOK_SECRET is then required
    (no default: a guessable secret would let anyone post forged updates).
    HELPDESK_TELEGRAM_BASE_URL, HELPDESK_TELEGRAM_WEBHOOK_URL (optional: the gateway registers
    its webhook there at startup), HELPDESK_RASA_URL, HELPDESK_RASA_TIMEOUT_SECONDS (default 8),
    HELPDESK_RASA_CHANNEL_TOKEN (required: Rasa's channel answers no one without it) and
    HELPDESK_DATABASE_URL, and HELPDESK_REDIS_URL (optional: what the gateways share, in Redis
    rather than the store).
    Trainers (docs/telegram.md): HELPDESK_TELEGRAM_TRAINER_IDS, HELPDESK_STATE_DIR (the published
    knowledge base versions live in `<state>/kb`) and HELPDESK_PROJECT_DIR (config, training data
    and the repository's `knowledge_base/`, for retraining).
    """

    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_url: str | None = None
    # Comma-separated Telegram user ids; read as text (pydantic would want JSON for a set).
    telegram_trainer_ids: str = ""
    state_dir: Path = Path("var")
    project_dir: Path = Path(".")

    _webhook_secret = validator("telegram_webhook_secret", allow_reuse=True)(webhook_secret)
    _https = validator("telegram_webhook_url", allow_reuse=True)(https)
    _trainer_ids = validator("telegram_trainer_ids", allow_reuse=True)(telegram_ids)
    _secret_with_token = root_validator(skip_on_failure=True, allow_reuse=True)(
        required_with("telegram_webhook_secret", when="telegram_token")
    )

    @property
    def trainer_ids(self) -> frozenset[int]:
        """The Telegram user ids of the trainers, who may publish and announce."""
        return id_set(self.telegram_trainer_ids)
