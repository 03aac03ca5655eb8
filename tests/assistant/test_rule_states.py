"""Rasa's rule policy reads the same states of a conversation when it builds them once."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.assistant import rule_states

DOMAIN = Domain.from_dict(
    {
        "intents": ["greet", "kb_qlvb__quen_mat_khau"],
        "slots": {
            "last_article": {
                "type": "text",
                "influence_conversation": True,
                "mappings": [{"type": "custom"}],
            }
        },
        "responses": {"utter_greet": [{"text": "Chào anh/chị"}]},
        "actions": ["action_answer_article"],
    }
)


def conversation() -> DialogueStateTracker:
    events = [
        ActionExecuted("action_listen"),
        UserUttered("xin chào", {"name": "greet", "confidence": 1.0}),
        ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
        UserUttered("quên mật khẩu", {"name": "kb_qlvb__quen_mat_khau", "confidence": 0.9}),
        ActionExecuted("action_answer_article"),
        SlotSet("last_article", "qlvb.quen_mat_khau"),
        ActionExecuted("action_listen"),
        UserUttered("còn bước 3?", {"name": "kb_qlvb__quen_mat_khau", "confidence": 0.6}),
    ]
    return DialogueStateTracker.from_events("tester", events, slots=DOMAIN.slots)


def both_readings(featurizer: MaxHistoryTrackerFeaturizer, tracker: Any) -> list[Any]:
    # As RulePolicy._predict reads them: the last message's text, then its intent.
    return [
        featurizer.prediction_states([tracker], DOMAIN, use_text_for_last_user_input=text)[0]
        for text in (True, False)
    ]


@pytest.fixture(autouse=True)
def installed() -> None:
    rule_states.install()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each building of a conversation's states, from now on."""
    built: list[object] = []
    original = Domain.states_for_tracker_history

    def counted(self: Domain, *args: Any, **kwargs: Any) -> Any:
        built.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Domain, "states_for_tracker_history", counted)
    return built


def test_one_prediction_reads_the_same_states_built_once(builds: list[object]) -> None:
    featurizer = MaxHistoryTrackerFeaturizer(max_history=None)
    tracker = conversation()
    expected = both_readings(featurizer, tracker)
    builds.clear()  # the reference readings, outside a prediction, are not counted
    with rule_states.one_prediction():
        assert both_readings(featurizer, tracker) == expected
        assert both_readings(featurizer, tracker) == expected  # the kept states were not edited
    assert len(builds) == 1
    # The readings differ where Rasa makes them differ: text, then intent, of the last message.
    assert expected[0][-1]["user"] == {"text": "còn bước 3?"}
    assert expected[1][-1]["user"] == {"intent": "kb_qlvb__quen_mat_khau"}


def test_outside_a_prediction_the_states_are_built_each_time(builds: list[object]) -> None:
    featurizer = MaxHistoryTrackerFeaturizer(max_history=None)
    both_readings(featurizer, conversation())
    assert len(builds) == 2


def test_another_conversation_in_the_same_prediction_gets_its_own_states() -> None:
    featurizer = MaxHistoryTrackerFeaturizer(max_history=None)
    first, second = conversation(), conversation()
    second.update(ActionExecuted("action_answer_article"))
    expected = [both_readings(featurizer, first), both_readings(featurizer, second)]
    with rule_states.one_prediction():
        assert [both_readings(featurizer, first), both_readings(featurizer, second)] == expected


def test_a_copy_shares_no_dictionary_or_list_with_the_states() -> None:
    states: list[dict[str, Any]] = [
        {"user": {"intent": "greet", "entities": ("x",)}, "slots": {"a": (1.0,)}},
        {},
    ]
    copy: list[dict[str, Any]] = rule_states.copied(states)
    assert copy == states
    copy[0]["user"].pop("intent")
    assert states[0]["user"]["intent"] == "greet"
