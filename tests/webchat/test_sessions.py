"""Web chat sessions and button choices, signed under the web chat's secret."""

from __future__ import annotations

import pytest

from bot.rasa import MAX_MESSAGE
from bot.webchat.sessions import MAX_CHOICE, SENDER, WebSessions

SECRET = "k" * 43
SESSIONS = WebSessions(SECRET)


def test_an_issued_sender_is_random_shaped_as_before_and_its_token_is_valid() -> None:
    (first, token), (second, _) = SESSIONS.issue(), SESSIONS.issue()

    assert first != second
    assert SENDER.fullmatch(first) and SENDER.fullmatch(second)
    assert len(token) == 43
    assert SESSIONS.valid(first, token)


def test_a_token_opens_only_its_own_sender() -> None:
    sender, token = SESSIONS.issue()
    other, _ = SESSIONS.issue()

    assert not SESSIONS.valid(other, token)
    assert SESSIONS.valid(sender, SESSIONS.token_for(sender))


def test_a_token_made_under_another_secret_is_refused() -> None:
    sender, token = WebSessions("o" * 43).issue()

    assert not SESSIONS.valid(sender, token)


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "x" * 43,
        "x" * 42,
        "x" * 44,
        "é" * 43,
        "+" * 43,
        SESSIONS.token_for("web-00ff00ff") + "\n",
    ],
)
def test_missing_or_malformed_tokens_are_refused(token: str | None) -> None:
    assert not SESSIONS.valid("web-00ff00ff", token)


@pytest.mark.parametrize(
    "sender", ["web-00ff00ff\n", "../../etc", "terminal-00ff00ff", "WEB-00FF00FF"]
)
def test_a_sender_the_server_never_issues_is_refused_even_with_its_token(sender: str) -> None:
    assert not SESSIONS.valid(sender, SESSIONS.token_for(sender))


@pytest.mark.parametrize(
    "payload",
    ["/affirm", '/inform{"software":"kyso"}', "Chữ ký số", "", "." * 10, "á" * MAX_MESSAGE],
)
def test_a_choice_gives_back_the_payload_of_the_button_shown(payload: str) -> None:
    sender, _ = SESSIONS.issue()

    choice = SESSIONS.choice_for(sender, payload)

    assert len(choice) <= MAX_CHOICE
    assert SESSIONS.payload_of(sender, choice) == payload


def test_a_choice_shown_to_one_sender_is_refused_from_another() -> None:
    sender, _ = SESSIONS.issue()
    other, _ = SESSIONS.issue()

    assert SESSIONS.payload_of(other, SESSIONS.choice_for(sender, "/affirm")) is None


def test_a_choice_signed_under_another_secret_is_refused() -> None:
    sender, _ = SESSIONS.issue()

    assert SESSIONS.payload_of(sender, WebSessions("o" * 43).choice_for(sender, "/x")) is None


def forgeries(sender: str) -> list[str]:
    """Choices a page could make up: none was signed for `sender` as it stands."""
    real = SESSIONS.choice_for(sender, "/deny")
    encoded, signature = real.split(".")
    swapped = SESSIONS.choice_for(sender, "/request_human").split(".")[0]
    return [
        f"{swapped}.{signature}",  # another payload under this button's signature
        f"{encoded}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        f"{encoded}.",
        f".{signature}",
        real + ".",
        encoded,
        "/request_human",
        f"{encoded}+.{signature}",  # not URL-safe base64
        f"{encoded}é.{signature}",
        f"{encoded}.{signature}é",
        "A.",  # one base64 character cannot be decoded
        "_w.",  # bytes that are not UTF-8
        "",
        "." * 2,
        "A" * (MAX_CHOICE + 1),
    ]


def test_forged_or_altered_choices_are_refused() -> None:
    sender, _ = SESSIONS.issue()

    assert [SESSIONS.payload_of(sender, forged) for forged in forgeries(sender)] == [None] * len(
        forgeries(sender)
    )


def test_a_session_token_is_never_a_valid_choice() -> None:
    sender, token = SESSIONS.issue()

    # An empty payload encodes as nothing: the token would be that choice's signature.
    assert SESSIONS.payload_of(sender, f".{token}") is None


def test_without_a_secret_nothing_is_signed() -> None:
    with pytest.raises(ValueError):
        WebSessions("")
