"""Zalo's access token and its one-time refresh token, kept in `channel_tokens`.

Why it looks like this:
- The store holds the one live pair for every process (the gateway, the notifier). Who may
  refresh it and when is `refresh.py`'s business; here the pair is only read, seeded once and
  replaced by a conditional update on `version`, so a pair is never overwritten by one made
  from an older refresh token.
- A token given in the settings has an unknown age, so it is seeded as already expiring and
  the first use refreshes it.
- The tokens are sealed in the table (`bot.store.sealing`, HELPDESK_STORE_KEY): whoever reads
  the database or a backup of it does not get a working token. A row found in clear (written
  before sealing existed; migrations never see the key) or sealed with an old key is sealed
  anew with the current key the first time it is read.
- Tokens never reach logs or exception messages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.channels.zalo.errors import TokenRefreshFailed
from bot.store.schema import channel_tokens
from bot.store.sealing import Sealer, WrongStoreKey

log = logging.getLogger(__name__)

CHANNEL = "zalo"


@dataclass(frozen=True)
class TokenPair:
    """The stored pair and the version it was read at."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: datetime
    version: int


class TokenStore:
    """The channel's row in `channel_tokens`; all methods block, run them in a thread."""

    def __init__(
        self, engine: Engine, channel: str = CHANNEL, *, sealer: Sealer | None = None
    ) -> None:
        """Use `engine` (migrated) and the row of `channel`, the tokens sealed by `sealer`
        (by default, with the keys in the environment)."""
        self._engine = engine
        self._channel = channel
        self._row = channel_tokens.c.channel == channel
        self._sealer = sealer or Sealer.from_environment()

    def read(self) -> TokenPair | None:
        """The stored pair, or None before the first."""
        with self._engine.connect() as connection:
            found = self._read(connection)
        if found is None:
            return None
        pair, stale = found
        if stale:
            self._reseal(pair)
        return pair

    def seed(self, access_token: str, refresh_token: str, expires_at: datetime) -> TokenPair:
        """Store the first pair unless a row exists (another process may seed at once)."""
        values = {
            "channel": self._channel,
            "access_token": self._sealer.seal(access_token),
            "refresh_token": self._sealer.seal(refresh_token),
            "expires_at": expires_at,
            "version": 1,
            "updated_at": datetime.utcnow(),
        }
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(channel_tokens).values(**values))
        except IntegrityError:
            pass  # another process seeded first; its row wins
        pair = self.read()
        if pair is None:
            raise TokenRefreshFailed("the Zalo token row vanished while seeding")
        return pair

    def replace(self, seen_version: int, fresh: TokenPair, now: datetime) -> bool:
        """Store `fresh` if the row is still at `seen_version`; False if another pair came first."""
        with self._engine.begin() as connection:
            changed = connection.execute(
                update(channel_tokens)
                .where(self._row, channel_tokens.c.version == seen_version)
                .values(
                    access_token=self._sealer.seal(fresh.access_token),
                    refresh_token=self._sealer.seal(fresh.refresh_token),
                    expires_at=fresh.expires_at,
                    version=fresh.version,
                    updated_at=now,
                )
            )
        return bool(changed.rowcount == 1)

    def _read(self, connection: Connection) -> tuple[TokenPair, bool] | None:
        """The stored pair opened, and whether it is to be sealed anew with the current key."""
        row = connection.execute(select(channel_tokens).where(self._row)).first()
        if row is None:
            return None
        try:
            access, refresh = (self._sealer.open(v) for v in (row.access_token, row.refresh_token))
        except WrongStoreKey as error:
            raise TokenRefreshFailed(str(error)) from None
        pair = TokenPair(access.text, refresh.text, row.expires_at, int(row.version))
        return pair, access.stale or refresh.stale

    def _reseal(self, pair: TokenPair) -> None:
        """Store `pair` sealed with the current key, unless a new pair replaced it meanwhile."""
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    update(channel_tokens)
                    .where(self._row, channel_tokens.c.version == pair.version)
                    .values(
                        access_token=self._sealer.seal(pair.access_token),
                        refresh_token=self._sealer.seal(pair.refresh_token),
                    )
                )
        except SQLAlchemyError as error:
            # The pair read is good; the next read seals it.
            log.warning("the Zalo tokens were not sealed anew (%s)", type(error).__name__)
