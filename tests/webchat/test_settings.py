"""The web chat's settings: a required secret and two limits, refused naming the variable.

Also where the web chat is served: `helpdesk gateway` stops naming a missing or weak secret,
and `helpdesk run` generates one for a machine with nothing set, as it does its other secrets.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from pydantic import SecretStr, ValidationError

from bot.kb import publishing
from bot.settings import WEBCHAT_SECRET, say, settings_problems
from bot.webchat.settings import WebChatSettings

# Looks like a secret, and must never be printed whatever is refused.
WEAK = "weak-secret-value"


@pytest.fixture(autouse=True)
def no_helpdesk_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("HELPDESK_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)


def problems(**values: Any) -> list[str]:
    with pytest.raises(ValidationError) as refusal:
        WebChatSettings(**values)
    assert WEAK not in str(refusal.value)
    return settings_problems(refusal.value)


def test_the_secret_and_the_limits_are_read_from_their_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(WEBCHAT_SECRET, "s" * 32)
    monkeypatch.setenv("HELPDESK_WEBCHAT_SENDER_PER_MINUTE", "5")
    monkeypatch.setenv("HELPDESK_WEBCHAT_ADDRESS_PER_MINUTE", "50")

    settings = WebChatSettings()  # type: ignore[call-arg]  # the secret: from the environment

    assert settings.secret.get_secret_value() == "s" * 32
    assert (settings.sender_per_minute, settings.address_per_minute) == (5, 50)
    assert "s" * 32 not in repr(settings)


def test_the_limits_default_to_20_a_page_and_60_an_address() -> None:
    settings = WebChatSettings(secret=SecretStr("s" * 32))

    assert (settings.sender_per_minute, settings.address_per_minute) == (20, 60)


def test_a_missing_secret_is_named() -> None:
    assert problems() == [f"{WEBCHAT_SECRET}: " + say("pydantic.missing")]


@pytest.mark.parametrize("secret", [WEAK, "", "s" * 31])
def test_a_short_secret_is_refused_without_saying_it(secret: str) -> None:
    assert problems(secret=SecretStr(secret)) == [
        f"{WEBCHAT_SECRET}: " + say("problems.short_secret", length=32)
    ]


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("sender_per_minute", 0, say("problems.positive")),
        ("address_per_minute", -5, say("problems.positive")),
        ("sender_per_minute", "hai mươi", say("pydantic.integer")),
    ],
)
def test_a_limit_that_is_not_a_positive_whole_number_is_refused(
    name: str, value: object, reason: str
) -> None:
    assert problems(secret=SecretStr("s" * 32), **{name: value}) == [
        f"HELPDESK_WEBCHAT_{name.upper()}: {reason}"
    ]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """What the gateway would have served, without serving it."""
    configs: list[object] = []
    monkeypatch.setattr(
        uvicorn.Server, "run", lambda server, *a, **k: configs.append(server.config)
    )
    return configs


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, f"{WEBCHAT_SECRET}: chưa được đặt; biến này là bắt buộc."),
        ({WEBCHAT_SECRET: WEAK}, f"{WEBCHAT_SECRET}: quá ngắn"),
        (
            {WEBCHAT_SECRET: "s" * 32, "HELPDESK_WEBCHAT_ADDRESS_PER_MINUTE": "0"},
            "HELPDESK_WEBCHAT_ADDRESS_PER_MINUTE: phải là một số lớn hơn 0.",
        ),
    ],
)
def test_the_gateway_stops_naming_a_missing_or_weak_secret_and_serves_nothing(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    served: list[object],
    environment: dict[str, str],
    expected: str,
) -> None:
    # Rasa's channel token, which the gateway reads first: its refusal would hide these.
    monkeypatch.setenv("HELPDESK_RASA_CHANNEL_TOKEN", "c" * 32)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    from bot.cli.main import main

    assert main(["gateway"]) == 1

    output = capsys.readouterr()
    assert expected in output.err
    assert WEAK not in output.err + output.out
    assert served == []


def stop_before_training(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `helpdesk run` stop right after its secrets, before seeding or training anything."""

    def refuse(*args: object, **kwargs: object) -> Path:
        raise publishing.InvalidKnowledgeBase(["dừng ở đây"])

    monkeypatch.setattr(publishing, "ensure_seeded", refuse)


def secrets_in(state: Path) -> dict[str, str]:
    lines = (state / "local-secrets.env").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and line[0] != "#")


def test_run_generates_the_web_chat_secret_once_on_a_machine_with_nothing_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stop_before_training(monkeypatch)
    from bot.cli.main import main

    main(["run", "--no-terminal", "--state-dir", str(tmp_path)])
    first = secrets_in(tmp_path)[WEBCHAT_SECRET]
    main(["run", "--no-terminal", "--state-dir", str(tmp_path)])

    assert len(first) >= 32
    assert secrets_in(tmp_path)[WEBCHAT_SECRET] == first
    assert WebChatSettings(secret=SecretStr(first)).secret.get_secret_value() == first
    assert "dừng ở đây" in capsys.readouterr().err


def test_run_stops_on_a_weak_web_chat_secret_before_anything_else(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stop_before_training(monkeypatch)
    monkeypatch.setenv(WEBCHAT_SECRET, WEAK)
    from bot.cli.main import main

    assert main(["run", "--no-terminal", "--state-dir", str(tmp_path)]) == 1

    output = capsys.readouterr()
    assert f"{WEBCHAT_SECRET}: quá ngắn" in output.err and "dừng ở đây" not in output.err
    assert WEAK not in output.err + output.out
    assert WEAK not in (tmp_path / "local-secrets.env").read_text(encoding="utf-8")
