"""The trainers' tests share one fake Telegram, project, state folder and gateway."""

from tests.channels.telegram.trainers.fakes import (  # noqa: F401  (fixtures for this folder)
    fake_telegram_fixture,
    project_fixture,
    state_fixture,
    trainer_gateway_fixture,
    trainer_settings_fixture,
    training_starts_fixture,
)
