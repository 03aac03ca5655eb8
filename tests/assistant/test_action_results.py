"""The quick check of an action server's answer passes only what Rasa's full schema passes."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.utils.endpoints import EndpointConfig

from bot.assistant import action_results
from bot.assistant.action_results import EventCheck

SCHEMA = RemoteAction.action_response_format_spec()
KIND = validator_for(SCHEMA)
FULL = KIND(SCHEMA)

VALID_EVENTS: list[dict[str, Any]] = [
    SlotSet("last_article", "qlvb.quen_mat_khau").as_dict(),
    SlotSet("ticket_phone", None).as_dict(),
    BotUttered("Quên mật khẩu", {"buttons": [{"title": "Có", "payload": "/yes"}]}).as_dict(),
    ActionExecuted("action_listen").as_dict(),
    ActiveLoop("ticket_form").as_dict(),
    ActiveLoop(None).as_dict(),
    FollowupAction("action_offer_ticket").as_dict(),
    LoopInterrupted(True).as_dict(),
    AllSlotsReset().as_dict(),
    Restarted().as_dict(),
    SessionStarted().as_dict(),
    UserUttered("xin chào", {"name": "greet", "confidence": 0.9}).as_dict(),
    {"event": "slot", "name": "rating_score", "value": 5, "timestamp": None},
    {"event": "bot", "text": "Dạ", "metadata": {"utter_action": "utter_ask_feedback"}},
]

INVALID_EVENTS: list[Any] = [
    {"event": "slot", "name": "last_article"},  # no value
    {"event": "slot", "value": 1},  # no name
    {"event": "khong_co"},  # no such kind
    {"event": 3},
    {"name": "last_article", "value": 1},  # no kind at all
    {"event": "bot", "timestamp": "hôm qua"},
    {"event": "bot", "metadata": "không"},
    {"event": "action", "name": 5},
    {"event": "user", "text": 7},
    {"event": "user", "parse_data": {"intent": {"name": 1}}},
    {"event": "entities", "entities": [{"entity": "x"}]},  # an entity without a value
    "slot",
    None,
]


def answer(*events: Any) -> dict[str, Any]:
    return {"events": list(events), "responses": [{"text": "Dạ"}]}


@pytest.fixture(scope="module")
def quick() -> EventCheck:
    check = action_results.event_check(KIND, SCHEMA)
    assert check is not None  # Rasa 3.6's schema has the shape the quick check splits
    return check


@pytest.mark.parametrize("event", VALID_EVENTS)
def test_a_valid_event_passes_both_checks(quick: EventCheck, event: dict[str, Any]) -> None:
    assert FULL.is_valid(answer(event))
    assert quick.passes(answer(event))


@pytest.mark.parametrize("event", INVALID_EVENTS)
def test_an_invalid_event_passes_neither(quick: EventCheck, event: Any) -> None:
    assert not FULL.is_valid(answer(event))
    assert not quick.passes(answer(event))
    assert not quick.passes(answer(*VALID_EVENTS, event))


@pytest.mark.parametrize(
    "result",
    [{}, {"responses": []}, {"events": "không"}, {"events": [], "responses": "không"}, []],
)
def test_the_answer_s_own_shape_is_checked_as_before(quick: EventCheck, result: Any) -> None:
    assert quick.passes(result) == FULL.is_valid(result)


def test_each_change_of_a_valid_event_gets_the_full_check_s_verdict(quick: EventCheck) -> None:
    # Every field of every valid event set to values of each JSON type: whatever the quick check
    # passes, the full one passes too.
    values: list[Any] = [None, 1, 1.5, "x", True, [], {}, [{"entity": "x", "value": 1}]]
    for event in VALID_EVENTS:
        for field in [*event, "name", "value", "entities", "text"]:
            for value in values:
                changed = copy.deepcopy(event)
                changed[field] = value
                if quick.passes(answer(changed)):
                    assert FULL.is_valid(answer(changed)), changed


def test_an_invalid_answer_is_still_refused_with_rasa_s_error() -> None:
    from jsonschema import ValidationError

    action_results.install()
    action = RemoteAction("action_answer_article", EndpointConfig("http://127.0.0.1:1/webhook"))
    assert action._validate_action_result(answer(*VALID_EVENTS)) is True
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(answer({"event": "slot", "name": "x"}))


def test_a_schema_of_another_shape_gets_no_quick_check() -> None:
    schema = {"type": "object", "properties": {"events": {"type": "array"}}}
    assert action_results.event_check(validator_for(schema), schema) is None
