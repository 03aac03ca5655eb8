"""Typed settings, one object per process, read from the environment (HELPDESK_*).

Why it looks like this:
- Every settings class derives from `HelpdeskSettings`, and a process that reads what another
  part already reads inherits that part, so a variable has one name, one default and one check.
- The checks are plain functions, registered per field with
  `validator("field", allow_reuse=True)(positive)`, so each is written once.
- A refusal is a `SettingsProblem`, its reason in Vietnamese from settings.yml, and
  `settings_problems` names each refused variable with the prefix of the class that refused it.
  Nothing here ever says a value: it may be a secret, and a secret in a log is a leaked one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseSettings, PydanticValueError, SecretStr, ValidationError, validator

from bot.texts import texts

_TELEGRAM_TOKEN = re.compile(r"^[0-9]{1,20}:[A-Za-z0-9_-]{1,200}$")
# The fewest characters of a secret or token we generate or accept: 32 random URL-safe
# characters are 192 bits, beyond any guessing over HTTP.
MIN_SECRET = 32
# The secrets guarding the hops between the assistant's own processes (docs/architecture.md).
ACTION_SERVER_TOKEN = "HELPDESK_ACTION_SERVER_TOKEN"
RASA_API_TOKEN = "HELPDESK_RASA_API_TOKEN"
RASA_CHANNEL_TOKEN = "HELPDESK_RASA_CHANNEL_TOKEN"
# Signs the web chat's sessions and buttons (bot/webchat/settings.py); `helpdesk run` makes one.
WEBCHAT_SECRET = "HELPDESK_WEBCHAT_SECRET"
# Telegram's ids fit in 64 bits: more digits than that is a typo, not an id.
_ID_DIGITS = 20

# pydantic's own refusals, by its error type, to the reason said for them in settings.yml.
_PYDANTIC_REASONS = {
    "value_error.missing": "missing",
    "type_error.none.not_allowed": "missing",
    "type_error.float": "number",
    "type_error.number": "number",
    "type_error.integer": "integer",
    "type_error.bool": "boolean",
    "type_error.path": "path",
}


def say(key: str, **values: object) -> str:
    """The text at `key` in settings.yml, filled in from `values`."""
    return texts("bot", "settings.yml").say(key, **values)


class SettingsProblem(PydanticValueError):
    """A refused setting: `reason` in Vietnamese; `variable` when a check of several names one."""

    # pydantic reports it as `value_error.helpdesk`, which tells it from its own refusals.
    code = "helpdesk"
    msg_template = "{reason}"


def problem(key: str, **values: object) -> SettingsProblem:
    """The refusal whose reason is `problems.<key>` in settings.yml."""
    return SettingsProblem(reason=say(f"problems.{key}", **values))


def settings_problems(error: ValidationError) -> list[str]:
    """One line per refusal: the variable, then why ("HELPDESK_DESK_TOKEN: chưa được đặt...")."""
    model = error.model
    prefix = (
        model.__config__.env_prefix
        if isinstance(model, type) and issubclass(model, BaseSettings)
        else HelpdeskSettings.__config__.env_prefix
    )
    lines = []
    for found in error.errors():
        context = found.get("ctx", {})
        if found["type"] == f"value_error.{SettingsProblem.code}":
            reason = str(context["reason"])
        else:
            # Never pydantic's own message: it is English, and some quote the value.
            reason = say("pydantic." + _PYDANTIC_REASONS.get(found["type"], "invalid"))
        where = str(found["loc"][0])
        named = "" if where == "__root__" else _variable(model, where, prefix)
        variable = context.get("variable") or named
        lines.append(f"{variable}: {reason}" if variable else reason)
    return lines


def _variable(model: object, field: str, prefix: str) -> str:
    """The variable `field` is read from: its own name if it has one (a variable several
    settings share, whatever their prefix), else the class prefix and the field's name."""
    fields = getattr(model, "__fields__", {})
    names = fields[field].field_info.extra.get("env_names") if field in fields else None
    if names and len(names) == 1:
        return str(next(iter(names))).upper()
    return prefix + field.upper()


def positive(value: float) -> float:
    """`value` if it is more than 0: a wait, a timeout or a number of hours."""
    if value <= 0:
        raise problem("positive")
    return value


def not_blank(value: str) -> str:
    """`value` without surrounding spaces; refused if nothing is left."""
    if not value.strip():
        raise problem("blank")
    return value.strip()


def no_trailing_slash(value: str) -> str:
    """`value` without a final "/", so paths can be appended to it."""
    return value.rstrip("/")


