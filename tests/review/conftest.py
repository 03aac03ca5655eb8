"""Fixtures of the review queue's tests: officials' conversations as Rasa stores them, the
assistant's migrated store, and a state folder whose live knowledge base is the project's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.kb import publishing
from bot.report.period import today
from bot.review.service import ReviewService, ReviewSettings
from bot.store.database import make_engine
from bot.store.review_decisions import ReviewDecisions
from tests.report.conversations import Conversation, save
from tests.support.databases import migrated_sqlite

# Nothing in the knowledge base answers this: three officials ask it their own way.
RECORDING = (
    "Có ghi âm cuộc họp trực tuyến được không?",
    "co ghi am cuoc hop truc tuyen duoc khong",
    "Ghi âm lại cuộc họp trực tuyến được không ạ",
)
# Answered with an article, then voted "not helpful".
DISLIKED = "Chữ ký số báo hết hạn dù mới gia hạn"
DISLIKED_ARTICLE = "kyso.het_han"
# Answered, and nobody complained.
ANSWERED = "Trong cuộc họp trực tuyến không nghe được tiếng thì làm sao?"


def fallen_back(sender: str, day: date, text: str) -> Conversation:
    """An official whose question the assistant did not understand."""
    return (
        Conversation(sender, day)
        .user(text, "nlu_fallback")
        .action("action_clarify")
        .says("utter_fallback")
        .action("action_listen")
    )


def scenario(day: date) -> list[Conversation]:
    """Three fallbacks asking one thing, a "not helpful" vote, an answer that helped."""
    conversations = [fallen_back(f"web-{n:02d}", day, text) for n, text in enumerate(RECORDING)]
    disliked = Conversation("telegram-1", day).user(DISLIKED, "kb_kyso__het_han")
    disliked.answer(DISLIKED_ARTICLE).user("/feedback_not_helpful", "feedback_not_helpful")
    conversations.append(disliked.action("action_feedback").action("action_listen"))
    answered = Conversation("zalo-1", day).user(ANSWERED, "kb_hntt__mat_tieng")
    conversations.append(answered.answer("hntt.mat_tieng"))
    return conversations


@pytest.fixture
def day() -> date:
    """Today in Vietnam, inside the queue's 30 days."""
    return today()


@pytest.fixture
def tracker_url(tmp_path: Path, root: Path, day: date) -> str:
    """Rasa's SQL tracker store (SQLite) holding the scenario's conversations."""
    url = f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    save(url, root / "domain.yml", scenario(day))
    return url


@pytest.fixture
def tracker(tracker_url: str) -> Iterator[Engine]:
    """An engine on the conversations."""
    engine = make_engine(tracker_url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Engine]:
    """The assistant's store, migrated."""
    engine = make_engine(migrated_sqlite(tmp_path / "helpdesk.db"))
    yield engine
    engine.dispose()


@pytest.fixture
def decisions(store: Engine) -> ReviewDecisions:
    """The trainers' decisions in the store."""
    return ReviewDecisions(store)


@pytest.fixture
def state(tmp_path: Path, root: Path) -> Path:
    """A state folder whose live version (1) is the project's knowledge base."""
    folder = tmp_path / "state"
    publishing.ensure_seeded(folder, root / "knowledge_base", author="test")
    return folder


@pytest.fixture
def retrain_requests(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """Background trainings the queue asked for, recorded instead of started: a real one is a
    `rasa train` of minutes that would outlive the test."""
    from bot.assistant import retrain

    calls: list[tuple[object, ...]] = []
    monkeypatch.setattr(retrain, "start_in_background", lambda *arguments: calls.append(arguments))
    return calls


@pytest.fixture
def service(
    state: Path,
    root: Path,
    tracker_url: str,
    store: Engine,
    retrain_requests: list[tuple[object, ...]],
) -> Iterator[ReviewService]:
    """The queue as the desk and Telegram use it, on the fixtures' files, without Rasa."""
    settings = ReviewSettings(
        state_dir=state,
        project_dir=root,
        database_url=str(store.url),
        tracker_db=tracker_url,
        rasa_url=None,
    )
    reviewing = ReviewService(settings)
    yield reviewing
    reviewing.close()
