"""Rasa's check of the action server's answers, with its schema checked once instead of per call.

Why it exists: Rasa 3.6 checks every answer of the action server with `jsonschema.validate`,
which first validates the schema itself against the JSON Schema meta-schema, and the events'
schema is large. Profiled under load (docs/benchmarks.md, "A lighter turn"), that self-check
was 60% of the Rasa server's time per knowledge-base answer (about 50 ms of 83). The answer is
still checked against the same schema with the same outcome; only the schema's own check moves
to the first call. `install` is called where a model is loaded for serving: `helpdesk rasa`
and the in-process assistant of `helpdesk ask` and `helpdesk eval`.

Each event must also match exactly one of the schema's 23 kinds (`oneOf`), each told by the
constant of its `event` field, so the full check tries every kind on every event (2 ms of a
turn). An event whose `event` is a kind's constant can only match that kind: `EventCheck`
checks it against that kind alone, and an answer it cannot pass so (anything unusual) is
checked in full, as before, so the outcome is always the full check's.
"""

from __future__ import annotations

from typing import Any

_INSTALLED = "_helpdesk_checked_once"


class EventCheck:
    """A quick check of an answer that passes only answers the full schema passes."""

    def __init__(self, kind: Any, schema: dict[str, Any]) -> None:
        """Split `schema` (Rasa's answer schema) for validators of class `kind`."""
        events = schema["properties"]["events"]
        event = events["items"]
        self.answer = kind(_with_events_items(schema, {}))
        self.event = kind({key: value for key, value in event.items() if key != "oneOf"})
        self.kinds: dict[str, Any] = {}
        for option in event["oneOf"]:
            self.kinds[option["properties"]["event"]["const"]] = kind(option)
        if len(self.kinds) != len(event["oneOf"]):
            raise ValueError("two kinds of event share a constant")

    def passes(self, result: Any) -> bool:
        """True only if the full schema passes `result` (False: check it in full)."""
        if not self.answer.is_valid(result):
            return False
        for event in result.get("events") or []:
            name = event.get("event") if isinstance(event, dict) else None
            kind = self.kinds.get(name) if isinstance(name, str) else None
            if kind is None or not self.event.is_valid(event) or not kind.is_valid(event):
                return False
        return True


def _with_events_items(schema: dict[str, Any], items: dict[str, Any]) -> dict[str, Any]:
    events = {**schema["properties"]["events"], "items": items}
    return {**schema, "properties": {**schema["properties"], "events": events}}


def event_check(kind: Any, schema: dict[str, Any]) -> EventCheck | None:
    """The quick check for `schema`, or None if it is not shaped as Rasa 3.6's."""
    try:
        return EventCheck(kind, schema)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def install() -> None:
    """Make Rasa's remote actions check answers with a validator built once per schema."""
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction, _INSTALLED, False):
        return
    original = RemoteAction._validate_action_result
    validators: dict[int, tuple[Any, EventCheck | None]] = {}

    def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        built = validators.get(id(type(self)))
        if built is None:
            schema = self.action_response_format_spec()
            kind = validator_for(schema)
            kind.check_schema(schema)
            built = validators[id(type(self))] = (kind(schema), event_check(kind, schema))
        validator, quick = built
        if quick is not None and quick.passes(result):
            return True
        error: ValidationError | None = best_match(validator.iter_errors(result))
        if error is not None:
            # Rasa's own wording and exception, raised the way its own check raises them.
            return bool(original(self, result))
        return True

    RemoteAction._validate_action_result = validate_action_result
    setattr(RemoteAction, _INSTALLED, True)
