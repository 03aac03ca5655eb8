from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.desk import passwords
from bot.desk.accounts import (
    FIRST_ADMIN_LOGIN,
    FIRST_ADMIN_NAME,
    Account,
    AccountProblem,
    AccountRepository,
)
from bot.desk.schema import staff_accounts
from bot.desk.staff_sessions import SessionStore
from tests.desk.conftest import LOGIN, NAME, PASSWORD

NOW = datetime(2026, 11, 22, 7, 5)


def test_an_account_is_stored_with_a_salted_hash_and_no_password(
    engine: Engine,
) -> None:
    accounts = AccountRepository(engine, clock=lambda: NOW)
    made = accounts.add(" Binh.Tran ", "  Trần   Thị Bình ", "supervisor", PASSWORD)
    assert made == Account(made.id, LOGIN, NAME, "supervisor", False, NOW, None)
    assert accounts.get("BINH.TRAN") == made
    with engine.connect() as connection:
        stored = connection.execute(select(staff_accounts.c.password_hash)).scalar_one()
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    assert passwords.verify(PASSWORD, stored)


def test_accounts_are_listed_by_login_name(accounts: AccountRepository) -> None:
    accounts.add("vu.an", "Vũ An", "admin", PASSWORD)
    accounts.add("le.ba", "Lê Ba", "staff", PASSWORD)
    assert [(a.login, a.role) for a in accounts.all()] == [("le.ba", "staff"), ("vu.an", "admin")]


def test_a_login_name_is_taken_once(accounts: AccountRepository, account: Account) -> None:
    with pytest.raises(AccountProblem) as taken:
        accounts.add(LOGIN.upper(), "Người khác", "staff", PASSWORD)
    assert (taken.value.key, taken.value.values) == ("login_taken", {"login": LOGIN})
    assert len(accounts.all()) == 1


@pytest.mark.parametrize(
    ("login", "name", "role", "password", "problem"),
    [
        ("ab", NAME, "staff", PASSWORD, "login_invalid"),
        ("trần.bình", NAME, "staff", PASSWORD, "login_invalid"),
        (".binh", NAME, "staff", PASSWORD, "login_invalid"),
        ("a" * 65, NAME, "staff", PASSWORD, "login_invalid"),
        (LOGIN, "   ", "staff", PASSWORD, "display_invalid"),
        (LOGIN, "x" * 121, "staff", PASSWORD, "display_invalid"),
        (LOGIN, "Bình\x07", "staff", PASSWORD, "display_invalid"),
        (LOGIN, NAME, "root", PASSWORD, "role_invalid"),
        (LOGIN, NAME, "staff", "ngan-qua-11", "password_length"),
        (LOGIN, NAME, "staff", "x" * 257, "password_length"),
        (LOGIN, NAME, "staff", "mật khẩu\tcó tab", "password_invalid"),
    ],
)
def test_a_bad_login_name_display_name_role_or_password_is_refused(
    accounts: AccountRepository, login: str, name: str, role: str, password: str, problem: str
) -> None:
    with pytest.raises(AccountProblem) as refused:
        accounts.add(login, name, role, password)
    assert refused.value.key == problem
    assert accounts.all() == []


def test_disabling_or_setting_a_password_ends_every_session_of_that_account_only(
    engine: Engine, accounts: AccountRepository, account: Account
) -> None:
    other = accounts.add("le.ba", "Lê Ba", "staff", PASSWORD)
    sessions = SessionStore(engine)
    mine = [sessions.open(account.id), sessions.open(account.id)]
    theirs = sessions.open(other.id)
    assert accounts.disable(LOGIN).disabled
    assert [sessions.read(key) for key in mine] == [None, None]
    assert sessions.read(theirs) is not None
    assert not accounts.enable(LOGIN).disabled
    again = sessions.open(account.id)
    accounts.set_password(LOGIN, "một mật khẩu mới hẳn")
    assert sessions.read(again) is None
    found = accounts.credentials(LOGIN)
    assert found is not None and passwords.verify("một mật khẩu mới hẳn", found[1])
    assert not passwords.verify(PASSWORD, found[1])


@pytest.mark.parametrize("change", ["disable", "enable", "set_password"])
def test_changing_an_unknown_account_says_so(accounts: AccountRepository, change: str) -> None:
    with pytest.raises(AccountProblem) as refused:
        if change == "set_password":
            accounts.set_password("khong.co", PASSWORD)
        else:
            getattr(accounts, change)("khong.co")
    assert (refused.value.key, refused.value.values) == ("unknown", {"login": "khong.co"})


def test_the_first_admin_is_made_only_while_there_is_no_account(
    accounts: AccountRepository,
) -> None:
    made = accounts.first_admin(PASSWORD)
    assert made is not None
    assert (made.login, made.display_name, made.role) == (
        FIRST_ADMIN_LOGIN,
        FIRST_ADMIN_NAME,
        "admin",
    )
    assert accounts.first_admin("một mật khẩu khác hẳn") is None
    found = accounts.credentials(FIRST_ADMIN_LOGIN)
    assert found is not None and passwords.verify(PASSWORD, found[1])


def test_no_first_admin_once_someone_has_an_account(
    accounts: AccountRepository, account: Account
) -> None:
    assert accounts.first_admin(PASSWORD) is None
    assert [a.login for a in accounts.all()] == [LOGIN]


def test_a_sign_in_is_noted(accounts: AccountRepository, account: Account) -> None:
    accounts.signed_in(account.id, NOW)
    found = accounts.get(LOGIN)
    assert found is not None and found.last_sign_in_at == NOW
