"""Fixtures shared by every test: the project's own files, and real objects built on them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.desk_server import DeskServer

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    """The project folder."""
    return ROOT


@pytest.fixture(scope="session")
def knowledge_base(root: Path):
    """The project's real knowledge base."""
    from bot.kb.loader import load

    return load(root / "knowledge_base")


@pytest.fixture(scope="session")
def model(root: Path) -> Path:
    """The assistant's model, trained now if the current one does not exist."""
    from bot.assistant.training import Project, train

    return train(Project(root), root / "config.yml")


@pytest.fixture
def desk_server(root: Path, tmp_path: Path) -> Iterator[DeskServer]:
    """The real desk server on a SQLite file in tmp_path, with the tokens of tests/desk_server."""
    server = DeskServer(root, tmp_path / "desk.db")
    server.start()
    try:
        yield server
    finally:
        server.stop()
