"""What became of each question an official asked, read off the conversation's events.

A question is a message the assistant was meant to answer: typed (not a button's "/payload"),
outside the ticket form, and understood as an article's intent, a fallback or out of scope.
Everything up to the next question belongs to it: an answer, asking back and the official's
choice, the offer of a ticket, the form and the ticket itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from bot.kb.article import INTENT_PREFIX
from bot.report.conversations import Event
from bot.vietnamese import comparable

ANSWERED, CLARIFIED, FALLEN_BACK, ESCALATED = "answered", "clarified", "fallen_back", "escalated"
OUTCOMES = (ANSWERED, CLARIFIED, FALLEN_BACK, ESCALATED)
UNANSWERED = frozenset({FALLEN_BACK, ESCALATED})

_QUESTION_INTENTS = ("nlu_fallback", "out_of_scope")


@dataclass(frozen=True)
class Question:
    """One question: its text, when it was asked, its outcome and the article it got, if any."""

    text: str
    at: datetime
    outcome: str
    article: str | None = None

    @property
    def unanswered(self) -> bool:
        """Fell back, was asked back and never answered, or went to a person."""
        return self.outcome in UNANSWERED or (self.outcome == CLARIFIED and not self.article)


@dataclass
class _Open:
    text: str
    at: datetime
    article: str | None = None
    asked_back: bool = False
    escalated: bool = False

    def close(self) -> Question:
        if self.escalated:
            outcome = ESCALATED
        elif self.asked_back:
            outcome = CLARIFIED
        elif self.article:
            outcome = ANSWERED
        else:
            outcome = FALLEN_BACK
        return Question(self.text, self.at, outcome, self.article)


def questions(events: list[Event]) -> list[Question]:
    """The questions of one conversation, in order."""
    reader = _Reader()
    for event in events:
        reader.read(event)
    # A ticket about another matter is found while the question before it is still open.
    return sorted(reader.finish(), key=lambda question: question.at)


class _Reader:
    """Follows one conversation event by event."""

    def __init__(self) -> None:
        self.found: list[Question] = []
        self.current: _Open | None = None
        self.form_active = False
        self.description = ""  # the ticket form's, as last filled in
        self.last_action = ""

    def read(self, event: Event) -> None:
        kind = event.get("event")
        if kind in ("session_started", "restart"):
            self.finish()
            self.current, self.form_active, self.description = None, False, ""
        elif kind == "active_loop":
            self.form_active = event.get("name") is not None
        elif kind == "user" and not self.form_active and _is_question(event):
            self.finish()
            self.current = _Open(" ".join(str(event["text"]).split()), _moment(event))
        elif kind == "action":
            self.last_action = str(event.get("name") or "")
            if self.last_action == "action_submit_ticket":
                self._escalate(event)
        elif kind == "slot":
            self._slot(event.get("name"), event.get("value"))
        elif kind == "bot" and self.current and not self.current.article:
            metadata = event.get("metadata") or {}
            self.current.asked_back |= metadata.get("utter_action") == "utter_clarify"

    def finish(self) -> list[Question]:
        """Close the question still open; the questions found."""
        if self.current:
            self.found.append(self.current.close())
            self.current = None
        return self.found

    def _slot(self, name: object, value: object) -> None:
        if name == "ticket_description":
            self.description = " ".join(str(value or "").split())
        elif name == "last_article" and value and self.current:
            # The feedback action clears this slot; only the answer sets it to an article.
            answered = self.last_action == "action_answer_article"
            self.current.article = str(value) if answered else self.current.article

    def _escalate(self, event: Event) -> None:
        """Mark the question a ticket was opened for; a ticket about something else is a question.

        After an answer that helped, an official may ask for a person about another matter:
        the form's description then differs from the question answered, and is the question.
        """
        current = self.current
        other_matter = bool(
            current
            and current.article
            and self.description
            and comparable(self.description) != comparable(current.text)
        )
        if current and not other_matter:
            current.escalated = True
        elif self.description:
            self.found.append(Question(self.description, _moment(event), ESCALATED))


def _is_question(event: Event) -> bool:
    text = str(event.get("text") or "")
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
    return (
        bool(text.strip())
        and not text.startswith("/")
        and (intent.startswith(INTENT_PREFIX) or intent in _QUESTION_INTENTS)
    )


def _moment(event: Event) -> datetime:
    return datetime.fromtimestamp(float(event.get("timestamp") or 0), timezone.utc)
