"""Rasa's lookup of an event's class by its name, remembered instead of searched per event.

Why it exists: Rasa rebuilds a conversation from its stored events on every turn, and each
event's class is found by `Event.resolve_by_type`, which lists every subclass of `Event`
(recursively, checking each for abstractness) and takes the first of that name. Profiled
(docs/benchmarks.md, "A lighter turn"), that search was the largest single cost of reading a
tracker, growing with the conversation. The classes do not change once imported: the first
answer for a name is kept and given again. A name not found is searched each time, as before,
with Rasa's own default or error.
"""

from __future__ import annotations

from typing import Any

_INSTALLED = "_helpdesk_types_remembered"


def install() -> None:
    """Make `Event.resolve_by_type` remember the class it found for each name."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    if getattr(Event, _INSTALLED, False):
        return
    original = Event.resolve_by_type
    found: dict[str, Any] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        known = found.get(type_name)
        if known is not None:
            return known
        for kind in all_subclasses(Event):
            if kind.type_name == type_name:
                found[type_name] = kind
                return kind
        return original(type_name, default)

    Event.resolve_by_type = staticmethod(resolve_by_type)
    setattr(Event, _INSTALLED, True)
