"""Rasa's rule policy, checking only the rules that can match the last action and intent.

Why it exists: to predict each action, Rasa's `RulePolicy` checks every rule it learned against
the conversation's last state (`_get_possible_keys`), twice a prediction (the message's text,
then its intent), several predictions a turn; with a rule per article that is hundreds of
checks a prediction (docs/benchmarks.md, "A lighter turn"). A rule's last state names the
action it follows and, mostly, the intent of the message; a conversation whose last state has
another action or intent can never match it. The rules are grouped once by both, and only the
groups of the conversation's last action and intent (and of rules naming neither) are checked,
with Rasa's own check, so the rules found are the same. The groups are rebuilt whenever the
rules differ from those they were built from. `install` is called by `rasa_patches.install`.
"""

from __future__ import annotations

from typing import Any

_INSTALLED = "_helpdesk_rules_indexed"
# Rasa's own `_get_possible_keys`, kept on the class for the tests to compare with.
ORIGINAL = "_helpdesk_rasa_possible_keys"
# Where the groups are kept, on the policy object, by the id of the rules' lookup.
_GROUPS = "_helpdesk_rule_groups"


class RuleGroups:
    """The keys of one lookup of rules, grouped by what their last state asks for: the action it
    follows and the intent of the message."""

    def __init__(self, lookup: dict[str, Any], previous: str, name: str, user: str) -> None:
        """Group the keys of `lookup`; the other arguments are Rasa's names in a state."""
        from rasa.core.policies.rule_policy import RulePolicy
        from rasa.shared.nlu.constants import INTENT

        self.lookup = lookup
        self.keys = set(lookup)
        # None where the rule asks for no action or intent (a conversation's start, a value
        # that is not a plain name): matched with every conversation, as Rasa matches them.
        self.groups: dict[tuple[str | None, str | None], list[str]] = {}
        for key in lookup:
            states = RulePolicy._rule_key_to_state(key)
            last = states[-1] if states else {}
            # A rule starting a conversation matches any first state, whatever its intent.
            starts = not last.get(previous)
            group = (
                (None, None)
                if starts
                else (_named(last, previous, name), _named(last, user, INTENT))
            )
            self.groups.setdefault(group, []).append(key)

    def fits(self, lookup: dict[str, Any]) -> bool:
        """Whether these groups are of `lookup` as it is now."""
        return lookup is self.lookup and lookup.keys() == self.keys

    def candidates(self, action: Any, intent: Any) -> list[str]:
        """The keys that can match a last state following `action`, with `intent`."""
        found: list[str] = []
        for wanted_action in {action if isinstance(action, str) else None, None}:
            for wanted_intent in {intent if isinstance(intent, str) else None, None}:
                found += self.groups.get((wanted_action, wanted_intent), [])
        return found


def _named(state: dict[str, Any], part: str, name: str) -> str | None:
    """The value `state` asks for at `part`, `name`, when it is a plain name to match."""
    value = (state.get(part) or {}).get(name)
    return value if isinstance(value, str) and value and not _unset(value) else None


def _unset(value: str) -> bool:
    from rasa.shared.core.constants import SHOULD_NOT_BE_SET

    return bool(value == SHOULD_NOT_BE_SET)


def install() -> None:
    """Make `RulePolicy._get_possible_keys` check only the rules that can match."""
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.shared.core.constants import PREVIOUS_ACTION, USER
    from rasa.shared.nlu.constants import ACTION_NAME, INTENT

    if getattr(RulePolicy, _INSTALLED, False):
        return

    def groups_of(policy: Any, lookup: dict[str, Any]) -> RuleGroups:
        kept: dict[int, RuleGroups] = policy.__dict__.setdefault(_GROUPS, {})
        groups = kept.get(id(lookup))
        if groups is None or not groups.fits(lookup):
            groups = kept[id(lookup)] = RuleGroups(lookup, PREVIOUS_ACTION, ACTION_NAME, USER)
        return groups

    def get_possible_keys(self: Any, lookup: dict[str, Any], states: list[Any]) -> set[str]:
        if not states:
            return set(lookup.keys())
        last = states[-1]
        action = (last.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        intent = (last.get(USER) or {}).get(INTENT)
        candidates = groups_of(self, lookup).candidates(action, intent)
        possible_keys = {key for key in candidates if self._is_rule_applicable(key, 0, last)}
        # The earlier states as Rasa checks them, on the few rules left.
        for i, state in enumerate(reversed(states[:-1]), start=1):
            possible_keys = {
                key for key in possible_keys if self._is_rule_applicable(key, i, state)
            }
        return possible_keys

    setattr(RulePolicy, ORIGINAL, RulePolicy._get_possible_keys)
    RulePolicy._get_possible_keys = get_possible_keys
    setattr(RulePolicy, _INSTALLED, True)
