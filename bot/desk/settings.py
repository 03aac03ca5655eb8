"""The desk's settings, read from the environment (HELPDESK_DESK_*).

Tokens are required: a desk that anyone on the machine could write to would defeat the roles the
contract promises, so the server refuses to start without them rather than inventing a default.
So is the secret that signs the staff pages' CSRF tokens, for the same reason. Staff sign in
with accounts kept in the database (`helpdesk desk account`); the session they open is kept
there too, so this secret signs no session and changing it only makes open forms stale.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, SecretStr, validator

from bot.desk.accounts import MIN_PASSWORD
from bot.office_hours.settings import OfficeHoursSettings
from bot.settings import (
    MIN_SECRET,
    HelpdeskSettings,
    SettingsProblem,
    blank_secret,
    long_secret,
    positive,
    problem,
    say,
)

ROLES = ("assistant", "staff")
COOKIE_SECURE = ("auto", "always", "never")
# What a low rating does: tell the staff (a `rating` change the staff group is shown), or
# reopen the ticket (back to in_progress, which the official is told of too).
ALERT, REOPEN = "alert", "reopen"
LOW_RATING_ACTIONS = (ALERT, REOPEN)
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
        if len(token) < MIN_SECRET:
            raise _malformed("short", number=number, length=MIN_SECRET)
        if token in roles:
            raise _malformed("twice", number=number)
        roles[token] = role
    return roles


def secure_choice(value: str) -> str:
    """One of COOKIE_SECURE: when the session cookie is marked Secure."""
    chosen = value.strip().lower()
    if chosen not in COOKIE_SECURE:
        raise problem("cookie_secure", choices=", ".join(COOKIE_SECURE))
    return chosen


def low_rating_score(value: int) -> int:
    """A score from 1 to 5: ratings at or below it are low."""
    if not 1 <= value <= 5:
        raise problem("low_rating")
    return value


def low_rating_choice(value: str) -> str:
    """One of LOW_RATING_ACTIONS."""
    chosen = value.strip().lower()
    if chosen not in LOW_RATING_ACTIONS:
        raise problem("low_rating_action", choices=", ".join(LOW_RATING_ACTIONS))
    return chosen


def first_password(value: SecretStr | None) -> SecretStr | None:
    """The first admin's password, or None if blank; a short one can be guessed."""
    secret = blank_secret(value)
    if secret is not None and len(secret.get_secret_value()) < MIN_PASSWORD:
        raise problem("first_admin_password", length=MIN_PASSWORD)
    return secret


class DeskDatabaseSettings(HelpdeskSettings):
    """Where the desk keeps its tickets and staff accounts: all `helpdesk desk account` needs."""

    database_url: str = "sqlite:///var/desk.db"

    class Config:
        env_prefix = "HELPDESK_DESK_"


class DeskSettings(DeskDatabaseSettings, OfficeHoursSettings):
    """Where tickets are kept, who may call, and how long each urgency may wait (in working
    hours of the office hours file, HELPDESK_OFFICE_HOURS_FILE)."""

    # SecretStr keeps the tokens out of reprs and validation messages.
    tokens: SecretStr
    # Signs the staff pages' CSRF tokens; changing it makes the forms already open stale.
    session_secret: SecretStr
    # How long a staff page session lasts from sign-in, however much it is used.
    session_hours: float = 12
    # "auto": Secure when the page came over HTTPS (behind a proxy too: uvicorn reads its
    # X-Forwarded-Proto); "always" for a desk only ever reached over HTTPS; "never" to test.
    cookie_secure: str = "auto"
    # Makes the first admin account (`quantri`) when the desk starts with no account at all.
    first_admin_password: SecretStr | None = None
    sla_hours_normal: float = 24
    sla_hours_urgent: float = 8
    sla_hours_very_urgent: float = 2
    # The assistant's store (`helpdesk run` sets it for every process): a ticket's page then
    # says when a staff reply could not reach the official. Unset, the page says nothing.
    store_database_url: str | None = Field(default=None, env="HELPDESK_DATABASE_URL")
    # An official's rating at or below this many stars is low, and calls for `low_rating_action`.
    low_rating: int = 2
    low_rating_action: str = ALERT
    # The live knowledge base (`helpdesk run` sets it to <state>/kb/current for every process),
    # whose articles a ticket's page and the staff group suggest.
    knowledge_base_dir: Path = Field(
        default=Path("knowledge_base"), env="HELPDESK_KNOWLEDGE_BASE_DIR"
    )

    @validator("tokens")
    def _tokens_parse(cls, value: SecretStr) -> SecretStr:
        parse_tokens(value.get_secret_value())
        return value

    _secret_long_enough = validator("session_secret", allow_reuse=True)(long_secret)
    _cookie_secure_known = validator("cookie_secure", allow_reuse=True)(secure_choice)
    _first_password_long = validator("first_admin_password", allow_reuse=True)(first_password)
    _low_rating_score = validator("low_rating", allow_reuse=True)(low_rating_score)
    _low_rating_known = validator("low_rating_action", allow_reuse=True)(low_rating_choice)
    _hours_positive = validator(
        "session_hours",
        "sla_hours_normal",
        "sla_hours_urgent",
        "sla_hours_very_urgent",
        allow_reuse=True,
    )(positive)

    def session_lifetime(self) -> timedelta:
        """How long a staff page session lasts from sign-in."""
        return timedelta(hours=self.session_hours)

    def token_roles(self) -> dict[str, str]:
        """Role by token."""
        return parse_tokens(self.tokens.get_secret_value())

    def service_levels(self) -> dict[str, timedelta]:
        """How long a ticket of each urgency may wait: its deadline is creation plus this much
        working time."""
        return {
            "normal": timedelta(hours=self.sla_hours_normal),
            "urgent": timedelta(hours=self.sla_hours_urgent),
            "very_urgent": timedelta(hours=self.sla_hours_very_urgent),
        }
