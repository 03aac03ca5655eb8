import hashlib
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from bot.desk.accounts import Account, AccountProblem
from bot.desk.csrf import Csrf
from bot.desk.schema import staff_accounts, staff_sessions
from bot.desk.staff_sessions import LIFETIME, SessionStore
from tests.desk.conftest import LOGIN, NAME, SESSION_SECRET


class Clock:
    """A clock (naive UTC) that stands still until moved."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 1, 0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sessions(engine: Engine, clock: Clock) -> SessionStore:
    return SessionStore(engine, clock=clock)


# Sessions


def test_a_session_lasts_twelve_hours_from_sign_in_however_much_it_is_used(
    sessions: SessionStore, clock: Clock, account: Account
) -> None:
    key = sessions.open(account.id)
    opened = clock.now
    session = sessions.read(key)
    assert session is not None
    assert (session.account_id, session.login, session.name, session.role) == (
        account.id,
        LOGIN,
        NAME,
        "staff",
    )
    assert session.expires == opened + timedelta(hours=12) == opened + LIFETIME
    for _ in range(3):
        clock.now += timedelta(hours=3)
        assert sessions.read(key) == session
    clock.now = opened + LIFETIME - timedelta(seconds=1)
    assert sessions.read(key) == session
    clock.now = opened + LIFETIME
    assert sessions.read(key) is None


def test_the_database_keeps_only_a_hash_of_the_cookie(
    engine: Engine, sessions: SessionStore, account: Account
) -> None:
    key = sessions.open(account.id)
    with engine.connect() as connection:
        stored = connection.execute(select(staff_sessions.c.key_hash)).scalar_one()
    assert stored == hashlib.sha256(key.encode()).hexdigest() and key not in stored
    session = sessions.read(key)
    assert session is not None and key not in repr(session)


def test_ending_a_session_leaves_the_others(sessions: SessionStore, account: Account) -> None:
    first, second = sessions.open(account.id), sessions.open(account.id)
    sessions.end(first)
    assert sessions.read(first) is None
    assert sessions.read(second) is not None
    sessions.end("not a key")  # nothing to end, nothing fails


def test_an_admin_lists_and_revokes_an_accounts_live_sessions(
    sessions: SessionStore, clock: Clock, account: Account
) -> None:
    old = sessions.open(account.id)
    clock.now += timedelta(hours=13)
    keys = [sessions.open(account.id), sessions.open(account.id)]
    assert [s.created_at for s in sessions.of(" BINH.TRAN ")] == [clock.now, clock.now]
    assert sessions.end_all(LOGIN) == 2
    assert [sessions.read(key) for key in [old, *keys]] == [None, None, None]
    assert sessions.of(LOGIN) == []
    with pytest.raises(AccountProblem):
        sessions.end_all("khong.co")


def test_a_disabled_account_has_no_session_even_if_a_row_is_left(
    engine: Engine, sessions: SessionStore, account: Account
) -> None:
    key = sessions.open(account.id)
    with engine.begin() as connection:
        connection.execute(update(staff_accounts).values(disabled=True))
    assert sessions.read(key) is None


def test_an_account_whose_role_may_not_use_the_page_has_no_session(
    engine: Engine, sessions: SessionStore, account: Account
) -> None:
    key = sessions.open(account.id)
    with engine.begin() as connection:
        connection.execute(update(staff_accounts).values(role="viewer"))
    assert sessions.read(key) is None


@pytest.mark.parametrize("key", [None, "", "abc", "A" * 43, "x" * 5000, "ä" * 43, "A" * 42 + "="])
def test_garbage_or_an_unknown_key_is_no_session(
    sessions: SessionStore, account: Account, key: str | None
) -> None:
    sessions.open(account.id)
    assert sessions.read(key) is None


def test_expired_sessions_are_cleared_when_the_next_one_opens(
    engine: Engine, sessions: SessionStore, clock: Clock, account: Account
) -> None:
    sessions.open(account.id)
    clock.now += LIFETIME
    sessions.open(account.id)
    with engine.connect() as connection:
        left = connection.execute(select(staff_sessions.c.created_at)).scalars().all()
    assert left == [clock.now]


# CSRF tokens


def test_csrf_tokens_belong_to_one_session_and_one_secret() -> None:
    csrf = Csrf(SESSION_SECRET)
    other = Csrf("another-secret-of-forty-characters-000000")
    first, second = "a" * 43, "b" * 43
    assert csrf.of_session(first) != csrf.of_session(second)
    assert csrf.of_session(first) == Csrf(SESSION_SECRET).of_session(first)  # any process
    assert other.of_session(first) != csrf.of_session(first)
    nonce = Csrf.new_login_nonce()
    assert csrf.of_login(nonce) not in (csrf.of_session(nonce), other.of_login(nonce))
    assert SESSION_SECRET not in csrf.of_session(first)


def test_tokens_are_compared_safely_whatever_is_posted() -> None:
    expected = Csrf(SESSION_SECRET).of_login(Csrf.new_login_nonce())
    assert Csrf.same(expected, expected)
    for given in (None, "", expected[:-1], expected.upper(), "ký tự tiếng Việt", "\udcff"):
        assert not Csrf.same(expected, given)


def test_a_login_cookie_must_look_like_a_nonce() -> None:
    nonce = Csrf.new_login_nonce()
    assert Csrf.login_nonce(nonce) == nonce
    for cookie in (None, "", "x" * 32, nonce + "0"):
        assert Csrf.login_nonce(cookie) is None
