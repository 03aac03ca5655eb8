"""Trainers' decisions on the review queue: the `review_decisions` table.

Why it looks like this:
- A decision is kept per question (a hash of its normalised syllables), not per group: groups
  are recomputed from the conversations every time the queue is read, and a question once
  attached, made an article or dismissed must never come back, whatever group it would join.
- Rows are only ever added; `recent` shows trainers what was done, by whom and through what.
- Every method blocks; async callers run them in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from bot.store.schema import review_decisions

ATTACHED, NEW, DISMISSED = "attached", "new", "dismissed"
DECISIONS = (ATTACHED, NEW, DISMISSED)


@dataclass(frozen=True)
class Decision:
    """What a trainer did with one group of questions."""

    group_key: str
    representative: str
    decision: str
    article_id: str | None
    kb_version: int | None
    acted_by: str
    via: str
    acted_at: datetime


class ReviewDecisions:
    """The decisions in the assistant's store; the schema must be migrated already."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = datetime.utcnow) -> None:
        """Use `engine`; `clock` (naive UTC) stamps each decision."""
        self._engine = engine
        self._clock = clock

    def decided(self) -> set[str]:
        """The keys of every question a trainer has decided about."""
        query = select(review_decisions.c.question_key).distinct()
        with self._engine.connect() as connection:
            return {str(key) for key in connection.execute(query).scalars()}

    def record(self, decision: Decision, question_keys: Iterable[str]) -> None:
        """Keep `decision` for each question of its group, in one transaction."""
        rows = [
            {
                "question_key": key,
                "group_key": decision.group_key,
                "representative": decision.representative,
                "decision": decision.decision,
                "article_id": decision.article_id,
                "kb_version": decision.kb_version,
                "acted_by": decision.acted_by,
                "via": decision.via,
                "acted_at": decision.acted_at,
            }
            for key in sorted(set(question_keys))
        ]
        if rows:
            with self._engine.begin() as connection:
                connection.execute(insert(review_decisions), rows)

    def now(self) -> datetime:
        """The time a decision made now is stamped with."""
        return self._clock()

    def recent(self, limit: int = 20) -> list[Decision]:
        """The latest decisions, one per group, newest first."""
        columns = review_decisions.c
        query = (
            select(
                columns.group_key,
                columns.representative,
                columns.decision,
                columns.article_id,
                columns.kb_version,
                columns.acted_by,
                columns.via,
                columns.acted_at,
            )
            .distinct()
            .order_by(columns.acted_at.desc(), columns.group_key)
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [Decision(*row) for row in connection.execute(query)]
