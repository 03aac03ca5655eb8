"""Fixtures shared by every test: the project's own files, and real objects built on them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
