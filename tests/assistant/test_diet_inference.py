"""DIET's ranking computed with NumPy is the one TensorFlow computes, on the assistant's model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.training_data.message import Message

from bot.assistant import diet_inference


def pipeline(model: Path) -> list[tuple[str, Any]]:
    """The model's NLU components in the order Rasa runs them."""
    from rasa.core.agent import Agent

    nodes = Agent.load(str(model)).processor.graph_runner._instantiated_nodes
    return [
        (name, node._component)
        for name, node in nodes.items()
        if name.startswith("run_") and not name.startswith(("run_RulePolicy", "run_Regex"))
    ]


@pytest.mark.slow
def test_the_numpy_ranking_is_tensorflow_s_for_every_development_question(
    model: Path, root: Path
) -> None:
    components = pipeline(model)
    diet = next(c for name, c in components if isinstance(c, DIETClassifier))
    before = components[: [c for _, c in components].index(diet)]
    cases = yaml.safe_load((root / "tests/data/dev_questions.yml").read_text(encoding="utf-8"))
    messages = []
    for case in cases["questions"]:
        message = Message({"text": case["text"]})
        for _, component in before:
            component.process([message])
        messages.append(message)
    # Rasa's own prediction first (the class may carry the change from another test).
    original = getattr(DIETClassifier._predict, "__wrapped__", DIETClassifier._predict)
    expected = [diet._predict_label(original(diet, m)) for m in messages]
    diet_inference.install()
    found = [diet._predict_label(diet._predict(m)) for m in messages]
    plan = diet.__dict__["_helpdesk_numpy_plan"]
    assert plan is not None and plan.checked
    for (label, ranking), (want_label, want_ranking) in zip(found, expected, strict=True):
        assert label["name"] == want_label["name"]
        assert [r["name"] for r in ranking] == [r["name"] for r in want_ranking]
        confidences = np.array([r["confidence"] for r in ranking])
        wanted = np.array([r["confidence"] for r in want_ranking])
        assert np.max(np.abs(confidences - wanted)) < 1e-5
