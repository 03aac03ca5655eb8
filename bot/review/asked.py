"""The questions a trainer should look at: those the assistant did not answer, and those whose
answer the official said did not help.

Why it looks like this:
- What became of a question is the report's reading of the conversation (`bot.report.outcomes`):
  fell back, asked back and never answered, or went to a person.
- A "not helpful" vote is a button press after an answer (`/feedback_not_helpful`); it belongs
  to the last answered question before it in the same conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.engine import Engine

from bot.report.conversations import Event, conversations
from bot.report.outcomes import Question, questions
from bot.report.period import Period

NOT_HELPFUL_INTENT = "feedback_not_helpful"
UNANSWERED, NOT_HELPFUL = "unanswered", "not_helpful"


@dataclass(frozen=True)
class Asked:
    """A question to review: what was typed, when, and why it is in the queue."""

    text: str
    at: datetime
    reason: str  # UNANSWERED or NOT_HELPFUL


def to_review(tracker: Engine, period: Period) -> list[Asked]:
    """The period's questions that fell back, were asked back about or got "not helpful"."""
    found: list[Asked] = []
    for events in conversations(tracker, period):
        asked = questions(events)
        disliked = _not_helpful(events, asked)
        for question in asked:
            if not period.contains(question.at):
                continue
            if question.unanswered:
                found.append(Asked(question.text, question.at, UNANSWERED))
            elif question in disliked:
                found.append(Asked(question.text, question.at, NOT_HELPFUL))
    return found


def _not_helpful(events: list[Event], asked: list[Question]) -> set[Question]:
    """The answered questions a "not helpful" vote came after."""
    answered = [q for q in asked if q.article]
    disliked: set[Question] = set()
    for event in events:
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if event.get("event") != "user" or intent != NOT_HELPFUL_INTENT:
            continue
        moment = datetime.fromtimestamp(float(event.get("timestamp") or 0), timezone.utc)
        before = [q for q in answered if q.at <= moment]
        if before:
            disliked.add(before[-1])
    return disliked
