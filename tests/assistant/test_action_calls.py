"""Rasa sends the action server everything as before but the domain's responses."""

from __future__ import annotations

import ast
from pathlib import Path

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import EndpointConfig

from bot.assistant import action_calls

ROOT = Path(__file__).resolve().parents[2]


def test_the_call_carries_the_domain_without_its_responses() -> None:
    action_calls.install()
    domain = Domain.load(ROOT / "domain.yml")
    whole = domain.as_dict()
    assert whole["responses"]
    tracker = DialogueStateTracker.from_events(
        "tester",
        [ActionExecuted("action_listen"), UserUttered("quên mật khẩu"), SlotSet("last_article")],
        slots=domain.slots,
    )
    action = RemoteAction("action_answer_article", EndpointConfig("http://127.0.0.1:1/webhook"))
    body = action._action_call_format(tracker, domain)
    assert body["domain"] == {key: value for key, value in whole.items() if key != "responses"}
    assert body["tracker"] == tracker.current_state(EventVerbosity.ALL)
    assert body["next_action"] == "action_answer_article" and body["sender_id"] == "tester"
    assert domain.as_dict()["responses"] == whole["responses"]  # the domain itself is unchanged


def test_no_action_reads_the_domain_s_responses() -> None:
    # What action_calls.py relies on: the word is no key or string anywhere in the actions.
    for module in sorted((ROOT / "actions").glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value == action_calls.LEFT_OUT:
                raise AssertionError(f"{module.name}:{node.lineno} reads the domain's responses?")
