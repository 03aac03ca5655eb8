"""What every audience's handlers share: the application's types, the menu, a person's name."""

from __future__ import annotations

from typing import Any

from telegram import BotCommand, Update
from telegram.ext import Application, CallbackContext

from bot.plain_text import clean
from bot.texts import texts

Context = CallbackContext[Any, Any, Any, Any]
AnyApplication = Application[Any, Any, Any, Any, Any, Any]

MAX_NAME = 128


def bot_commands() -> list[BotCommand]:
    """The bot's menu, with the Vietnamese descriptions of `texts.yml`."""
    return [
        BotCommand(name, str(text))
        for name, text in texts("bot.channels.telegram").labels("commands").items()
    ]


def display_name(update: Update) -> str | None:
    """The person's first and last name as Telegram gives them, or None."""
    user = update.effective_user
    if user is None:
        return None
    name = " ".join(clean(" ".join(p for p in (user.first_name, user.last_name) if p)).split())
    return name[:MAX_NAME] or None
