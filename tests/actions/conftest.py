"""Tracker, dispatcher and services for action tests, built as the action server builds them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.services import KnowledgeBaseSource
from bot.store.database import make_engine, migrate
from bot.store.feedback import FeedbackStore


def make_tracker(
    intent: str, ranking: list[tuple[str, float]] | None = None, **slots: Any
) -> Tracker:
    """A tracker whose latest message has `intent` and the given ranking."""
    ranking = ranking or [(intent, 0.9)]
    return Tracker.from_dict(
        {
            "sender_id": "test-user",
            "slots": {"last_article": None, **slots},
            "latest_message": {
                "text": "câu hỏi",
                "intent": {"name": intent, "confidence": ranking[0][1]},
                "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
                "entities": [],
            },
            "events": [],
            "paused": False,
            "latest_action_name": "action_listen",
        }
    )


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def kb_source(root: Path) -> KnowledgeBaseSource:
    return KnowledgeBaseSource(root / "knowledge_base")


@pytest.fixture
def feedback_store(tmp_path: Path) -> FeedbackStore:
    url = f"sqlite:///{tmp_path / 'helpdesk.db'}"
    migrate(url)
    return FeedbackStore(make_engine(url))
