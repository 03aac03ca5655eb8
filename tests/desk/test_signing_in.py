from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.desk.accounts import Account, AccountRepository
from bot.desk.schema import sign_in_failures
from bot.desk.signing_in import (
    PER_ADDRESS,
    PER_NAME,
    WINDOW,
    SignInCheck,
    SignInRefused,
    SignInThrottle,
)
from bot.desk.staff_sessions import SessionStore
from tests.desk.conftest import LOGIN, NAME, PASSWORD

HOME, ELSEWHERE = "10.0.0.7", "10.0.0.99"


class Clock:
    """A clock (naive UTC) that stands still until moved."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 1, 0)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def checker(engine: Engine, clock: Clock) -> SignInCheck:
    """What one desk process checks sign-ins with."""
    return SignInCheck(
        AccountRepository(engine, clock),
        SessionStore(engine, clock=clock),
        SignInThrottle(engine, clock),
        clock,
    )


@pytest.fixture
def check(engine: Engine, clock: Clock) -> SignInCheck:
    return checker(engine, clock)


def refusal(check: SignInCheck, login: str, password: str, address: str = HOME) -> SignInRefused:
    with pytest.raises(SignInRefused) as refused:
        check.sign_in(login, password, address)
    return refused.value


def test_the_right_password_opens_a_session_and_notes_the_time(
    engine: Engine, check: SignInCheck, clock: Clock, account: Account
) -> None:
    signed = check.sign_in(" Binh.Tran ", PASSWORD, HOME)
    assert signed.account.id == account.id
    session = SessionStore(engine, clock=clock).read(signed.key)
    assert session is not None and session.name == NAME
    found = AccountRepository(engine).get(LOGIN)
    assert found is not None and found.last_sign_in_at == clock.now


def test_an_unknown_name_and_a_wrong_password_get_the_same_refusal(
    check: SignInCheck, account: Account
) -> None:
    wrong = refusal(check, LOGIN, PASSWORD + "x")
    unknown = refusal(check, "khong.co", PASSWORD)
    assert (wrong.key, wrong.until) == (unknown.key, unknown.until) == ("wrong", None)


def test_five_failures_lock_the_name_for_fifteen_minutes_even_for_the_right_password(
    engine: Engine, clock: Clock, account: Account
) -> None:
    assert PER_NAME == 5
    assert timedelta(minutes=15) == WINDOW
    first = checker(engine, clock)
    second = checker(engine, clock)  # another desk process on the same database
    for attempt in range(PER_NAME):
        clock.now += timedelta(seconds=10)
        process = first if attempt % 2 else second
        assert refusal(process, LOGIN, f"đoán sai {attempt}").key == "wrong"
    first_failure = clock.now - timedelta(seconds=40)
    for process in (first, second):
        locked = refusal(process, LOGIN, PASSWORD, ELSEWHERE)
        assert (locked.key, locked.until) == ("locked", first_failure + WINDOW)
    clock.now = first_failure + WINDOW - timedelta(seconds=1)
    assert refusal(first, LOGIN, PASSWORD).key == "locked"
    clock.now = first_failure + WINDOW
    assert first.sign_in(LOGIN, PASSWORD, HOME).account.id == account.id


def test_refused_attempts_while_locked_do_not_lengthen_the_lock(
    check: SignInCheck, clock: Clock, account: Account
) -> None:
    for _ in range(PER_NAME):
        refusal(check, LOGIN, "đoán sai")
    until = clock.now + WINDOW
    for _ in range(20):
        clock.now += timedelta(seconds=30)
        assert refusal(check, LOGIN, "đoán sai").until == until
    clock.now = until
    assert check.sign_in(LOGIN, PASSWORD, HOME)


def test_a_success_clears_the_names_failures(check: SignInCheck, account: Account) -> None:
    for _ in range(PER_NAME - 1):
        refusal(check, LOGIN, "đoán sai")
    check.sign_in(LOGIN, PASSWORD, HOME)
    for _ in range(PER_NAME - 1):
        assert refusal(check, LOGIN, "đoán sai").key == "wrong"
    assert check.sign_in(LOGIN, PASSWORD, HOME)


def test_names_without_accounts_lock_too(check: SignInCheck) -> None:
    for _ in range(PER_NAME):
        assert refusal(check, "khong.co", "đoán").key == "wrong"
    assert refusal(check, "KHONG.CO", "đoán").key == "locked"


def test_one_address_trying_many_names_is_locked_but_others_are_not(
    check: SignInCheck, clock: Clock, account: Account
) -> None:
    assert PER_ADDRESS == 20
    for number in range(PER_ADDRESS):
        assert refusal(check, f"ten.{number}", "đoán", ELSEWHERE).key == "wrong"
    locked = refusal(check, LOGIN, PASSWORD, ELSEWHERE)
    assert (locked.key, locked.until) == ("locked", clock.now + WINDOW)
    assert check.sign_in(LOGIN, PASSWORD, HOME)


def test_a_disabled_account_is_told_so_only_with_its_password(
    check: SignInCheck, accounts: AccountRepository, account: Account
) -> None:
    accounts.disable(LOGIN)
    assert refusal(check, LOGIN, "đoán sai").key == "wrong"
    assert refusal(check, LOGIN, PASSWORD).key == "disabled"


def test_failures_older_than_the_window_are_cleared(
    engine: Engine, check: SignInCheck, clock: Clock
) -> None:
    refusal(check, "khong.co", "đoán")
    clock.now += WINDOW
    refusal(check, "ten.khac", "đoán")
    with engine.connect() as connection:
        kept = connection.execute(select(func.count()).select_from(sign_in_failures))
        assert kept.scalar_one() == 1
