"""Whether staff did anything an official was told of lately: the gateway's cheap first check.

Every staff reply and status change (a claim included) is kept for its official in
`kept_notices` by the notifier, so an official with no notice in the last hours has no ticket
staff are handling, and their message goes to the assistant without asking the desk. One
indexed read per message; the desk is asked only for the few officials this finds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.engine import Engine

from bot.store.schema import kept_notices


def recently_told(engine: Engine, channel: str, recipient: str, since: datetime) -> bool:
    """Whether the official on `channel` was sent a staff notice kept at `since` or later."""
    query = (
        select(kept_notices.c.id)
        .where(
            and_(
                kept_notices.c.channel == channel,
                kept_notices.c.recipient == recipient,
                kept_notices.c.created_at >= since,
            )
        )
        .limit(1)
    )
    with engine.connect() as connection:
        return connection.execute(query).first() is not None
