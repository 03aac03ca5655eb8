"""The gateway's settings, read from HELPDESK_* variables."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseSettings, SecretStr, root_validator, validator

# What Telegram accepts as a webhook's secret token, and the shape of a bot token.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_TOKEN = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,200}$")


class GatewaySettings(BaseSettings):
    """What the gateway reads from the environment.

    HELPDESK_TELEGRAM_TOKEN turns Telegram on; HELPDESK_TELEGRAM_WEBHOOK_SECRET is then required
    (no default: a guessable secret would let anyone post forged updates).
    HELPDESK_TELEGRAM_BASE_URL, HELPDESK_TELEGRAM_WEBHOOK_URL (optional: the gateway registers
    its webhook there at startup), HELPDESK_RASA_URL, HELPDESK_RASA_TIMEOUT_SECONDS (default 8)
    and HELPDESK_DATABASE_URL.
    Trainers (docs/telegram.md): HELPDESK_TELEGRAM_TRAINER_IDS, HELPDESK_STATE_DIR (the published
    knowledge base versions live in `<state>/kb`) and HELPDESK_PROJECT_DIR (config, training data
    and the repository's `knowledge_base/`, for retraining).
    """

    telegram_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 8.0
    database_url: str = "sqlite:///var/helpdesk.db"
    # Comma-separated Telegram user ids; read as text (pydantic would want JSON for a set).
    telegram_trainer_ids: str = ""
    state_dir: Path = Path("var")
    project_dir: Path = Path(".")

    @validator("telegram_token")
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not _TOKEN.match(value.get_secret_value().strip()):
            raise ValueError("is not a Telegram bot token (digits, a colon, then letters)")
        return SecretStr(value.get_secret_value().strip())

    @validator("telegram_webhook_secret")
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not _SECRET.match(value.get_secret_value()):
            raise ValueError("must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @validator("rasa_timeout_seconds")
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0")
        return value

    @validator("telegram_webhook_url")
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("must be an https:// address (Telegram calls only those)")
        return value or None

    @validator("telegram_trainer_ids")
    def _trainer_ids(cls, value: str) -> str:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not all(part.isdigit() and len(part) <= 20 for part in parts):
            raise ValueError("must be Telegram user ids (numbers) separated by commas")
        return ",".join(parts)

    @root_validator(skip_on_failure=True)
    def _secret_with_token(cls, values: dict[str, Any]) -> dict[str, Any]:
        if (
            values.get("telegram_token") is not None
            and values.get("telegram_webhook_secret") is None
        ):
            raise ValueError(
                "HELPDESK_TELEGRAM_WEBHOOK_SECRET is required when HELPDESK_TELEGRAM_TOKEN is set"
            )
        return values

    @property
    def telegram_enabled(self) -> bool:
        """Whether a Telegram bot token is set."""
        return self.telegram_token is not None

    @property
    def trainer_ids(self) -> frozenset[int]:
        """The Telegram user ids of the trainers, who may publish and announce."""
        return frozenset(int(part) for part in self.telegram_trainer_ids.split(",") if part)

    class Config:
        env_prefix = "HELPDESK_"
