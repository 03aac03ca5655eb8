"""The Zalo channel's settings, read from HELPDESK_ZALO_* variables."""

from __future__ import annotations

import os

from pydantic import BaseSettings, SecretStr, validator


class ZaloSettings(BaseSettings):
    """HELPDESK_ZALO_APP_ID, _OA_SECRET_KEY and _APP_SECRET_KEY (required), and the rest."""

    # The secret keys have no default: a webhook checked against a guessable key takes forged
    # messages. The initial tokens seed `channel_tokens` once; after that the store's pair,
    # refreshed in place, is the only one used, so stale values here do no harm.
    app_id: str
    oa_secret_key: SecretStr
    app_secret_key: SecretStr
    access_token: SecretStr | None = None
    refresh_token: SecretStr | None = None
    api_base_url: str = "https://openapi.zalo.me"
    oauth_base_url: str = "https://oauth.zaloapp.com"
    timeout_seconds: float = 10.0

    @validator("app_id")
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @validator("api_base_url", "oauth_base_url")
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @validator("timeout_seconds")
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0")
        return value

    class Config:
        env_prefix = "HELPDESK_ZALO_"


def zalo_from_environment() -> ZaloSettings | None:
    """Zalo's settings when HELPDESK_ZALO_APP_ID is set (then the rest must be right), else None."""
    return ZaloSettings() if os.environ.get("HELPDESK_ZALO_APP_ID") else None  # type: ignore[call-arg]
