"""What Rasa sends the action server on each call: the domain without its responses.

Why it exists: Rasa 3.6 sends the whole domain with every call to the action server (unless
the domain says which actions need it), and about 20 kB of our 24 kB domain are its responses,
the texts Rasa itself fills in and sends. Our actions read the domain's intents, slots and
forms, as rasa_sdk's forms do, and name responses only by their name (the dispatcher), so the
texts crossed the loopback on every answer for nothing: encoded by Rasa, sent, and parsed by
the action server, about a third of a call's body (docs/benchmarks.md, "A lighter turn").
Everything else is sent as before. An action that needs the responses must not be written
against this (tests/assistant/test_action_calls.py checks that none reads them). `install` is
called by `rasa_patches.install`.
"""

from __future__ import annotations

from typing import Any

_INSTALLED = "_helpdesk_domain_without_responses"
# The part of the domain left out: the responses' texts.
LEFT_OUT = "responses"


def install() -> None:
    """Make Rasa's remote actions send the domain without its responses."""
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction, _INSTALLED, False):
        return
    original = RemoteAction._action_call_format

    def action_call_format(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
        body: dict[str, Any] = original(self, tracker, domain)
        sent = body.get("domain")
        if isinstance(sent, dict) and LEFT_OUT in sent:
            # A copy: the dictionary is the domain's own.
            body["domain"] = {key: value for key, value in sent.items() if key != LEFT_OUT}
        return body

    RemoteAction._action_call_format = action_call_format
    setattr(RemoteAction, _INSTALLED, True)
