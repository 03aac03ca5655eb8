"""Building the trainers' handlers from the gateway's settings, for its Telegram service."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from bot.announce.audience import Audience
from bot.channels.telegram.trainer_announce import TrainerAnnouncements
from bot.channels.telegram.trainer_handlers import TrainerHandlers
from bot.channels.telegram.trainer_kb import TrainerKnowledgeBase
from bot.gateway.metrics import Metrics
from bot.gateway.settings import GatewaySettings
from bot.notify.channels import Channel

log = logging.getLogger(__name__)


def build_trainer_handlers(
    settings: GatewaySettings, engine: Engine, metrics: Metrics, zalo: Channel | None = None
) -> TrainerHandlers:
    """The handlers for HELPDESK_TELEGRAM_TRAINER_IDS; announcements also go out on `zalo`.

    Built even with no trainers listed, so that anyone's file or trainer command gets the
    polite refusal rather than being taken for a question.
    """
    if not settings.trainer_ids:
        log.info("HELPDESK_TELEGRAM_TRAINER_IDS is empty: nobody may publish from Telegram")
    kb = TrainerKnowledgeBase(settings.state_dir, settings.project_dir, settings.rasa_url)
    announcements = TrainerAnnouncements(Audience(engine), zalo, metrics)
    return TrainerHandlers(settings.trainer_ids, kb, announcements, metrics)
