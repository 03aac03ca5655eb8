"""Everything the report shows, gathered from the conversations, the store, the knowledge base
and the document system, before any of it is laid out."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.escalation.ratings import Rating
from bot.kb.loader import load
from bot.report.conversations import conversations
from bot.report.databases import reading
from bot.report.grouping import Group, group
from bot.report.normalise import Normaliser, clean
from bot.report.outcomes import CLARIFIED, OUTCOMES, Question, questions
from bot.report.period import Period, day_of
from bot.report.satisfaction import rating_list
from bot.report.tickets import TicketStats, TicketsUnavailable, ticket_stats
from bot.report.votes import Votes, votes
from bot.settings import DeskClientSettings
from bot.texts import texts


@dataclass(frozen=True)
class Sources:
    """Where the report reads from; `desk` is None when no document system is configured."""

    tracker: Engine
    store: Engine
    kb_dir: Path
    desk: DeskClientSettings | None


@dataclass(frozen=True)
class Report:
    """The period's figures."""

    period: Period
    generated_at: datetime
    questions: list[Question]
    votes: list[Votes]
    groups: list[Group]
    tickets: TicketStats | TicketsUnavailable
    titles: dict[str, str]
    article_software: dict[str, str]
    software_labels: dict[str, str]
    ratings: list[Rating] | TicketsUnavailable

    def outcomes(self) -> dict[str, int]:
        """Questions per outcome, every outcome present."""
        counts = Counter(q.outcome for q in self.questions)
        return {outcome: counts[outcome] for outcome in OUTCOMES}

    def answered_after_asking_back(self) -> int:
        """Questions asked back about, then answered once the official chose a topic."""
        return sum(1 for q in self.questions if q.outcome == CLARIFIED and q.article)

    def per_day(self) -> list[tuple[date, int]]:
        """Questions per day, every day of the period present."""
        counts = Counter(day_of(q.at) for q in self.questions)
        return [(day, counts[day]) for day in self.period.days()]

    def per_software(self) -> list[tuple[str, int]]:
        """Questions per software (by label), the most asked first, unknown last."""
        unknown = texts("bot.report").say("page.unknown_software")
        counts = Counter(self.software_of(q.article) for q in self.questions)
        known = sorted(
            ((label, n) for label, n in counts.items() if label != unknown),
            key=lambda item: (-item[1], item[0]),
        )
        return known + ([(unknown, counts[unknown])] if counts[unknown] else [])

    def software_of(self, article: str | None) -> str:
        """The label of the software of the article, or "not known"."""
        key = self.article_software.get(article or "") or (article or "").partition(".")[0]
        return self.software_labels.get(key) or texts("bot.report").say("page.unknown_software")

    def label(self, software: str) -> str:
        """A ticket's software key as its label; a key the knowledge base lacks, as it is."""
        return (
            self.software_labels.get(software)
            or software
            or texts("bot.report").say("page.unknown_software")
        )


def collect(sources: Sources, period: Period, now: datetime) -> Report:
    """Read everything for `period`."""
    with reading(sources.tracker, "tracker_db"):
        asked = [
            question
            for conversation in conversations(sources.tracker, period)
            for question in questions(conversation)
            if period.contains(question.at)
        ]
    with reading(sources.store, "store_db"):
        found_votes = votes(sources.store, period)
    kb = load(sources.kb_dir)
    software = kb.software if isinstance(kb.software, dict) else {}  # kb validate says why
    labels = {
        str(key): str(entry.get("label") or key) if isinstance(entry, dict) else str(key)
        for key, entry in software.items()
    }
    return Report(
        period=period,
        generated_at=now,
        questions=asked,
        votes=found_votes,
        groups=_unanswered_groups(asked, Normaliser.for_knowledge_base(sources.kb_dir)),
        tickets=_tickets(sources.desk, period),
        titles={a.id: a.title for a in kb.articles.values()},
        article_software={a.id: a.software for a in kb.articles.values()},
        software_labels=labels,
        ratings=_ratings(sources.desk, period),
    )


def _unanswered_groups(asked: list[Question], normaliser: Normaliser) -> list[Group]:
    mask = texts("bot.report").say("unanswered.masked_number")
    shown = [clean(q.text, mask) for q in asked if q.unanswered]
    return group([(t, normaliser.syllables(t)) for t in shown if t])


def _tickets(desk: DeskClientSettings | None, period: Period) -> TicketStats | TicketsUnavailable:
    if desk is None:
        return TicketsUnavailable("not_configured")
    return asyncio.run(ticket_stats(desk, period))


def _ratings(desk: DeskClientSettings | None, period: Period) -> list[Rating] | TicketsUnavailable:
    if desk is None:
        return TicketsUnavailable("not_configured")
    return asyncio.run(rating_list(desk, period))
