"""Rasa's rule policy, reading the conversation's states once per prediction instead of twice.

Why it exists: to predict an action, `RulePolicy._predict` matches its rules against the
conversation twice, once with the last message's text and once with its intent, and each time
rebuilds the states of the whole conversation from its events (`Domain.
states_for_tracker_history`), which grows with the conversation (docs/benchmarks.md, "A lighter
turn"). Within one prediction the conversation does not change, so the states are built once
and each reading gets its own copy: Rasa then edits the copy (drops the text or the intent of
the last message) as it edits the states it built. Outside a rule prediction (training, other
policies) nothing changes. `install` is called by `rasa_patches.install`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_INSTALLED = "_helpdesk_states_once"
_memo = threading.local()


def copied(states: Any) -> Any:
    """A copy of `states` down to their dictionaries and lists, which Rasa edits in place.

    Their leaves (strings, numbers, tuples of them) are never edited and are shared.
    """
    if isinstance(states, dict):
        return {key: copied(value) for key, value in states.items()}
    if isinstance(states, list):
        return [copied(value) for value in states]
    return states


@contextmanager
def one_prediction() -> Iterator[None]:
    """Within this, the states of a conversation are built once (per set of arguments)."""
    outer = getattr(_memo, "kept", None)
    _memo.kept = []
    try:
        yield
    finally:
        _memo.kept = outer


def install() -> None:
    """Make `RulePolicy._predict` build the conversation's states once."""
    from rasa.core.featurizers.tracker_featurizers import TrackerFeaturizer
    from rasa.core.policies.rule_policy import RulePolicy

    if getattr(RulePolicy, _INSTALLED, False):
        return
    predict = RulePolicy._predict
    create_states = TrackerFeaturizer._create_states

    def predict_once(self: Any, tracker: Any, domain: Any) -> Any:
        with one_prediction():
            return predict(self, tracker, domain)

    def create_states_once(tracker: Any, domain: Any, *args: Any, **kwargs: Any) -> Any:
        kept: list[tuple[Any, Any, Any, Any, Any]] | None
        kept = getattr(_memo, "kept", None)
        if kept is None:
            return create_states(tracker, domain, *args, **kwargs)
        for seen_tracker, seen_domain, seen_args, seen_kwargs, states in kept:
            if (
                seen_tracker is tracker
                and seen_domain is domain
                and seen_args == args
                and seen_kwargs == kwargs
            ):
                return copied(states)
        states = create_states(tracker, domain, *args, **kwargs)
        kept.append((tracker, domain, args, kwargs, copied(states)))
        return states

    RulePolicy._predict = predict_once
    TrackerFeaturizer._create_states = staticmethod(create_states_once)
    setattr(RulePolicy, _INSTALLED, True)
