"""The gateways' shared state in the assistant's store (the `shared_state` table).

Why it looks like this:
- Every write is one short transaction, in a thread (the engine blocks), and each decision is a
  single conditional statement, so two replicas never both act on one value: an insert that the
  primary key lets only one replica win, an UPDATE whose WHERE holds the condition, a DELETE
  whose WHERE holds the value it expects. Nothing is read, decided in Python, then written.
- A token is spent by `UPDATE ... SET tokens = refilled - 1 WHERE refilled >= 1`, the refill
  computed by the database from the row itself (`CASE`, which SQLite and PostgreSQL both
  have). A bucket with no row (or an expired one) is full: an insert of `size - 1`. When a
  later bucket refuses, the tokens already spent are given back, so a refusal costs nothing.
  The usual case (every bucket has a live row with a token) is one transaction for them all,
  rolled back whole if one has none; the gateway pays it on every web chat message.
- Expired rows are ignored at once and deleted at most once every PRUNE_EVERY seconds by the
  replica writing then, so the table holds only what is alive.
- Times are seconds since 1970 from `clock`: replicas' clocks agree within far less than any
  expiry (NTP); a clock behind a row's time refills nothing rather than going negative.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import Float, String, bindparam, case, delete, insert, literal, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.sql.dml import Update
from sqlalchemy.sql.elements import ColumnElement

from bot.store.schema import shared_state as table
from bot.store.shared_state import EPSILON, PREFIX, Bucket, StateUnavailable, checked

PRUNE_EVERY = 60.0
# The least wait a refusal says.
MIN_WAIT = 0.001

T = TypeVar("T")


class SqlState:
    """`SharedState` on the store `engine` (migrated); time read from `clock`."""

    def __init__(
        self, engine: Engine, prefix: str = PREFIX, clock: Callable[[], float] = time.time
    ) -> None:
        """Keep keys under `prefix` in `engine`'s `shared_state` table."""
        self._engine = engine
        self._prefix = prefix
        self._clock = clock
        self._next_prune = 0.0

    async def put(self, key: str, value: str, seconds: float) -> None:
        """Keep `value` at `key` for `seconds`, replacing what was there."""
        name = self._name(key)
        checked(name, value)
        await self._run(self._put, name, value, seconds)

    async def get(self, key: str) -> str | None:
        """The value at `key`, or None if there is none or it expired."""
        return await self._run(self._get, self._name(key))

    async def add(self, key: str, value: str, seconds: float) -> bool:
        """Keep `value` at `key` for `seconds` unless a live value is there; whether it did."""
        name = self._name(key)
        checked(name, value)
        return await self._run(self._add, name, value, seconds)

    async def delete(self, key: str) -> None:
        """Forget `key`."""
        await self._run(self._delete, self._name(key))

    async def delete_if(self, key: str, value: str) -> bool:
        """Forget `key` if it holds `value`; whether it did."""
        return await self._run(self._delete_if, self._name(key), value)

    async def spend(self, buckets: Sequence[Bucket]) -> float:
        """A token from each bucket, or none: 0 if spent, else seconds until each has one."""
        named = [Bucket(self._name(b.key), b.per_minute) for b in buckets]
        return await self._run(self._spend, named)

    async def aclose(self) -> None:
        """Nothing to release: the engine is the store's, closed by its owner."""

    def _name(self, key: str) -> str:
        name = self._prefix + key
        checked(name)
        return name

    async def _run(self, work: Callable[..., T], *args: object) -> T:
        try:
            return await asyncio.to_thread(work, *args)
        except SQLAlchemyError as error:
            raise StateUnavailable(type(error).__name__) from None

    def _put(self, name: str, value: str, seconds: float) -> None:
        now = self._clock()
        values = {"value": value, "tokens": None, "counted_at": None, "expires_at": now + seconds}
        with self._engine.begin() as connection:
            self._prune(connection, now)
            changed = connection.execute(update(table).where(table.c.key == name).values(values))
            if changed.rowcount == 1:
                return
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(table).values(key=name, **values))
        except IntegrityError:
            # Another replica inserted it meanwhile: the later write wins, as in Redis.
            with self._engine.begin() as connection:
                connection.execute(update(table).where(table.c.key == name).values(values))

    def _add(self, name: str, value: str, seconds: float) -> bool:
        now = self._clock()
        row = {"key": name, "value": value, "expires_at": now + seconds}
        for _ in range(2):
            try:
                with self._engine.begin() as connection:
                    connection.execute(insert(table).values(row))
            except IntegrityError:
                # A value is there: if it expired, it goes and the insert is tried once more.
                with self._engine.begin() as connection:
                    gone = connection.execute(
                        delete(table).where(table.c.key == name, table.c.expires_at <= now)
                    )
                if gone.rowcount == 0:
                    return False  # a live value: another replica's
            else:
                return True
        return False

    def _get(self, name: str) -> str | None:
        query = select(table.c.value).where(table.c.key == name, table.c.expires_at > self._clock())
        with self._engine.connect() as connection:
            found = connection.execute(query).scalar()
        return found if isinstance(found, str) else None

    def _delete(self, name: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(delete(table).where(table.c.key == name))

    def _delete_if(self, name: str, value: str) -> bool:
        now = self._clock()
        with self._engine.begin() as connection:
            removed = connection.execute(
                delete(table).where(
                    table.c.key == name, table.c.value == value, table.c.expires_at > now
                )
            )
        return bool(removed.rowcount == 1)

    def _spend(self, buckets: Sequence[Bucket]) -> float:
        now = self._clock()
        if self._spend_at_once(buckets, now):
            return 0.0
        spent: list[Bucket] = []
        for bucket in buckets:
            if not self._take_one(bucket, now):
                for done in spent:
                    self._give_back(done)
                # Refused, so never 0 (which would say "spent"), even if a token came back since.
                return max(MIN_WAIT, *(self._wait(b, now) for b in buckets))
            spent.append(bucket)
        return 0.0

    def _spend_at_once(self, buckets: Sequence[Bucket], now: float) -> bool:
        """The usual case, in one transaction: every bucket has a live row with a token.

        Anything else (a bucket without a row, one empty) rolls it back, so nothing is spent,
        and `_spend` goes bucket by bucket as before.
        """
        next_prune = self._next_prune
        with self._engine.connect() as connection, connection.begin() as transaction:
            self._prune(connection, now)
            if all(self._spend_from_row(connection, bucket, now) for bucket in buckets):
                return True
            transaction.rollback()
        self._next_prune = next_prune  # the prune was rolled back too: the next write does it
        return False

    def _take_one(self, bucket: Bucket, now: float) -> bool:
        """Spend one of `bucket`'s tokens if it has one; whether it had."""
        for _ in range(3):
            with self._engine.begin() as connection:
                self._prune(connection, now)
                if self._spend_from_row(connection, bucket, now):
                    return True
                alive = select(table.c.key).where(
                    table.c.key == bucket.key, table.c.expires_at > now
                )
                if connection.execute(alive).first() is not None:
                    # The row may have been inserted by another replica after the UPDATE
                    # looked (PostgreSQL reads each statement afresh): ask it once more.
                    return self._spend_from_row(connection, bucket, now)
                # Only an expired row: one another replica has just inserted is alive, and kept.
                connection.execute(
                    delete(table).where(table.c.key == bucket.key, table.c.expires_at <= now)
                )
            try:
                with self._engine.begin() as connection:
                    connection.execute(
                        insert(table).values(
                            key=bucket.key,
                            tokens=bucket.per_minute - 1.0,
                            counted_at=now,
                            expires_at=now + bucket.refill_seconds,
                        )
                    )
            except IntegrityError:
                continue  # another replica made it first: take from it
            return True
        return False

    def _spend_from_row(self, connection: Connection, bucket: Bucket, now: float) -> bool:
        """The conditional UPDATE: a token taken from the live row if it has one."""
        values = {
            "bucket_key": bucket.key,
            "bucket_now": now,
            "bucket_rate": bucket.rate,
            "bucket_size": float(bucket.per_minute),
            "bucket_refill": bucket.refill_seconds,
        }
        return bool(connection.execute(_TAKE, values).rowcount == 1)

    def _give_back(self, bucket: Bucket) -> None:
        size = float(bucket.per_minute)
        with self._engine.begin() as connection:
            connection.execute(
                update(table)
                .where(table.c.key == bucket.key)
                .values(tokens=case((table.c.tokens + 1 > size, size), else_=table.c.tokens + 1))
            )

    def _wait(self, bucket: Bucket, now: float) -> float:
        """Seconds until `bucket` has a token: 0 when it has one now."""
        size = float(bucket.per_minute)
        refilled = _refilled(literal(now, Float), literal(bucket.rate, Float), literal(size, Float))
        query = select(refilled).where(table.c.key == bucket.key, table.c.expires_at > now)
        with self._engine.connect() as connection:
            tokens = connection.execute(query).scalar()
        if tokens is None or float(tokens) >= 1 - EPSILON:
            return 0.0
        return (1 - float(tokens)) / bucket.rate

    def _prune(self, connection: Connection, now: float) -> None:
        if now < self._next_prune:
            return
        self._next_prune = now + PRUNE_EVERY
        connection.execute(delete(table).where(table.c.expires_at <= now))


def _refilled(
    now: ColumnElement[float], rate: ColumnElement[float], size: ColumnElement[float]
) -> ColumnElement[float]:
    """A bucket's tokens at `now`, computed by the database from its row: capped at its size."""
    elapsed = case((table.c.counted_at < now, now - table.c.counted_at), else_=0.0)
    tokens = table.c.tokens + elapsed * rate
    return case((tokens > size, size), else_=tokens)


def _take() -> Update:
    """`_spend_from_row`'s UPDATE, built once: SQLAlchemy then skips building it per message
    and remembers its cache key, which the gateway otherwise paid for on every message."""
    now = bindparam("bucket_now", type_=Float)
    tokens = _refilled(
        now, bindparam("bucket_rate", type_=Float), bindparam("bucket_size", type_=Float)
    )
    return (
        update(table)
        .where(table.c.key == bindparam("bucket_key", type_=String), table.c.expires_at > now)
        .where(tokens >= 1 - EPSILON)
        .values(
            tokens=tokens - 1,
            counted_at=now,
            expires_at=now + bindparam("bucket_refill", type_=Float),
        )
    )


_TAKE = _take()
