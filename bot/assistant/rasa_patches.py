"""The changes to Rasa's turn that every process running a model makes, installed together.

`helpdesk rasa` and the in-process assistant (`runtime.py`: `helpdesk ask`, `eval`, the
benchmarks) must run the same turn, so both install this one list (docs/benchmarks.md, "A
lighter turn" and "Rasa's conversations on SQLite").
"""

from __future__ import annotations


def install() -> None:
    """Install each change once (each is idempotent)."""
    from bot.assistant import (
        action_calls,
        action_connections,
        action_results,
        diet_inference,
        event_types,
        rule_index,
        rule_states,
        tracker_cache,
    )

    action_calls.install()
    action_connections.install()
    action_results.install()
    diet_inference.install()
    event_types.install()
    rule_index.install()
    rule_states.install()
    tracker_cache.install()
