"""What the assistant did with one message, read off the conversation's events."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from bot.kb.article import article_for

# The response or action that tells what kind of reply a turn was, strongest first.
_KIND_OF_STEP = (
    ("action_answer_article", "answer"),
    # An answer sent by another action: a follow-up, or an article published since training.
    ("utter_article", "answer"),
    ("utter_article_step", "answer"),
    ("utter_article_no_step", "answer"),
    ("utter_clarify", "clarify"),
    ("action_ticket_status", "ticket_status"),
    # Offering a ticket, and every step of its form, is handing the question to a person.
    ("action_offer_ticket", "handoff"),
    ("ticket_form", "handoff"),
    ("action_submit_ticket", "handoff"),
    ("action_cancel_ticket", "handoff"),
    ("utter_ticket_declined", "handoff"),
    ("utter_fallback", "fallback"),
    ("utter_out_of_scope", "fallback"),
    ("utter_greet", "smalltalk"),
    ("utter_goodbye", "smalltalk"),
    ("utter_you_are_welcome", "smalltalk"),
    ("utter_iamabot", "smalltalk"),
    ("utter_how_are_you", "smalltalk"),
    ("utter_thanks_for_compliment", "smalltalk"),
    ("utter_anything_else", "smalltalk"),
    # Thanks for a vote is small talk too: the question itself was answered earlier.
    ("utter_feedback_helpful", "smalltalk"),
    ("utter_feedback_not_helpful", "smalltalk"),
    ("utter_feedback_nothing_to_rate", "smalltalk"),
)
KINDS = ("answer", "clarify", "fallback", "handoff", "ticket_status", "smalltalk")


@dataclass
class Reply:
    """The assistant's reply to one message and how it was reached."""

    text: str
    kind: str
    article: str | None
    intent: str | None
    confidence: float
    messages: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The form `helpdesk ask --jsonl` prints."""
        return asdict(self)


def classify(turn_events: list[dict[str, Any]], messages: list[dict[str, Any]]) -> Reply:
    """Build the reply from the events after the user's message and the messages sent."""
    user = next((e for e in turn_events if e.get("event") == "user"), {})
    parse = user.get("parse_data") or {}
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    top = ranking[0] if ranking else parse.get("intent") or {}
    steps = {e.get("name") for e in turn_events if e.get("event") == "action"}
    steps |= {
        (e.get("metadata") or {}).get("utter_action")
        for e in turn_events
        if e.get("event") == "bot"
    }
    kind = next((k for step, k in _KIND_OF_STEP if step in steps), "fallback")
    article = None
    if kind == "answer":
        article = next(
            (
                e.get("value")
                for e in turn_events
                if e.get("event") == "slot" and e.get("name") == "last_article"
            ),
            None,
        )
    elif kind == "clarify":
        article = article_for(top.get("name", ""))
    text = "\n\n".join(m["text"] for m in messages if m.get("text"))
    return Reply(
        text=text,
        kind=kind,
        article=article,
        intent=top.get("name"),
        confidence=round(float(top.get("confidence") or 0.0), 4),
        messages=messages,
    )
