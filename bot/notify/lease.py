"""The notifier's sending lease: of several notifier processes on one store, one sends.

Why it looks like this:
- Two notifiers reading one cursor would both send every notice before either moved it. The
  one holding the lease "notifier" (`bot.store.leases`) sends; the others find it held and wait,
  trying again each tick, so one takes over within a lease's length when the holder stops.
- The lease is renewed at the start of each tick and before each send (`keep`), so a tick longer
  than the lease (a slow channel, many notices) keeps it, and a notifier that lost it (paused,
  cut off from the store) stops before sending what the new holder sends too.
- A store that cannot be reached counts as not holding it: sending without knowing is how
  notices get doubled, and the store is needed for the cursor anyway.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError

from bot.metrics import NotifierMetrics
from bot.store.leases import Leases, holder_id

log = logging.getLogger(__name__)

NAME = "notifier"
# Long enough that a tick between two renewals never outlasts it, short enough that another
# notifier takes over within a minute when this one stops without letting go.
SECONDS = 60.0


class SendingLease:
    """This notifier's claim to send, kept in `leases`."""

    def __init__(
        self,
        leases: Leases,
        holder: str | None = None,
        seconds: float = SECONDS,
        metrics: NotifierMetrics | None = None,
    ) -> None:
        """Claim through `leases` as `holder` (a fresh id by default) for `seconds` a time."""
        self._leases = leases
        self.holder = holder or holder_id(NAME)
        self._seconds = seconds
        self._metrics = metrics
        self._held = False

    @property
    def held(self) -> bool:
        """Whether the last claim or renewal succeeded."""
        return self._held

    def keep(self) -> bool:
        """Take or renew the lease now; whether this notifier may send."""
        try:
            claim = self._leases.acquire(NAME, self.holder, self._seconds)
        except SQLAlchemyError as error:
            log.warning("the sending lease could not be renewed (%s)", type(error).__name__)
            claim = None
        held = claim is not None
        if claim is not None and not self._held:
            taken = " from a notifier that stopped without letting go" if claim.abandoned else ""
            log.info("this notifier holds the sending lease%s", taken)
        elif self._held and not held:
            log.warning("this notifier lost the sending lease; it waits")
        elif not held:
            log.debug("another notifier holds the sending lease; this one waits")
        self._held = held
        if self._metrics is not None:
            self._metrics.lease_held(held)
        return held

    async def take(self) -> bool:
        """`keep`, off the event loop."""
        return await asyncio.to_thread(self.keep)

    async def release(self) -> None:
        """Let another notifier take over at once (on the way out)."""
        if not self._held:
            return
        try:
            await asyncio.to_thread(self._leases.release, NAME, self.holder)
        except SQLAlchemyError as error:
            log.warning("the sending lease was not released (%s)", type(error).__name__)
        self._held = False
        if self._metrics is not None:
            self._metrics.lease_held(False)
