"""The services actions use, built on first use from the settings, never at import."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from bot.escalation.client import DeskClient
from bot.escalation.connection import desk_client as connect
from bot.escalation.outbox import Outbox
from bot.kb.loader import KnowledgeBase, load
from bot.settings import ActionSettings, DeskClientSettings
from bot.store.database import make_engine, migrate
from bot.store.feedback import FeedbackStore


class DeskNotConfigured(Exception):
    """No document-system token is set: escalations wait in the outbox until one is."""


class KnowledgeBaseSource:
    """The knowledge base as it is on disk, loaded again when an article file changes."""

    def __init__(self, root: Path) -> None:
        """Watch the folder `root`."""
        self._root = root
        self._lock = threading.Lock()
        self._stamp: tuple[float, int] | None = None
        self._kb: KnowledgeBase | None = None

    def get(self) -> KnowledgeBase:
        """The current knowledge base."""
        files = list(self._root.rglob("*.yml"))
        stamp = (max((f.stat().st_mtime for f in files), default=0.0), len(files))
        with self._lock:
            if self._kb is None or stamp != self._stamp:
                self._kb, self._stamp = load(self._root), stamp
            return self._kb


@lru_cache(maxsize=1)
def settings() -> ActionSettings:
    """The action server's settings."""
    return ActionSettings()


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBaseSource:
    """The knowledge base the answers come from."""
    return KnowledgeBaseSource(settings().knowledge_base_dir)


@lru_cache(maxsize=1)
def software_labels() -> dict[str, str]:
    """Button label by software key, in the order of `software.yml`."""
    path = settings().knowledge_base_dir / "software.yml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {key: str(entry["label"]) for key, entry in entries.items()}


@lru_cache(maxsize=1)
def _engine() -> Engine:
    url = settings().database_url
    migrate(url)
    return make_engine(url)


@lru_cache(maxsize=1)
def feedback_store() -> FeedbackStore:
    """Where votes on answers are stored."""
    return FeedbackStore(_engine())


@lru_cache(maxsize=1)
def outbox() -> Outbox:
    """Escalations waiting for the document system."""
    return Outbox(_engine())


@lru_cache(maxsize=1)
def desk_client() -> DeskClient:
    """The document system's client; DeskNotConfigured if no token is set."""
    try:
        desk = DeskClientSettings()  # type: ignore[call-arg]  # the token: from the env
    except ValidationError as error:
        raise DeskNotConfigured("HELPDESK_DESK_TOKEN is not set") from error
    return connect(desk)
