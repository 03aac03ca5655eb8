"""The services actions use, built on first use from the settings, never at import."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from bot.kb.loader import KnowledgeBase, load
from bot.settings import ActionSettings
from bot.store.database import make_engine, migrate
from bot.store.feedback import FeedbackStore


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
def feedback_store() -> FeedbackStore:
    """Where votes on answers are stored."""
    url = settings().database_url
    migrate(url)
    return FeedbackStore(make_engine(url))
