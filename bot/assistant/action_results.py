"""Rasa's check of the action server's answers, with its schema checked once instead of per call.

Why it exists: Rasa 3.6 checks every answer of the action server with `jsonschema.validate`,
which first validates the schema itself against the JSON Schema meta-schema, and the events'
schema is large. Profiled under load (docs/benchmarks.md, "A lighter turn"), that self-check
was 60% of the Rasa server's time per knowledge-base answer (about 50 ms of 83). The answer is
still checked against the same schema with the same outcome; only the schema's own check moves
to the first call. `install` is called where a model is loaded for serving: `helpdesk rasa`
and the in-process assistant of `helpdesk ask` and `helpdesk eval`.
"""

from __future__ import annotations

from typing import Any

_INSTALLED = "_helpdesk_checked_once"


def install() -> None:
    """Make Rasa's remote actions check answers with a validator built once per schema."""
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction, _INSTALLED, False):
        return
    original = RemoteAction._validate_action_result
    validators: dict[int, Any] = {}

    def validate_action_result(self: Any, result: dict[str, Any]) -> bool:
        schema = self.action_response_format_spec()
        validator = validators.get(id(type(self)))
        if validator is None:
            kind = validator_for(schema)
            kind.check_schema(schema)
            validator = kind(schema)
            validators[id(type(self))] = validator
        error: ValidationError | None = best_match(validator.iter_errors(result))
        if error is not None:
            # Rasa's own wording and exception, raised the way its own check raises them.
            return bool(original(self, result))
        return True

    RemoteAction._validate_action_result = validate_action_result
    setattr(RemoteAction, _INSTALLED, True)
