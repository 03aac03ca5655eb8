"""The channels beyond the local chats, built from settings: Telegram, Zalo, the staff group.

Used by the notifier and by announcements, whose services know channels only by name.

Why it looks like this:
- Each is on only when configured: Telegram with HELPDESK_TELEGRAM_TOKEN, the staff group with
  HELPDESK_TELEGRAM_STAFF_CHAT_ID as well, Zalo when `ZaloSettings` are given. Officials then
  hear of their tickets on the channel they wrote from (a ticket's requester channel names it).
- The secrets are registered with the log masking before any client is built:
  python-telegram-bot and httpx write URLs, and the Bot API puts the token in every one.
- One context holds every client and closes them on the way out, whatever ended the run.
- A notice's buttons (Zalo's numbered choices, Telegram's long payloads) are kept in the
  gateways' shared state (`bot.store.shared_state`, from the same settings), so the gateway
  that receives the official's answer understands it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from pydantic import SecretStr
from sqlalchemy.engine import Engine
from telegram.ext import ExtBot

from bot import redact
from bot.announce.settings import AnnounceSettings
from bot.channels.telegram.channel import CHANNEL as TELEGRAM
from bot.channels.telegram.channel import TelegramChannel, telegram_bot
from bot.channels.telegram.render import CallbackPayloads
from bot.channels.telegram.staff.alerts import TelegramAlerts
from bot.channels.telegram.staff.board import TelegramStaffBoard
from bot.channels.telegram.staff.posts import StaffPosts
from bot.channels.zalo.channel import CHANNEL as ZALO
from bot.channels.zalo.refresh import OnFailure
from bot.channels.zalo.render import ChoiceMemory
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.wiring import build_channel, zalo_http
from bot.messages import Channel
from bot.notify.escalations import EscalationBoard
from bot.notify.settings import NotifierSettings
from bot.notify.software_labels import software_labels
from bot.notify.staff_feed import StaffBoard
from bot.store.shared_settings import SharedStateSettings
from bot.store.shared_state import shared_state


@dataclass
class OutsideChannels:
    """The channels by name; the staff board and the escalation alerts if the group is on."""

    channels: dict[str, Channel] = field(default_factory=dict)
    staff_board: StaffBoard | None = None
    alerts: EscalationBoard | None = None


def officials_channels(
    stack: contextlib.AsyncExitStack,
    telegram_token: SecretStr | None,
    telegram_base_url: str,
    zalo: ZaloSettings | None,
    engine: Engine,
    store: SharedStateSettings,
    on_refresh_failure: OnFailure | None = None,
) -> tuple[dict[str, Channel], ExtBot[int] | None]:
    """Telegram and Zalo where configured, their clients closed by `stack`; the Telegram bot.

    `store` says where the gateways share their state; `on_refresh_failure` counts Zalo's
    failed token refreshes (a metric).
    """
    channels: dict[str, Channel] = {}
    bot = None
    state = shared_state(store, engine)
    stack.push_async_callback(state.aclose)
    if telegram_token is not None:
        bot = telegram_bot(telegram_token.get_secret_value(), telegram_base_url)
        stack.push_async_callback(bot.shutdown)
        channels[TELEGRAM] = TelegramChannel(bot, CallbackPayloads(state))
    if zalo is not None:
        http = zalo_http(zalo)
        stack.push_async_callback(http.aclose)
        choices = ChoiceMemory(state)
        channels[ZALO] = build_channel(zalo, engine, http, choices, on_refresh_failure)
    return channels, bot


def channel_secrets(*values: SecretStr | None, zalo: ZaloSettings | None = None) -> list[str]:
    """`values` and Zalo's keys and tokens, as the log masking takes them."""
    found = list(values)
    if zalo is not None:
        found += [zalo.oa_secret_key, zalo.app_secret_key, zalo.access_token, zalo.refresh_token]
    return [secret.get_secret_value() for secret in found if secret is not None]


@contextlib.asynccontextmanager
async def outside_channels(
    settings: NotifierSettings,
    engine: Engine,
    zalo: ZaloSettings | None = None,
    on_refresh_failure: OnFailure | None = None,
) -> AsyncIterator[OutsideChannels]:
    """The configured channels, their clients closed (and secrets unmasked) on exit."""
    protection = redact.install(
        channel_secrets(settings.desk_token, settings.telegram_token, zalo=zalo)
    )
    try:
        async with contextlib.AsyncExitStack() as stack:
            channels, bot = officials_channels(
                stack,
                settings.telegram_token,
                settings.telegram_base_url,
                zalo,
                engine,
                settings,
                on_refresh_failure,
            )
            built = OutsideChannels(channels)
            if bot is not None and settings.telegram_staff_chat_id is not None:
                posts = StaffPosts(engine)
                built.staff_board = TelegramStaffBoard(
                    bot,
                    settings.telegram_staff_chat_id,
                    settings.public_url,
                    software_labels(settings.knowledge_base_dir),
                    posts=posts,
                )
                escalation = settings.office_schedule().escalation
                built.alerts = TelegramAlerts(
                    bot, settings.telegram_staff_chat_id, settings.public_url, escalation, posts
                )
            yield built
    finally:
        redact.uninstall(protection)


@contextlib.asynccontextmanager
async def announcement_channels(
    settings: AnnounceSettings, engine: Engine, zalo: ZaloSettings | None
) -> AsyncIterator[dict[str, Channel]]:
    """Telegram and Zalo where configured; their clients closed and secrets unmasked on exit."""
    protection = redact.install(channel_secrets(settings.telegram_token, zalo=zalo))
    try:
        async with contextlib.AsyncExitStack() as stack:
            channels, _ = officials_channels(
                stack, settings.telegram_token, settings.telegram_base_url, zalo, engine, settings
            )
            yield channels
    finally:
        redact.uninstall(protection)
