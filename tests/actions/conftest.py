"""Tracker, dispatcher and services for action tests, built as the action server builds them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from rasa.shared.core.constants import RULE_SNIPPET_ACTION_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from starlette.applications import Starlette

from actions.services import KnowledgeBaseSource
from bot.desk import database as desk_database
from bot.desk.app import create_app
from bot.desk.settings import DeskSettings
from bot.escalation.client import DeskClient
from bot.escalation.outbox import Outbox
from bot.escalation.retry import RetryPolicy
from bot.store.database import make_engine
from bot.store.feedback import FeedbackStore
from tests.support.databases import migrated_sqlite


def user_event(text: str, intent: str, timestamp: float = 0.0) -> dict[str, Any]:
    """A user message as it appears among a tracker's events."""
    return {
        "event": "user",
        "text": text,
        "timestamp": timestamp,
        "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": []},
    }


def bot_event(text: str, response: str) -> dict[str, Any]:
    """An assistant message as it appears among a tracker's events."""
    return {"event": "bot", "text": text, "metadata": {"utter_action": response}}


def make_tracker(
    intent: str,
    ranking: list[tuple[str, float]] | None = None,
    *,
    text: str = "câu hỏi",
    events: list[dict[str, Any]] | None = None,
    sender: str = "test-user",
    metadata: dict[str, Any] | None = None,
    **slots: Any,
) -> Tracker:
    """A tracker whose latest message is `text` with `intent`, after the given events."""
    ranking = ranking or [(intent, 0.9)]
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": ranking[0][1]},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
        "entities": [],
        "metadata": metadata or {},
    }
    history = [*(events or []), {**user_event(text, intent, 1e9), "parse_data": latest}]
    return Tracker.from_dict(
        {
            "sender_id": sender,
            "slots": {"last_article": None, **slots},
            "latest_message": latest,
            "events": history,
            "paused": False,
            "latest_action_name": "action_listen",
        }
    )


def pressed(root: Path, payload: str) -> tuple[str, set[str]]:
    """What pressing a button with `payload` does: its intent, as Rasa reads a payload, and
    the actions the project's rules run right after that intent."""
    domain = Domain.load(root / "domain.yml")
    parsed = YAMLStoryReader.unpack_regex_message(Message(data={"text": payload}), domain)
    intent = str((parsed.get("intent") or {}).get("name"))
    after = set()
    for path in sorted((root / "nlu_data" / "rules").glob("*.yml")):
        for rule in YAMLStoryReader(domain).read_from_file(path):
            steps = [
                e
                for e in rule.events
                if isinstance(e, UserUttered)
                or (isinstance(e, ActionExecuted) and e.action_name != RULE_SNIPPET_ACTION_NAME)
            ]
            first, then = [*steps, None, None][:2]
            if (
                isinstance(first, UserUttered)
                and first.intent_name == intent
                and isinstance(then, ActionExecuted)
            ):
                after.add(str(then.action_name))
    return intent, after


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture(scope="session")
def kb_source(root: Path) -> KnowledgeBaseSource:
    return KnowledgeBaseSource(root / "knowledge_base")


@pytest.fixture
def feedback_store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(make_engine(migrated_sqlite(tmp_path / "helpdesk.db")))


ASSISTANT_TOKEN = "assistant-token-for-action-tests"
STAFF_TOKEN = "staff-token-for-the-action-tests"


@pytest.fixture
def desk_app(tmp_path: Path) -> Iterator[Starlette]:
    """The real ticket desk on a migrated SQLite file, served in process."""
    url = migrated_sqlite(tmp_path / "desk.db", "desk")
    engine = desk_database.make_engine(url)
    settings = DeskSettings(
        database_url=url,
        tokens=SecretStr(f"assistant:{ASSISTANT_TOKEN},staff:{STAFF_TOKEN}"),
        session_secret=SecretStr("s" * 40),
    )
    yield create_app(settings, engine)
    engine.dispose()


def desk_http(app: Starlette, token: str) -> httpx.AsyncClient:
    """An httpx client calling the desk in process with the given token."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://desk",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
async def desk(desk_app: Starlette) -> AsyncIterator[DeskClient]:
    """The assistant's client of the desk."""
    client = DeskClient(desk_http(desk_app, ASSISTANT_TOKEN), RetryPolicy(attempts=1))
    yield client
    await client.aclose()


@pytest.fixture
async def staff(desk_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """Support staff calling the desk's API."""
    async with desk_http(desk_app, STAFF_TOKEN) as client:
        yield client


@pytest.fixture
def outbox(tmp_path: Path) -> Outbox:
    """The assistant's outbox on a migrated SQLite file."""
    return Outbox(make_engine(migrated_sqlite(tmp_path / "helpdesk.db")))
