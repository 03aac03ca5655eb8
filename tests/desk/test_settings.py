from datetime import timedelta

import pytest
from pydantic import ValidationError

from bot.desk.settings import DeskSettings, TokenError, parse_tokens
from tests.desk.conftest import SESSION_SECRET


def test_tokens_are_read_from_the_environment_with_their_roles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", " assistant:abc123 , staff:def456 ")
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    settings = DeskSettings()
    assert settings.token_roles() == {"abc123": "assistant", "def456": "staff"}
    assert settings.database_url == "sqlite:///elsewhere.db"
    assert settings.session_secret.get_secret_value() == SESSION_SECRET


def test_tokens_are_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPDESK_DESK_TOKENS", raising=False)
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    with pytest.raises(ValidationError, match="tokens"):
        DeskSettings()


def test_the_session_secret_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPDESK_DESK_SESSION_SECRET", raising=False)
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", "staff:def456")
    with pytest.raises(ValidationError, match="session_secret"):
        DeskSettings()


def test_a_short_session_secret_is_refused_without_showing_it() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters") as refused:
        DeskSettings(tokens="staff:x", session_secret="short-secret-0123456789")
    assert "short-secret" not in str(refused.value)
    assert DeskSettings(tokens="staff:x", session_secret="s" * 32).session_secret


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "no tokens"),
        (" , ", "no tokens"),
        ("abc123", "pair 1 is not role:token"),
        ("assistant:abc123,admin:def456", "pair 2: the role must be one of assistant, staff"),
        ("staff:", "pair 1: the token must be printable ASCII"),
        ("staff:ab c", "pair 1: the token must be printable ASCII"),
        ("assistant:same1,staff:same1", "pair 2: the same token is given twice"),
    ],
)
def test_malformed_tokens_are_refused_with_a_clear_error(value: str, problem: str) -> None:
    with pytest.raises(TokenError, match=problem):
        parse_tokens(value)
    with pytest.raises(ValidationError, match=problem):
        DeskSettings(tokens=value, session_secret=SESSION_SECRET)


def test_refusals_and_reprs_never_show_a_token() -> None:
    with pytest.raises(ValidationError) as refused:
        DeskSettings(tokens="staff:secret-one,boss:secret-two", session_secret=SESSION_SECRET)
    assert "secret-" not in str(refused.value)
    shown = repr(DeskSettings(tokens="staff:secret-one", session_secret=SESSION_SECRET))
    assert "secret-one" not in shown
    assert SESSION_SECRET not in shown


def test_service_levels_default_to_24_8_and_2_hours() -> None:
    assert DeskSettings(tokens="staff:x", session_secret=SESSION_SECRET).service_levels() == {
        "normal": timedelta(hours=24),
        "urgent": timedelta(hours=8),
        "very_urgent": timedelta(hours=2),
    }


def test_service_levels_can_be_set_and_must_be_positive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_DESK_SLA_HOURS_URGENT", "4.5")
    assert DeskSettings(tokens="staff:x", session_secret=SESSION_SECRET).service_levels()[
        "urgent"
    ] == timedelta(hours=4.5)
    monkeypatch.setenv("HELPDESK_DESK_SLA_HOURS_NORMAL", "0")
    with pytest.raises(ValidationError, match="more than zero"):
        DeskSettings(tokens="staff:x", session_secret=SESSION_SECRET)
