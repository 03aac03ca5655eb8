"""The services actions use, built on first use from the settings, never at import."""

from __future__ import annotations

from functools import lru_cache

from pydantic import ValidationError
from sqlalchemy.engine import Engine

from bot.announce.audience import Audience
from bot.escalation.client import DeskClient
from bot.escalation.connection import desk_client as connect
from bot.escalation.outbox import Outbox
from bot.nlu.live_source import KnowledgeBaseSource
from bot.office_hours.loading import OfficeSchedule
from bot.office_hours.settings import OfficeHoursSettings
from bot.settings import ActionSettings, DeskClientSettings
from bot.store.database import make_engine, migrate
from bot.store.feedback import FeedbackStore

__all__ = [
    "DeskNotConfigured",
    "KnowledgeBaseSource",
    "audience",
    "desk_client",
    "feedback_store",
    "knowledge_base",
    "outbox",
    "settings",
    "software_labels",
]


class DeskNotConfigured(Exception):
    """No document-system token is set: escalations wait in the outbox until one is."""


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
