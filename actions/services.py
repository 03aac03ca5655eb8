"""The services actions use, built on first use from the settings, never at import."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import Engine

from bot.announce.audience import Audience
from bot.escalation.client import DeskClient
from bot.escalation.connection import desk_client as connect
from bot.escalation.outbox import Outbox
from bot.kb.live_folder import LiveFolder, LiveVersion
from bot.kb.loader import KnowledgeBase
from bot.nlu.live_index import LiveIndex
from bot.office_hours.loading import OfficeSchedule
from bot.office_hours.settings import OfficeHoursSettings
from bot.settings import ActionSettings, DeskClientSettings
from bot.store.database import make_engine, migrate
from bot.store.feedback import FeedbackStore


class DeskNotConfigured(Exception):
    """No document-system token is set: escalations wait in the outbox until one is."""


class KnowledgeBaseSource:
    """The live knowledge base, loaded again when a version is published or a file changes.

    `root` is usually `<state>/kb/current`, a link publishing switches to a complete new version:
    resolving it tells a new version from the old in one system call, and the version is read
    where it lies, not through the link, so a switch during the read cannot mix two versions.
    A plain folder (knowledge_base/ while editing) is watched by its files' times instead.
    """

    def __init__(self, root: Path) -> None:
        """Watch the folder or link `root`."""
        self._folder = LiveFolder(root)
        self._lock = threading.Lock()
        self._stamp: tuple[Path, float, int] | None = None
        self._version: LiveVersion | None = None
        self._indexed: tuple[LiveVersion, LiveIndex] | None = None

    def get(self) -> KnowledgeBase:
        """The current knowledge base."""
        return self._current().kb

    def index(self) -> LiveIndex:
        """The current knowledge base's questions, to match a message with (built on first use)."""
        version = self._current()
        with self._lock:
            if self._indexed is None or self._indexed[0] is not version:
                self._indexed = (version, LiveIndex(version))
            return self._indexed[1]

    def _current(self) -> LiveVersion:
        target = self._folder.target()
        stamp = (target, 0.0, 0) if self._folder.is_published else _file_stamp(target)
        with self._lock:
            if self._version is None or stamp != self._stamp:
                self._version, self._stamp = LiveVersion.read(target), stamp
            return self._version


def _file_stamp(folder: Path) -> tuple[Path, float, int]:
    files = list(folder.rglob("*.yml"))
    return folder, max((f.stat().st_mtime for f in files), default=0.0), len(files)


@lru_cache(maxsize=1)
def settings() -> ActionSettings:
    """The action server's settings."""
    return ActionSettings()


@lru_cache(maxsize=1)
def office_schedule() -> OfficeSchedule:
    """The office hours (HELPDESK_OFFICE_HOURS_FILE): when a person will answer a new ticket."""
    return OfficeHoursSettings().office_schedule()


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBaseSource:
    """The knowledge base the answers come from."""
    return KnowledgeBaseSource(settings().knowledge_base_dir)


def software_labels() -> dict[str, str]:
    """Button label by software key, in the order of `software.yml`, as published now."""
    return {
        key: str(entry.get("label") or key) if isinstance(entry, dict) else key
        for key, entry in knowledge_base().get().software.items()
    }


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


@lru_cache(maxsize=1)
def audience() -> Audience:
    """Who receives trainers' announcements, and who opted out."""
    return Audience(_engine())
