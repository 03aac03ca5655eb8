"""What the ticket actions read off the conversation: the last question, recent turns, channel.

The ticket's excerpt is the conversation before the official asked for a person: what they asked
and what the assistant answered. The offer and the form's own questions and answers (the phone
number among them) are already in the ticket's fields, and staff would only scroll past them.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from bot.escalation.request import Turn
from bot.messages import LOCAL

# Intents of messages that ask something the assistant should have answered.
_QUESTION_INTENTS = ("nlu_fallback", "out_of_scope")
_RECENT_TURNS = 12
# Where the way to a ticket starts: the offer, or the form when it was opened without one.
_OFFER_ACTION = "action_offer_ticket"
_FORM = "ticket_form"
# The request for a person says nothing staff need: the ticket itself is that request.
_HANDOFF_INTENTS = ("request_human",)


def session_events(tracker: Tracker) -> list[dict[str, Any]]:
    """The events of the current session (after the last `session_started`)."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "session_started":
            return events[index + 1 :]
    return events


def _is_question(event: dict[str, Any]) -> bool:
    text = event.get("text") or ""
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
    return (
        bool(text.strip())
        and not text.startswith("/")
        and (intent.startswith("kb_") or intent in _QUESTION_INTENTS)
    )


def last_question(tracker: Tracker) -> str | None:
    """The official's latest question in this session before the message being handled."""
    users = [e for e in session_events(tracker) if e.get("event") == "user"]
    for event in reversed(users[:-1]):
        if _is_question(event):
            return " ".join(str(event["text"]).split())
    return None


def _before_handoff(tracker: Tracker) -> list[dict[str, Any]]:
    """The session's events before the latest offer of a ticket (or the form, without one)."""
    events = session_events(tracker)
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "action" and events[index].get("name") == _OFFER_ACTION:
            return events[:index]
    for index, event in enumerate(events):
        if event.get("event") == "active_loop" and event.get("name") == _FORM:
            return events[:index]
    return events


def _intent(event: dict[str, Any]) -> str:
    return str(((event.get("parse_data") or {}).get("intent") or {}).get("name") or "")


def recent_turns(tracker: Tracker) -> list[Turn]:
    """The latest messages before the official asked for a person, both sides, no payloads."""
    turns = []
    for event in _before_handoff(tracker):
        text = event.get("text") or ""
        if event.get("event") not in ("user", "bot") or not text.strip() or text.startswith("/"):
            continue
        if event["event"] == "user" and _intent(event) in _HANDOFF_INTENTS:
            continue
        turns.append(Turn(from_official=event["event"] == "user", text=text))
    return turns[-_RECENT_TURNS:]


def article_before_handoff(tracker: Tracker) -> str | None:
    """The article answered last before the official asked for a person, if any."""
    for event in reversed(_before_handoff(tracker)):
        if event.get("event") == "slot" and event.get("name") == "last_article":
            value = event.get("value")
            if isinstance(value, str) and value:
                return value
    return None


def previous_reply_used(tracker: Tracker, responses: tuple[str, ...]) -> bool:
    """Whether the assistant's reply to the official's previous message used one of `responses`."""
    events = session_events(tracker)
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    if len(users) < 2:
        return False
    return any(
        event.get("event") == "bot"
        and (event.get("metadata") or {}).get("utter_action") in responses
        for event in events[users[-2] + 1 : users[-1]]
    )


def channel_of(tracker: Tracker) -> str:
    """The channel the official writes from, as the gateway names it; local chats by default."""
    metadata = tracker.latest_message.get("metadata") or {}
    channel = metadata.get("channel")
    return channel if isinstance(channel, str) and 0 < len(channel) <= 20 else LOCAL


def official_name(tracker: Tracker) -> str | None:
    """The official's display name, when the channel gives one."""
    name = (tracker.latest_message.get("metadata") or {}).get("name")
    return name.strip() if isinstance(name, str) and name.strip() else None


def message_marker(tracker: Tracker) -> str:
    """What identifies the message being handled: its id, or the time it arrived."""
    latest = tracker.latest_message
    marker = latest.get("message_id")
    if marker:
        return str(marker)
    users = [e for e in tracker.events if e.get("event") == "user"]
    return str(users[-1].get("timestamp")) if users else str(latest.get("text"))
