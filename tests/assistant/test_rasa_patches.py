"""What `helpdesk rasa` changes in Rasa: the same checks and models, off the hot path."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
import rasa.server
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.assistant import action_results, model_swap, rasa_patches


@pytest.fixture
def action() -> RemoteAction:
    action_results.install()
    return RemoteAction("action_answer_article", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_an_action_server_s_valid_answer_still_passes_the_check(action: RemoteAction) -> None:
    answer = {
        "events": [{"event": "slot", "name": "last_article", "value": "qlvb.quen_mat_khau"}],
        "responses": [{"text": "Quên mật khẩu"}],
    }
    assert action._validate_action_result(answer) is True
    assert action._validate_action_result(answer) is True  # the validator built once serves again


def test_an_invalid_answer_is_refused_with_rasa_s_own_error(action: RemoteAction) -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": 3}], "responses": "không"})


async def test_a_new_model_is_loaded_off_the_server_s_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    async def loading(model_path: str) -> str:
        seen["thread"] = threading.get_ident()
        seen["loop"] = asyncio.get_running_loop()
        return f"agent of {model_path}"

    monkeypatch.setattr(rasa.server, "_load_agent", loading)
    monkeypatch.setattr(rasa.server, "_helpdesk_loads_beside", False, raising=False)
    model_swap.install()
    agent = await rasa.server._load_agent(model_path="models/new.tar.gz")
    assert agent == "agent of models/new.tar.gz"
    assert seen["thread"] != threading.get_ident()
    assert seen["loop"] is not asyncio.get_running_loop()


def test_every_change_to_the_turn_is_installed_together() -> None:
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier
    from rasa.shared.core.events import Event

    rasa_patches.install()
    assert getattr(RemoteAction, "_helpdesk_domain_without_responses", False)
    assert getattr(RemoteAction, "_helpdesk_checked_once", False)
    assert getattr(Event, "_helpdesk_types_remembered", False)
    assert getattr(RulePolicy, "_helpdesk_rules_indexed", False)
    assert getattr(RulePolicy, "_helpdesk_states_once", False)
    assert getattr(SQLTrackerStore, "_helpdesk_keeps", False)
    assert getattr(DIETClassifier, "_helpdesk_numpy", False)
    assert getattr(EndpointConfig, "_helpdesk_kept_sessions", False)
