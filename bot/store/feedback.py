"""Helpful / not helpful votes on answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from bot.store.schema import feedback


class FeedbackStore:
    """Records officials' votes on the answers they got."""

    def __init__(self, engine: Engine) -> None:
        """Use the given engine; the schema must be migrated already."""
        self._engine = engine

    def record(self, conversation_id: str, article_id: str, helpful: bool) -> None:
        """Store one vote."""
        with self._engine.begin() as connection:
            connection.execute(
                insert(feedback).values(
                    conversation_id=conversation_id,
                    article_id=article_id,
                    helpful=helpful,
                    created_at=datetime.utcnow(),
                )
            )

    def counts(self, article_id: str) -> tuple[int, int]:
        """Helpful and not-helpful votes for one article."""
        query = (
            select(feedback.c.helpful, func.count())
            .where(feedback.c.article_id == article_id)
            .group_by(feedback.c.helpful)
        )
        with self._engine.connect() as connection:
            rows = dict(connection.execute(query).all())
        return rows.get(True, 0), rows.get(False, 0)
