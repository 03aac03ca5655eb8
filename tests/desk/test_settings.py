from datetime import timedelta

import pytest
from pydantic import SecretStr, ValidationError

from bot.desk.settings import DeskSettings, TokenError, parse_tokens
from tests.desk.conftest import SESSION_SECRET


def test_tokens_are_read_from_the_environment_with_their_roles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", " assistant:abc123 , staff:def456 ")
    monkeypatch.setenv("HELPDESK_DESK_DATABASE_URL", "sqlite:///elsewhere.db")
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    settings = DeskSettings()  # type: ignore[call-arg]  # both from the environment
    assert settings.token_roles() == {"abc123": "assistant", "def456": "staff"}
    assert settings.database_url == "sqlite:///elsewhere.db"
    assert settings.session_secret.get_secret_value() == SESSION_SECRET


def test_tokens_are_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPDESK_DESK_TOKENS", raising=False)
    monkeypatch.setenv("HELPDESK_DESK_SESSION_SECRET", SESSION_SECRET)
    with pytest.raises(ValidationError, match="tokens"):
        DeskSettings()  # type: ignore[call-arg]  # tokens missing on purpose


def test_the_session_secret_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPDESK_DESK_SESSION_SECRET", raising=False)
    monkeypatch.setenv("HELPDESK_DESK_TOKENS", "staff:def456")
    with pytest.raises(ValidationError, match="session_secret"):
        DeskSettings()  # type: ignore[call-arg]  # session_secret missing on purpose


def test_a_short_session_secret_is_refused_without_showing_it() -> None:
    with pytest.raises(ValidationError, match="ít nhất 32 ký tự") as refused:
        DeskSettings(
            tokens=SecretStr("staff:x"), session_secret=SecretStr("short-secret-0123456789")
        )
    assert "short-secret" not in str(refused.value)
    assert DeskSettings(
        tokens=SecretStr("staff:x"), session_secret=SecretStr("s" * 32)
    ).session_secret


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "chưa có mã truy cập nào"),
        (" , ", "chưa có mã truy cập nào"),
        ("abc123", "cặp thứ 1 không có dạng vai_trò:mã"),
        (
            "assistant:abc123,admin:def456",
            "cặp thứ 2: vai trò phải là một trong .* assistant, staff",
        ),
        ("staff:", "cặp thứ 1: mã phải gồm các ký tự ASCII in được"),
        ("staff:ab c", "cặp thứ 1: mã phải gồm các ký tự ASCII in được"),
        ("assistant:same1,staff:same1", "cặp thứ 2: mã này đã được ghi"),
    ],
)
def test_malformed_tokens_are_refused_with_a_clear_error(value: str, problem: str) -> None:
    with pytest.raises(TokenError, match=problem):
        parse_tokens(value)
    with pytest.raises(ValidationError, match=problem):
        DeskSettings(tokens=SecretStr(value), session_secret=SecretStr(SESSION_SECRET))


def test_refusals_and_reprs_never_show_a_token() -> None:
    with pytest.raises(ValidationError) as refused:
        DeskSettings(
            tokens=SecretStr("staff:secret-one,boss:secret-two"),
            session_secret=SecretStr(SESSION_SECRET),
        )
    assert "secret-" not in str(refused.value)
    shown = repr(
        DeskSettings(tokens=SecretStr("staff:secret-one"), session_secret=SecretStr(SESSION_SECRET))
    )
    assert "secret-one" not in shown
    assert SESSION_SECRET not in shown


def test_service_levels_default_to_24_8_and_2_hours() -> None:
    assert DeskSettings(
        tokens=SecretStr("staff:x"), session_secret=SecretStr(SESSION_SECRET)
    ).service_levels() == {
        "normal": timedelta(hours=24),
        "urgent": timedelta(hours=8),
        "very_urgent": timedelta(hours=2),
    }


def test_service_levels_can_be_set_and_must_be_positive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPDESK_DESK_SLA_HOURS_URGENT", "4.5")
    assert DeskSettings(
        tokens=SecretStr("staff:x"), session_secret=SecretStr(SESSION_SECRET)
    ).service_levels()["urgent"] == timedelta(hours=4.5)
    monkeypatch.setenv("HELPDESK_DESK_SLA_HOURS_NORMAL", "0")
    with pytest.raises(ValidationError, match="lớn hơn 0"):
        DeskSettings(tokens=SecretStr("staff:x"), session_secret=SecretStr(SESSION_SECRET))
