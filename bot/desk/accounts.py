"""Staff accounts: one per support staff member, who signs in to the desk's page with it.

An account has a login name (what is typed at sign-in), a display name (what replies and status
changes made from the page carry as their author), a role and a password kept as a scrypt hash
(passwords.py). Accounts are disabled, never deleted, so the id a note keeps always names one;
disabling an account or setting its password ends all its sessions in the same transaction.
Checks raise AccountProblem, whose key names the message the command line shows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import IntegrityError

from bot.desk import passwords
from bot.desk.repository import utc_now
from bot.desk.schema import LOGIN_LENGTH, NAME_LENGTH, staff_accounts, staff_sessions

# Every role may work tickets on the page today; `admin` marks who looks after the accounts,
# `trainer` who may work the review queue (/desk/hang-cho) and publish from it.
TRAINER = "trainer"
ROLES = ("staff", "supervisor", "admin", TRAINER)
FIRST_ADMIN_LOGIN = "quantri"
FIRST_ADMIN_NAME = "Quản trị bàn hỗ trợ"
MIN_PASSWORD = 12
MAX_PASSWORD = 256
_LOGIN = re.compile(rf"[a-z0-9][a-z0-9._-]{{2,{LOGIN_LENGTH - 1}}}")


class AccountProblem(ValueError):
    """A refused change; `key` names its message, `values` fill it in."""

    def __init__(self, key: str, **values: object) -> None:
        """Name the message and the values it is filled with."""
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Account:
    """A staff account as shown and used, without its password hash."""

    id: int
    login: str
    display_name: str
    role: str
    disabled: bool
    created_at: datetime
    last_sign_in_at: datetime | None


def typed_login(value: str) -> str:
    """A login name as typed, made comparable: no surrounding spaces, lower case."""
    return value.strip().lower()


def login_name(value: str) -> str:
    """A new account's login name: 3 to 64 of a-z, 0-9, ".", "_", "-", from a letter or digit."""
    login = typed_login(value)
    if not _LOGIN.fullmatch(login):
        raise AccountProblem("login_invalid", login=value, limit=LOGIN_LENGTH)
    return login


def display_name(value: str) -> str:
    """The name replies will carry, its spaces tidied."""
    name = " ".join(unicodedata.normalize("NFC", value).split())
    if not name or len(name) > NAME_LENGTH or not name.isprintable():
        raise AccountProblem("display_invalid", limit=NAME_LENGTH)
    return name


def role_name(value: str) -> str:
    """One of ROLES."""
    if value not in ROLES:
        raise AccountProblem("role_invalid", roles=", ".join(ROLES))
    return value


def new_password(value: str) -> str:
    """A password long enough to resist guessing, without control characters."""
    if not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        raise AccountProblem("password_length", least=MIN_PASSWORD, most=MAX_PASSWORD)
    if not value.isprintable():
        raise AccountProblem("password_invalid")
    return value


class AccountRepository:
    """The accounts in the desk's database; the schema must be migrated already."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        """Use the engine; `clock` (naive UTC) stamps creation and sign-ins."""
        self._engine = engine
        self._clock = clock

    def add(self, login: str, display: str, role: str, password: str) -> Account:
        """A new, enabled account; raises AccountProblem (`login_taken` if the name is used)."""
        values = {
            "login": login_name(login),
            "display_name": display_name(display),
            "role": role_name(role),
            "password_hash": passwords.hash_password(new_password(password)),
            "disabled": False,
            "created_at": self._clock(),
        }
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(staff_accounts).values(values))
        except IntegrityError:
            raise AccountProblem("login_taken", login=values["login"]) from None
        return self._get(str(values["login"]))

    def first_admin(self, password: str) -> Account | None:
        """The first admin account, FIRST_ADMIN_LOGIN, if there is no account yet; else None."""
        with self._engine.connect() as connection:
            count = connection.execute(select(func.count()).select_from(staff_accounts))
            if count.scalar_one():
                return None
        try:
            return self.add(FIRST_ADMIN_LOGIN, FIRST_ADMIN_NAME, "admin", password)
        except AccountProblem as problem:
            if problem.key == "login_taken":  # another desk process made it meanwhile
                return None
            raise

    def all(self) -> list[Account]:
        """Every account, by login name."""
        with self._engine.connect() as connection:
            rows = connection.execute(select(staff_accounts).order_by(staff_accounts.c.login))
            return [_account(row) for row in rows]

    def get(self, login: str) -> Account | None:
        """The account with this login name (as typed), or None."""
        found = self.credentials(login)
        return found[0] if found else None

    def credentials(self, login: str) -> tuple[Account, str] | None:
        """The account with this login name (as typed) and its password hash, or None."""
        query = select(staff_accounts).where(staff_accounts.c.login == typed_login(login))
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return (_account(row), row.password_hash) if row is not None else None

    def disable(self, login: str) -> Account:
        """Disable the account and end its sessions; raises AccountProblem if there is none."""
        return self._change(login, {"disabled": True}, end_sessions=True)

    def enable(self, login: str) -> Account:
        """Let a disabled account sign in again."""
        return self._change(login, {"disabled": False}, end_sessions=False)

    def set_password(self, login: str, password: str) -> Account:
        """Replace the password and end the sessions opened with the old one."""
        stored = passwords.hash_password(new_password(password))
        return self._change(login, {"password_hash": stored}, end_sessions=True)

    def signed_in(self, account_id: int, at: datetime) -> None:
        """Note when the account last signed in."""
        with self._engine.begin() as connection:
            connection.execute(
                update(staff_accounts)
                .where(staff_accounts.c.id == account_id)
                .values(last_sign_in_at=at)
            )

    def _change(self, login: str, values: dict[str, object], end_sessions: bool) -> Account:
        account = self._get(login)
        with self._engine.begin() as connection:
            connection.execute(
                update(staff_accounts).where(staff_accounts.c.id == account.id).values(values)
            )
            if end_sessions:
                connection.execute(
                    delete(staff_sessions).where(staff_sessions.c.account_id == account.id)
                )
        return self._get(login)

    def _get(self, login: str) -> Account:
        account = self.get(login)
        if account is None:
            raise AccountProblem("unknown", login=typed_login(login))
        return account


def _account(row: Row) -> Account:
    return Account(
        id=row.id,
        login=row.login,
        display_name=row.display_name,
        role=row.role,
        disabled=bool(row.disabled),
        created_at=row.created_at,
        last_sign_in_at=row.last_sign_in_at,
    )
