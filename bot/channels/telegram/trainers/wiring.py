"""Building the trainers' handlers from the settings they need, for the Telegram service."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import Engine

from bot.announce.audience import Audience
from bot.channels.telegram.trainers.announce import TrainerAnnouncements
from bot.channels.telegram.trainers.handlers import TrainerHandlers
from bot.channels.telegram.trainers.kb import TrainerKnowledgeBase
from bot.channels.telegram.trainers.pending import PendingConfirmations
from bot.messages import Channel
from bot.metrics import Metrics
from bot.review.service import ReviewService, ReviewSettings
from bot.store.shared_state import SharedState

log = logging.getLogger(__name__)


class TrainerSettings(Protocol):
    """Who may act as a trainer, where versions are published, and the project retrained."""

    @property
    def trainer_ids(self) -> frozenset[int]:
        """The Telegram user ids of the trainers."""

    state_dir: Path
    project_dir: Path
    rasa_url: str
    rasa_urls: str | None
    database_url: str


def build_trainer_handlers(
    settings: TrainerSettings,
    engine: Engine,
    metrics: Metrics,
    state: SharedState,
    zalo: Channel | None = None,
) -> TrainerHandlers:
    """The handlers for HELPDESK_TELEGRAM_TRAINER_IDS; announcements also go out on `zalo`.

    Pending confirmations wait in `state`, shared by the gateways. The review queue (/hangcho)
    reads Rasa's conversations where `helpdesk run` says (RASA_TRACKER_DB) and records the
    decisions in the store of `engine`, as the desk's page does.

    Built even with no trainers listed, so that anyone's file or trainer command gets the
    polite refusal rather than being taken for a question.
    """
    if not settings.trainer_ids:
        log.info("HELPDESK_TELEGRAM_TRAINER_IDS is empty: nobody may publish from Telegram")
    kb = TrainerKnowledgeBase(
        settings.state_dir, settings.project_dir, settings.rasa_urls or settings.rasa_url
    )
    announcements = TrainerAnnouncements(Audience(engine), zalo, metrics)
    pending = PendingConfirmations(state)
    where = ReviewSettings(
        state_dir=settings.state_dir,
        project_dir=settings.project_dir,
        database_url=settings.database_url,
        rasa_url=settings.rasa_urls or settings.rasa_url,
    )
    review = ReviewService(where, engine)
    return TrainerHandlers(settings.trainer_ids, kb, announcements, metrics, pending, review)
