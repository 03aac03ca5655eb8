"""Fixtures of the knowledge base tests: a copy of the real knowledge base and a state folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def project(root: Path, tmp_path: Path) -> Path:
    """A project folder holding a copy of the project's real knowledge base."""
    target = tmp_path / "project"
    shutil.copytree(root / "knowledge_base", target / "knowledge_base")
    return target


@pytest.fixture
def repository_kb(project: Path) -> Path:
    """The copied knowledge_base/ folder, as `helpdesk run` finds it in the repository."""
    return project / "knowledge_base"


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """The state folder (`--state-dir`), empty."""
    return tmp_path / "state"


@pytest.fixture
def retrain_requests(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, Path, str | None]]:
    """Background trainings the commands asked for, recorded instead of started (minutes each)."""
    from bot.assistant import retrain

    calls: list[tuple[Path, Path, str | None]] = []
    monkeypatch.setattr(retrain, "start_in_background", lambda *arguments: calls.append(arguments))
    return calls
