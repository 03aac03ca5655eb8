"""The web chat's settings, read from HELPDESK_WEBCHAT_* variables by the process serving it."""

from __future__ import annotations

from pydantic import SecretStr, validator

from bot.settings import HelpdeskSettings, long_secret, positive
from bot.webchat.limits import ADDRESS_PER_MINUTE, SENDER_PER_MINUTE


class WebChatSettings(HelpdeskSettings):
    """HELPDESK_WEBCHAT_SECRET (required) and the two rate limits, in messages a minute.

    The secret has no default: whoever knows it can make the token of any sender id, and so
    read that official's staff replies. `helpdesk run` generates one into var/.
    """

    secret: SecretStr
    sender_per_minute: int = SENDER_PER_MINUTE
    address_per_minute: int = ADDRESS_PER_MINUTE

    _long_secret = validator("secret", allow_reuse=True)(long_secret)
    _positive = validator("sender_per_minute", "address_per_minute", allow_reuse=True)(positive)

    class Config:
        env_prefix = "HELPDESK_WEBCHAT_"
