"""Fixtures: the fake Telegram Bot API, the fake Rasa server and a served gateway."""

from tests.channels.telegram.fakes import (  # noqa: F401  (fixtures)
    fake_rasa,
    fake_telegram,
    gateway,
    rasa_url,
    settings,
    sqlite_url,
    telegram_url,
)
