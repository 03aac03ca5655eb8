"""Rasa's rule policy finds the same rules when it checks only those that can match."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import (
    ACTION_LISTEN_NAME,
    ACTIVE_LOOP,
    PREVIOUS_ACTION,
    SHOULD_NOT_BE_SET,
    SLOTS,
    USER,
)
from rasa.shared.nlu.constants import ACTION_NAME, ACTION_TEXT, INTENT, TEXT

from bot.assistant import rule_index

ACTIONS = [ACTION_LISTEN_NAME, "action_answer_article", "utter_greet", "ticket_form"]
INTENTS = ["greet", "kb_qlvb__quen_mat_khau", "request_human", "affirm"]


@pytest.fixture(scope="module")
def policy() -> RulePolicy:
    rule_index.install()
    # Only the matching is exercised: it reads no configuration, model or domain.
    return RulePolicy.__new__(RulePolicy)


def a_state(draw: random.Random, in_rule: bool) -> dict[str, Any]:
    state: dict[str, Any] = {}
    start = draw.random() < 0.15
    if not start:
        action = draw.choice(ACTIONS)
        kind = draw.random()
        if in_rule and kind < 0.1:
            state[PREVIOUS_ACTION] = {ACTION_NAME: SHOULD_NOT_BE_SET}
        elif kind < 0.15:
            state[PREVIOUS_ACTION] = {ACTION_TEXT: "Dạ"}
        elif not in_rule or kind < 0.9:
            state[PREVIOUS_ACTION] = {ACTION_NAME: action}
    if draw.random() < 0.6:
        key = TEXT if (not in_rule and draw.random() < 0.3) else INTENT
        state[USER] = {key: draw.choice(INTENTS)}
    if draw.random() < 0.3:
        state[ACTIVE_LOOP] = {"name": draw.choice(["ticket_form", SHOULD_NOT_BE_SET])}
    if draw.random() < 0.3:
        state[SLOTS] = {"last_article": draw.choice([(1.0,), [1.0], SHOULD_NOT_BE_SET])}
    return state


def a_lookup(draw: random.Random, rules: int) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for _ in range(rules):
        states = [a_state(draw, in_rule=True) for _ in range(draw.randint(1, 3))]
        lookup[json.dumps(states, sort_keys=True)] = draw.choice(ACTIONS)
    lookup["[]"] = ACTION_LISTEN_NAME  # a rule of no state at all matches from the start
    return lookup


def rasa_s(policy: RulePolicy, lookup: dict[str, str], states: list[Any]) -> set[str]:
    found: set[str] = getattr(RulePolicy, rule_index.ORIGINAL)(policy, lookup, states)
    return found


def test_the_same_rules_are_found_for_every_conversation(policy: RulePolicy) -> None:
    draw = random.Random(13)
    lookup = a_lookup(draw, 400)
    found_any = 0
    for _ in range(3000):
        states = [a_state(draw, in_rule=False) for _ in range(draw.randint(0, 5))]
        expected = rasa_s(policy, lookup, states)
        assert policy._get_possible_keys(lookup, states) == expected
        found_any += len(expected) > 1
    assert found_any > 100  # the conversations did match rules, not only the empty one


def test_rules_changed_since_the_last_prediction_are_grouped_again(policy: RulePolicy) -> None:
    state = {PREVIOUS_ACTION: {ACTION_NAME: "utter_greet"}, USER: {INTENT: "greet"}}
    lookup = {json.dumps([state]): ACTION_LISTEN_NAME}
    assert policy._get_possible_keys(lookup, [state]) == set(lookup)
    other = {PREVIOUS_ACTION: {ACTION_NAME: "action_answer_article"}}
    lookup[json.dumps([other])] = ACTION_LISTEN_NAME
    assert policy._get_possible_keys(lookup, [other]) == {json.dumps([other])}
    del lookup[json.dumps([state])]
    assert policy._get_possible_keys(lookup, [state]) == set()


def test_a_conversation_with_no_state_keeps_every_rule(policy: RulePolicy) -> None:
    lookup = a_lookup(random.Random(1), 20)
    assert policy._get_possible_keys(lookup, []) == set(lookup) == rasa_s(policy, lookup, [])
