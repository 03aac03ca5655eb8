"""Building the gateway's channels and what they share, so `app.py` only routes and runs them.

Why it looks like this:
- The state the channels keep between two messages (Zalo's numbered choices, Telegram's long
  button payloads, trainers' pending confirmations, the web chat's rate limits) is in one
  `SharedState` (`bot.store.shared_state`): Redis when HELPDESK_REDIS_URL is set, else the
  assistant's store. Every gateway replica built on the same settings shares it, so any
  replica can take any message.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.engine import Engine
from telegram.ext import AIORateLimiter

from bot.channels.telegram.claims import UpdateClaims
from bot.channels.telegram.service import TelegramService, build_service
from bot.channels.telegram.trainers.wiring import build_trainer_handlers
from bot.channels.zalo.wiring import ZaloParts
from bot.gateway.settings import GatewaySettings
from bot.metrics import Metrics
from bot.rasa import RasaClient
from bot.store.shared_state import SharedState

log = logging.getLogger(__name__)


def build_telegram(
    settings: GatewaySettings,
    rasa: RasaClient,
    metrics: Metrics,
    engine: Engine,
    state: SharedState,
    rate_limiter: AIORateLimiter | None,
    poll_timeout: int,
    zalo: ZaloParts | None = None,
) -> TelegramService | None:
    """Telegram, if its token and webhook secret are set; trainers' announcements reach `zalo`."""
    if settings.telegram_token is None or settings.telegram_webhook_secret is None:
        return None
    trainers = build_trainer_handlers(
        settings, engine, metrics, state, zalo.channel if zalo else None
    )
    return build_service(
        settings.telegram_token.get_secret_value(),
        settings.telegram_webhook_secret.get_secret_value(),
        rasa,
        metrics,
        UpdateClaims(engine),
        base_url=settings.telegram_base_url,
        webhook_url=settings.telegram_webhook_url,
        rate_limiter=rate_limiter,
        poll_timeout=poll_timeout,
        trainers=trainers,
        state=state,
    )


async def start_webhook_mode(
    telegram: TelegramService, stop: asyncio.Event, background: list[asyncio.Task[Any]]
) -> None:
    """Start Telegram now if it answers; otherwise keep trying in the background."""
    try:
        await telegram.start()
    except Exception as error:
        log.warning(
            "Telegram is not ready yet (%s); retrying in the background", type(error).__name__
        )
        background.append(asyncio.create_task(telegram.keep_starting(stop)))
