"""Fixtures shared by every test: the project's own files, and real objects built on them."""

from __future__ import annotations

import os
import secrets
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from cryptography.fernet import Fernet

from tests.support import databases, tiers, tls
from tests.support.desk_server import DeskServer

if TYPE_CHECKING:
    from bot.kb.loader import KnowledgeBase

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The key that seals channel tokens in the store, required with Zalo as an office sets it; the
# tests of the key itself set their own.
os.environ.setdefault("HELPDESK_STORE_KEY", Fernet.generate_key().decode("ascii"))
# The web chat's secret, required wherever the web chat is served (the gateway); the tests of
# the web chat's settings set their own.
os.environ.setdefault("HELPDESK_WEBCHAT_SECRET", secrets.token_urlsafe(32))
# The token Rasa's channel asks for, required wherever a chat talks to Rasa (the gateway); the
# tests of the channel and of the settings set their own.
os.environ.setdefault("HELPDESK_RASA_CHANNEL_TOKEN", secrets.token_urlsafe(32))

tls.share_default_context()
tiers.install_guards()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the trained model (minutes to train) must be in the slow tier."""
    unmarked = [
        item.nodeid
        for item in items
        if "model" in getattr(item, "fixturenames", ())
        and item.get_closest_marker(tiers.SLOW) is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "these tests use the trained model but are not marked slow: " + ", ".join(unmarked)
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    """Tell tests/support/tiers.py whether the running test is in the slow tier."""
    tiers.current_is_slow = item.get_closest_marker(tiers.SLOW) is not None
    try:
        return (yield)
    finally:
        tiers.current_is_slow = None


@pytest.fixture(scope="session", autouse=True)
def _pooled_schemas() -> Iterator[None]:
    """Drop the PostgreSQL schemas tests/support/databases.py kept for the session."""
    yield
    databases.drop_pooled_schemas()


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    """The project folder."""
    return ROOT


@pytest.fixture(scope="session")
def knowledge_base(root: Path) -> KnowledgeBase:
    """The project's real knowledge base."""
    from bot.kb.loader import load

    return load(root / "knowledge_base")


@pytest.fixture(scope="session")
def model(root: Path) -> Path:
    """The assistant's model, trained now if the current one does not exist (slow tier only)."""
    from bot.assistant.training import Project, train

    tiers.require_slow("training the assistant's model")
    return train(Project(root), root / "config.yml")


@pytest.fixture(scope="session")
def desk_process(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskServer]:
    """One real desk server for the session (starting one takes a second or more)."""
    server = DeskServer(root, tmp_path_factory.mktemp("desk") / "desk.db")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def desk_server(desk_process: DeskServer) -> DeskServer:
    """The real desk server on a SQLite file, with the tokens of tests/support/desk_server.py.

    As a new one would be: running, without tickets, codes and change feed counting from 1
    (`DeskServer.reset`). A test may stop it; the next one finds it started again.
    """
    desk_process.reset()
    return desk_process
