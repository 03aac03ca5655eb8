"""The updates the bot takes, and whether one read from JSON has the Bot API's types."""

from __future__ import annotations

from telegram import Update

ALLOWED_UPDATES = ("message", "edited_message", "callback_query")


def well_formed(update: Update) -> bool:
    """Whether the fields the handlers read have the types the Bot API gives them.

    python-telegram-bot builds objects from whatever JSON it gets, so a forged body can carry a
    number as a text or a string as a chat id.
    """
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    query = update.callback_query
    return (
        (chat is None or (_is_int(chat.id) and isinstance(chat.type, str)))
        and (
            user is None
            or (
                _is_int(user.id)
                and isinstance(user.first_name, str)
                and isinstance(user.last_name, str | None)
            )
        )
        and (
            message is None
            or (
                getattr(message, "chat", None) is not None
                and isinstance(getattr(message, "text", None), str | None)
            )
        )
        and (query is None or isinstance(query.data, str | None))
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
