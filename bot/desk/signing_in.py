"""Signing in to the staff page: a login name and password, throttled, opening a session.

The throttle: at most PER_NAME failed sign-ins for one login name, and PER_ADDRESS from one
client address, in any WINDOW; past that, attempts are refused unchecked until the oldest of
those failures is WINDOW old. The address's limit is higher because an office signs in from one
address. Failures are rows in the database, so every desk process counts the same ones. An
attempt is written before its password is checked and counts against those written after it,
so simultaneous guesses cannot all slip under the limit; a refused attempt is removed, so it
does not lengthen the wait. A successful sign-in clears its name's failures (not its address's:
else a guesser with one account of their own could clear their address between guesses).

An unknown name and a wrong password get the same answer, after the same time (passwords.py),
so the page does not tell which names have accounts. Only the right password of a disabled
account learns that it is disabled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from bot.desk import passwords
from bot.desk.accounts import ROLES, Account, AccountRepository, typed_login
from bot.desk.repository import utc_now
from bot.desk.schema import LOGIN_LENGTH, sign_in_failures
from bot.desk.staff_sessions import SessionStore

PER_NAME = 5
PER_ADDRESS = 20
WINDOW = timedelta(minutes=15)
_ADDRESS_LENGTH = 64


class Locked(Exception):
    """Too many failures: no attempt is checked before `until` (naive UTC)."""

    def __init__(self, until: datetime) -> None:
        """Keep when attempts are checked again."""
        super().__init__(until)
        self.until = until


class SignInThrottle:
    """Counts failed sign-ins per login name and per address, in the desk's database."""

    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], datetime] = utc_now,
        per_name: int = PER_NAME,
        per_address: int = PER_ADDRESS,
        window: timedelta = WINDOW,
    ) -> None:
        """Count on `engine`; `clock` is naive UTC."""
        self._engine = engine
        self._clock = clock
        self._limits = {"login": per_name, "address": per_address}
        self._window = window

    def begin(self, login: str, address: str) -> int:
        """Record an attempt, counted as failed until `succeeded`; raises Locked."""
        now = self._clock()
        since = now - self._window
        keys = {"login": typed_login(login)[:LOGIN_LENGTH], "address": address[:_ADDRESS_LENGTH]}
        with self._engine.begin() as connection:
            connection.execute(delete(sign_in_failures).where(sign_in_failures.c.at <= since))
            inserted = connection.execute(insert(sign_in_failures).values(**keys, at=now))
            attempt = int(inserted.inserted_primary_key[0])
        until: datetime | None = None
        with self._engine.connect() as connection:
            for column, limit in self._limits.items():
                earlier = connection.execute(
                    select(sign_in_failures.c.at)
                    .where(
                        sign_in_failures.c[column] == keys[column],
                        sign_in_failures.c.at > since,
                        sign_in_failures.c.id < attempt,
                    )
                    .order_by(sign_in_failures.c.at.desc())
                    .limit(limit)
                ).all()
                if len(earlier) >= limit:
                    ends = earlier[-1].at + self._window
                    until = ends if until is None else max(until, ends)
        if until is not None:
            self.withdraw(attempt)
            raise Locked(until)
        return attempt

    def withdraw(self, attempt: int) -> None:
        """Forget an attempt that was no guess."""
        with self._engine.begin() as connection:
            connection.execute(delete(sign_in_failures).where(sign_in_failures.c.id == attempt))

    def succeeded(self, login: str) -> None:
        """Clear the name's failures: its staff member knows the password."""
        name = typed_login(login)[:LOGIN_LENGTH]
        with self._engine.begin() as connection:
            connection.execute(delete(sign_in_failures).where(sign_in_failures.c.login == name))


class SignInRefused(Exception):
    """No session: `key` is "wrong", "locked" (until `until`) or "disabled"."""

    def __init__(self, key: str, until: datetime | None = None) -> None:
        """Name the reason, and for a lock when it ends."""
        super().__init__(key)
        self.key = key
        self.until = until


@dataclass(frozen=True)
class SignedIn:
    """A new session's key (for the cookie) and its account."""

    key: str
    account: Account


class SignInCheck:
    """Checks a login name and password under the throttle, and opens a session."""

    def __init__(
        self,
        accounts: AccountRepository,
        sessions: SessionStore,
        throttle: SignInThrottle,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """Check against `accounts`, open `sessions`, count failures with `throttle`."""
        self._accounts = accounts
        self._sessions = sessions
        self._throttle = throttle
        self._clock = clock

    def sign_in(self, login: str, password: str, address: str) -> SignedIn:
        """A session for the account; raises SignInRefused. Slow on purpose: run it off the loop."""
        try:
            attempt = self._throttle.begin(login, address)
        except Locked as locked:
            raise SignInRefused("locked", locked.until) from None
        found = self._accounts.credentials(login)
        if found is None:
            passwords.spend_time(password)
            raise SignInRefused("wrong")
        account, stored = found
        if not passwords.verify(password, stored):
            raise SignInRefused("wrong")
        if account.disabled or account.role not in ROLES:
            self._throttle.withdraw(attempt)
            raise SignInRefused("disabled")
        self._throttle.succeeded(login)
        self._accounts.signed_in(account.id, self._clock())
        return SignedIn(self._sessions.open(account.id), account)
