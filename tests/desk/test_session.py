import base64
import time
from collections.abc import Callable

import pytest

from bot.desk.session import SESSION_SECONDS, Sessions, StaffTokens
from tests.desk.conftest import ASSISTANT_TOKEN, SESSION_SECRET, STAFF_TOKEN

NAME = "Trần Thị Bình"


class Clock:
    """A clock that stands still until moved."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sessions(clock: Clock) -> Sessions:
    return Sessions(SESSION_SECRET, clock)


def test_a_session_reads_back_with_its_name_for_twelve_hours(
    sessions: Sessions, clock: Clock
) -> None:
    cookie = sessions.issue(NAME)
    session = sessions.read(cookie)
    assert session is not None
    assert session.name == NAME
    assert session.expires == int(clock.now) + SESSION_SECONDS == int(clock.now) + 12 * 3600
    clock.now += SESSION_SECONDS - 1
    assert sessions.read(cookie) == session


def test_an_expired_session_is_refused(sessions: Sessions, clock: Clock) -> None:
    cookie = sessions.issue(NAME)
    clock.now += SESSION_SECONDS
    assert sessions.read(cookie) is None


def test_the_cookie_holds_no_token_or_secret(sessions: Sessions) -> None:
    cookie = sessions.issue(NAME)
    for secret in (STAFF_TOKEN, SESSION_SECRET):
        assert secret not in cookie
        assert secret.encode() not in base64.urlsafe_b64decode(cookie.split(".")[0] + "==")


def _swap(cookie: str, index: int, value: str) -> str:
    parts = cookie.split(".")
    parts[index] = value
    return ".".join(parts)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: _swap(c, 0, base64.urlsafe_b64encode("Kẻ gian".encode()).decode().rstrip("=")),
        lambda c: _swap(c, 1, str(int(c.split(".")[1]) + 3600)),
        lambda c: _swap(c, 2, "0" * 32),
        lambda c: _swap(c, 3, "0" * 64),
        lambda c: _swap(c, 3, c.split(".")[3].upper()),
        lambda c: c + ".extra",
        lambda c: c[:-1],
    ],
)
def test_a_tampered_cookie_is_refused(sessions: Sessions, tamper: Callable[[str], str]) -> None:
    cookie = sessions.issue(NAME)
    assert sessions.read(tamper(cookie)) is None


def test_a_cookie_signed_with_another_secret_is_refused(clock: Clock) -> None:
    forged = Sessions("another-secret-of-forty-characters-000000", clock).issue(NAME)
    assert Sessions(SESSION_SECRET, clock).read(forged) is None


@pytest.mark.parametrize("cookie", [None, "", "abc", "a.b.c.d", "." * 3, "x" * 5000, "ä.1.2.3"])
def test_garbage_is_no_session(sessions: Sessions, cookie: str | None) -> None:
    assert sessions.read(cookie) is None


def test_csrf_tokens_belong_to_one_session_and_one_secret(sessions: Sessions, clock: Clock) -> None:
    first = sessions.read(sessions.issue(NAME))
    second = sessions.read(sessions.issue(NAME))
    assert first is not None and second is not None
    assert sessions.csrf(first) != sessions.csrf(second)
    assert sessions.csrf(first) == sessions.csrf(first)
    other = Sessions("another-secret-of-forty-characters-000000", clock)
    assert other.csrf(first) != sessions.csrf(first)
    nonce = Sessions.new_login_nonce()
    assert sessions.login_csrf(nonce) not in (sessions.csrf(first), other.login_csrf(nonce))


def test_tokens_are_compared_safely_whatever_is_posted(sessions: Sessions) -> None:
    expected = sessions.login_csrf(Sessions.new_login_nonce())
    assert Sessions.same(expected, expected)
    for given in (None, "", expected[:-1], expected.upper(), "ký tự tiếng Việt", "\udcff"):
        assert not Sessions.same(expected, given)


def test_a_login_cookie_must_look_like_a_nonce() -> None:
    nonce = Sessions.new_login_nonce()
    assert Sessions.login_nonce(nonce) == nonce
    for cookie in (None, "", "x" * 32, nonce + "0"):
        assert Sessions.login_nonce(cookie) is None


def test_only_staff_tokens_have_the_staff_role() -> None:
    tokens = StaffTokens({ASSISTANT_TOKEN: "assistant", STAFF_TOKEN: "staff"})
    assert tokens.role_of(STAFF_TOKEN) == "staff"
    assert tokens.role_of(ASSISTANT_TOKEN) == "assistant"
    for other in ("", STAFF_TOKEN[:-1], STAFF_TOKEN + " ", "mã-sai"):
        assert tokens.role_of(other) is None


def test_sessions_use_the_real_clock_by_default() -> None:
    sessions = Sessions(SESSION_SECRET)
    session = sessions.read(sessions.issue(NAME))
    assert session is not None
    assert abs(session.expires - (time.time() + SESSION_SECONDS)) < 5
