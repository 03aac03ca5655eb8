"""The desk's settings, read from the environment (HELPDESK_DESK_*).

Tokens are required: a desk that anyone on the machine could write to would defeat the roles the
contract promises, so the server refuses to start without them rather than inventing a default.
So is the session secret that signs the staff pages' login cookies, for the same reason.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import SecretStr, validator

from bot.settings import HelpdeskSettings, SettingsProblem, positive, problem, say

ROLES = ("assistant", "staff")
MIN_SECRET = 32
URGENCIES = ("normal", "urgent", "very_urgent")


class TokenError(SettingsProblem):
    """The tokens setting is malformed; the reason says where, never what the token is."""


def _malformed(key: str, **values: object) -> TokenError:
    return TokenError(reason=say(f"problems.desk_tokens.{key}", **values))


def parse_tokens(value: str) -> dict[str, str]:
    """Role by token, from comma-separated `role:token` pairs such as `assistant:abc,staff:def`."""
    roles: dict[str, str] = {}
    pairs = [pair.strip() for pair in value.split(",")]
    if not any(pairs):
        raise _malformed("none")
    for number, pair in enumerate(pairs, start=1):
        role, colon, token = pair.partition(":")
        if not colon:
            raise _malformed("not_a_pair", number=number)
        role, token = role.strip(), token.strip()
        if role not in ROLES:
            raise _malformed("role", number=number, roles=", ".join(ROLES))
        if not token or not all(33 <= ord(char) < 127 for char in token):
            raise _malformed("token", number=number)
        if token in roles:
            raise _malformed("twice", number=number)
        roles[token] = role
    return roles


def long_secret(value: SecretStr) -> SecretStr:
    """`value` if it has at least MIN_SECRET characters: a short one can be guessed."""
    if len(value.get_secret_value()) < MIN_SECRET:
        raise problem("session_secret", length=MIN_SECRET)
    return value


class DeskSettings(HelpdeskSettings):
    """Where tickets are kept, who may call, and how long each urgency may wait."""

    database_url: str = "sqlite:///var/desk.db"
    # SecretStr keeps the tokens out of reprs and validation messages.
    tokens: SecretStr
    # Signs the staff pages' session cookies; changing it signs everyone out.
    session_secret: SecretStr
    sla_hours_normal: float = 24
    sla_hours_urgent: float = 8
    sla_hours_very_urgent: float = 2

    class Config:
        env_prefix = "HELPDESK_DESK_"

    @validator("tokens")
    def _tokens_parse(cls, value: SecretStr) -> SecretStr:
        parse_tokens(value.get_secret_value())
        return value

    _secret_long_enough = validator("session_secret", allow_reuse=True)(long_secret)
    _hours_positive = validator(
        "sla_hours_normal", "sla_hours_urgent", "sla_hours_very_urgent", allow_reuse=True
    )(positive)

    def token_roles(self) -> dict[str, str]:
        """Role by token."""
        return parse_tokens(self.tokens.get_secret_value())

    def service_levels(self) -> dict[str, timedelta]:
        """How long a ticket of each urgency may wait: its deadline is creation plus this."""
        return {
            "normal": timedelta(hours=self.sla_hours_normal),
            "urgent": timedelta(hours=self.sla_hours_urgent),
            "very_urgent": timedelta(hours=self.sla_hours_very_urgent),
        }
