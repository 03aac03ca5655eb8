"""The Zalo channel's settings, read from HELPDESK_ZALO_* variables."""

from __future__ import annotations

import os

from pydantic import SecretStr, validator

from bot.settings import no_trailing_slash, not_blank, positive
from bot.store.sealing import StoreKeySettings


class ZaloSettings(StoreKeySettings):
    """HELPDESK_ZALO_APP_ID, _OA_SECRET_KEY and _APP_SECRET_KEY (required), and the rest; and
    HELPDESK_STORE_KEY (required), which seals the tokens kept in the store."""

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
    # An approved template (ZBS/OA template id) for telling officials silent more than 7 days
    # that a reply waits; without it such notices wait until the official writes.
    template_id: str | None = None

    _not_blank = validator("app_id", allow_reuse=True)(not_blank)

    @validator("template_id")
    def _template_not_blank(cls, value: str | None) -> str | None:
        """A template id without spaces around it; blank is refused rather than taken as none."""
        return None if value is None else not_blank(value)

    _no_trailing_slash = validator("api_base_url", "oauth_base_url", allow_reuse=True)(
        no_trailing_slash
    )
    _positive = validator("timeout_seconds", allow_reuse=True)(positive)

    class Config:
        env_prefix = "HELPDESK_ZALO_"


def zalo_from_environment() -> ZaloSettings | None:
    """Zalo's settings when HELPDESK_ZALO_APP_ID is set (then the rest must be right), else None."""
    return ZaloSettings() if os.environ.get("HELPDESK_ZALO_APP_ID") else None  # type: ignore[call-arg]