def https(value: str | None) -> str | None:
    """`value` if it is an https:// address (or unset): Telegram calls only those."""
    if value is not None and not value.startswith("https://"):
        raise problem("https")
    return value or None


def blank_secret(value: SecretStr | None) -> SecretStr | None:
    """None for a blank secret: `VAR=` in an env file means "not set", as leaving it out does."""
    return value if value is not None and value.get_secret_value().strip() else None


def long_secret(value: SecretStr | None) -> SecretStr | None:
    """`value` (or unset) if it has at least MIN_SECRET characters: a short one can be guessed."""
    if value is not None and len(value.get_secret_value()) < MIN_SECRET:
        raise problem("short_secret", length=MIN_SECRET)
    return value


def bot_token(value: SecretStr | None) -> SecretStr | None:
    """The bot token, trimmed, or None if blank; refused unless shaped as @BotFather gives it."""
    secret = blank_secret(value)
    if secret is None:
        return None
    token = secret.get_secret_value().strip()
    if not _TELEGRAM_TOKEN.match(token):
        raise problem("telegram_token")
    return SecretStr(token)


def telegram_ids(value: str) -> str:
    """Comma-separated Telegram user ids, tidied (`" 11, 22 ,,33"` → `"11,22,33"`)."""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not all(part.isdigit() and len(part) <= _ID_DIGITS for part in parts):
        raise problem("telegram_ids")
    return ",".join(parts)


def id_set(value: str) -> frozenset[int]:
    """The ids of a list `telegram_ids` accepted."""
    return frozenset(int(part) for part in value.split(",") if part)


def group_chat_id(value: int | None) -> int | None:
    """`value` if it is a group's chat id (Telegram gives groups negative ids), or unset."""
    if value is not None and value >= 0:
        raise problem("group_chat_id")
    return value


def required_with(needed: str, when: str) -> Callable[[Any, dict[str, Any]], dict[str, Any]]:
    """A root validator: the field `needed` must be set once the field `when` is.

    Register it with `root_validator(skip_on_failure=True, allow_reuse=True)`; the refusal
    names both variables, with the prefix of the class that refused them.
    """

    def check(cls: type[BaseSettings], values: dict[str, Any]) -> dict[str, Any]:
        if values.get(when) is not None and not values.get(needed):
            prefix = cls.__config__.env_prefix
            raise SettingsProblem(
                reason=say("problems.required_with", other=prefix + when.upper()),
                variable=prefix + needed.upper(),
            )
        return values

    return check


class HelpdeskSettings(BaseSettings):
    """The base of every settings class: HELPDESK_* variables (some parts narrow the prefix)."""

    class Config:
        env_prefix = "HELPDESK_"


class StoreSettings(HelpdeskSettings):
    """Where the assistant's own data lives: SQLite by default, PostgreSQL by URL."""

    database_url: str = "sqlite:///var/helpdesk.db"


class ActionSettings(StoreSettings):
    """The store and the knowledge base: what the action server answers from, and the software
    names the notifier shows staff."""

    knowledge_base_dir: Path = Path("knowledge_base")


class DeskAddressSettings(HelpdeskSettings):
    """Where the document system is: the address called, the one in links for people, the wait."""

    desk_url: str = "http://127.0.0.1:8100"
    desk_public_url: str | None = None
    desk_timeout_seconds: float = 10.0

    _positive_desk_timeout = validator("desk_timeout_seconds", allow_reuse=True)(positive)

    @property
    def public_url(self) -> str:
        """The desk's address in links for people: the public one, else the desk URL."""
        return self.desk_public_url or self.desk_url


class DeskClientSettings(DeskAddressSettings):
    """How the assistant reaches the document system: the built-in desk or a province's own.

    The token has no default: a province's system must not be called with a guessable one, and
    `helpdesk run` generates a local token for the built-in desk.
    """

    desk_token: SecretStr


class TelegramBotSettings(HelpdeskSettings):
    """The Telegram bot, on when HELPDESK_TELEGRAM_TOKEN is set: the token and the Bot API."""

    telegram_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"

    _telegram_token = validator("telegram_token", allow_reuse=True)(bot_token)

    @property
    def telegram_enabled(self) -> bool:
        """Whether a Telegram bot token is set."""
        return self.telegram_token is not None


class ActionServerSettings(HelpdeskSettings):
    """The secret every call to the action server carries, and the server requires.

    Required: without it anyone on the machine could post a made-up conversation and read an
    official's tickets. `helpdesk run` generates one (bot/assistant/local_secrets.py).
    """

    action_server_token: SecretStr

    _long_token = validator("action_server_token", allow_reuse=True)(long_secret)
