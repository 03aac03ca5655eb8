"""Which message of the staff group is each ticket's post (`staff_posts`), to answer under it.

Why it looks like this:
- A reply that cannot reach its official is said as a reply to the ticket's own post, so the
  staff read it where they read the ticket. A post made before this table existed, or one
  whose row is gone, is simply not replied to: the message stands on its own.
- Every method blocks; the board runs them in a worker thread.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store.schema import staff_posts


class StaffPosts:
    """The `staff_posts` table, on a migrated engine."""

    def __init__(self, engine: Engine) -> None:
        """Use `engine`."""
        self._engine = engine

    def remember(self, ticket_code: str, chat_id: int, message_id: int) -> None:
        """`message_id` in `chat_id` is the post of `ticket_code` (the latest one counts)."""
        values = {"chat_id": chat_id, "message_id": message_id, "posted_at": datetime.utcnow()}
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(staff_posts).values(ticket_code=ticket_code, **values))
        except IntegrityError:
            with self._engine.begin() as connection:
                connection.execute(
                    update(staff_posts)
                    .where(staff_posts.c.ticket_code == ticket_code)
                    .values(**values)
                )

    def of(self, ticket_code: str, chat_id: int) -> int | None:
        """The message id of `ticket_code`'s post in `chat_id`, if known."""
        query = select(staff_posts.c.message_id).where(
            and_(staff_posts.c.ticket_code == ticket_code, staff_posts.c.chat_id == chat_id)
        )
        with self._engine.connect() as connection:
            found = connection.execute(query).scalar_one_or_none()
        return int(found) if found is not None else None
