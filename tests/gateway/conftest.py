"""Fixtures: the fake Telegram Bot API, the fake Rasa server, a served gateway, the staff group."""

from tests.channels.telegram.fakes import (  # noqa: F401  (fixtures)
    fake_rasa,
    fake_telegram,
    gateway,
    rasa_url,
    settings,
    sqlite_url,
    telegram_url,
)
from tests.channels.telegram.staff.fakes import staff_desk, staff_env  # noqa: F401  (fixtures)
