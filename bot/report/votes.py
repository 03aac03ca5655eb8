"""Helpful and not-helpful votes per article, from the assistant's store."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Engine

from bot.report.period import Period
from bot.store.schema import feedback


@dataclass(frozen=True)
class Votes:
    """One article's votes in the period."""

    article: str
    helpful: int
    not_helpful: int

    @property
    def total(self) -> int:
        """Every vote."""
        return self.helpful + self.not_helpful


def votes(engine: Engine, period: Period) -> list[Votes]:
    """Votes per article, the most "not helpful" first: those answers need work first."""
    if not inspect(engine).has_table(feedback.name):
        return []  # the store was never migrated: nobody has voted
    # The store keeps naive UTC times.
    start = period.start.replace(tzinfo=None)
    end = period.end.replace(tzinfo=None)
    query = (
        select(feedback.c.article_id, feedback.c.helpful, func.count())
        .where(feedback.c.created_at >= start)
        .where(feedback.c.created_at < end)
        .group_by(feedback.c.article_id, feedback.c.helpful)
    )
    counts: dict[str, list[int]] = {}
    with engine.connect() as connection:
        for article, helpful, count in connection.execute(query):
            counts.setdefault(article, [0, 0])[0 if helpful else 1] += count
    found = [Votes(article, yes, no) for article, (yes, no) in counts.items()]
    return sorted(found, key=lambda v: (-v.not_helpful, -v.total, v.article))
