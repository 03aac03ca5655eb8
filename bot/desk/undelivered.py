"""Which of a ticket's notices the assistant could not deliver to the official, for its page.

Why it looks like this:
- The notifier keeps every notice for an official in the assistant's store (`kept_notices`),
  with its state; the built-in desk runs beside it (`helpdesk run` gives every process the
  store's address), so the ticket's page reads the states there and tells the staff to call.
- Reading it must never break the page: a store that cannot be read shows nothing extra.
- Only the channel and state are read, never the notices' text.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.db import make_engine
from bot.store.kept_notices import UNREACHABLE, WAITING, KeptNotices

log = logging.getLogger(__name__)


class Undelivered:
    """Reads the assistant's store for a ticket's notices that did not reach the official."""

    def __init__(self, url: str) -> None:
        """Open (lazily, as engines do) the store at `url`; `close` disposes of it."""
        self._engine: Engine = make_engine(url)
        self._kept = KeptNotices(self._engine)

    def of(self, ticket_code: str) -> list[tuple[str, str]]:
        """(channel, state) of the ticket's notices waiting for the official or unreachable."""
        try:
            notices = self._kept.by_ticket(ticket_code)
        except SQLAlchemyError as error:
            log.warning("the assistant's store could not be read (%s)", type(error).__name__)
            return []
        return sorted({(n.channel, n.state) for n in notices if n.state in (WAITING, UNREACHABLE)})

    def close(self) -> None:
        """Let go of the store's connections."""
        self._engine.dispose()
