"""Server-side sessions of the staff page: a random key in the cookie, its hash in the database.

A session lasts a fixed time from sign-in (12 hours by default, a working day); using it does
not lengthen it, so reading one writes nothing. It ends earlier when its staff member signs out
(its row is deleted: the cookie then opens nothing), when an admin revokes the account's
sessions, or when the account is disabled or its password set. Every read also checks that the
account is still enabled. The key is 256 random bits, so SHA-256 suffices to keep it: the table
gives no one a cookie that works.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from bot.desk.accounts import ROLES, AccountProblem, typed_login
from bot.desk.repository import utc_now
from bot.desk.schema import staff_accounts, staff_sessions

_KEY = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
LIFETIME = timedelta(hours=12)  # HELPDESK_DESK_SESSION_HOURS's default


@dataclass(frozen=True)
class Session:
    """A signed-in staff member: the account, and the name their replies carry."""

    key: str = field(repr=False)  # the cookie's value, kept only in memory
    account_id: int
    login: str
    name: str
    role: str
    expires: datetime


@dataclass(frozen=True)
class OpenSession:
    """One of an account's sessions, as an admin sees it."""

    created_at: datetime
    expires_at: datetime


def _hashed(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


class SessionStore:
    """Opens, reads and ends sessions in the desk's database."""

    def __init__(
        self,
        engine: Engine,
        lifetime: timedelta = LIFETIME,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """Sessions on `engine` that last `lifetime`; `clock` is naive UTC."""
        self._engine = engine
        self.lifetime = lifetime
        self._clock = clock

    def open(self, account_id: int) -> str:
        """A new session's key for the account, to be put in its cookie."""
        key = secrets.token_urlsafe(32)
        now = self._clock()
        with self._engine.begin() as connection:
            # Expired rows go now and then, here, so the table holds about a day of sign-ins.
            connection.execute(delete(staff_sessions).where(staff_sessions.c.expires_at <= now))
            connection.execute(
                insert(staff_sessions).values(
                    key_hash=_hashed(key),
                    account_id=account_id,
                    created_at=now,
                    expires_at=now + self.lifetime,
                )
            )
        return key

    def read(self, key: str | None) -> Session | None:
        """The live session of this key, or None: unknown, ended, expired or account disabled."""
        if key is None or not _KEY.fullmatch(key):
            return None
        query = (
            select(staff_sessions.c.expires_at, staff_accounts)
            .join(staff_accounts, staff_accounts.c.id == staff_sessions.c.account_id)
            .where(
                staff_sessions.c.key_hash == _hashed(key),
                staff_sessions.c.expires_at > self._clock(),
                staff_accounts.c.disabled.is_(False),
                staff_accounts.c.role.in_(ROLES),
            )
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        return Session(key, row.id, row.login, row.display_name, row.role, row.expires_at)

    def end(self, key: str) -> None:
        """End the session of this key (signing out)."""
        if _KEY.fullmatch(key):
            with self._engine.begin() as connection:
                hashed = _hashed(key)
                connection.execute(
                    delete(staff_sessions).where(staff_sessions.c.key_hash == hashed)
                )

    def of(self, login: str) -> list[OpenSession]:
        """The account's live sessions, oldest first; raises AccountProblem if there is none."""
        account_id = self._account_id(login)
        query = (
            select(staff_sessions.c.created_at, staff_sessions.c.expires_at)
            .where(
                staff_sessions.c.account_id == account_id,
                staff_sessions.c.expires_at > self._clock(),
            )
            .order_by(staff_sessions.c.created_at, staff_sessions.c.id)
        )
        with self._engine.connect() as connection:
            return [
                OpenSession(row.created_at, row.expires_at) for row in connection.execute(query)
            ]

    def end_all(self, login: str) -> int:
        """End every session of the account at once; how many were live."""
        live = len(self.of(login))
        account_id = self._account_id(login)
        with self._engine.begin() as connection:
            connection.execute(
                delete(staff_sessions).where(staff_sessions.c.account_id == account_id)
            )
        return live

    def _account_id(self, login: str) -> int:
        query = select(staff_accounts.c.id).where(staff_accounts.c.login == typed_login(login))
        with self._engine.connect() as connection:
            found = connection.execute(query).scalar_one_or_none()
        if found is None:
            raise AccountProblem("unknown", login=typed_login(login))
        return int(found)
