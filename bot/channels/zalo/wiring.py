"""Building the Zalo channel's parts from `ZaloSettings`, for the gateway and the notifier."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy.engine import Engine

from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.refresh import OnFailure, ZaloTokens
from bot.channels.zalo.render import ChoiceMemory
from bot.channels.zalo.seen import SeenUpdates
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.tokens import TokenStore
from bot.channels.zalo.webhook import Schedule, ZaloProcessor, ZaloWebhook
from bot.messages import Presence
from bot.rasa import RasaClient, Sender
from bot.store.leases import Leases
from bot.store.sealing import Sealer
from bot.store.shared_sql import SqlState
from bot.store.shared_state import SharedState
from bot.store.shared_turns import SharedTurns


@dataclass(frozen=True)
class ZaloParts:
    """What the gateway mounts: the webhook handler, and the channel to register as "zalo"."""

    webhook: ZaloWebhook
    channel: ZaloChannel
    processor: ZaloProcessor


def zalo_http(settings: ZaloSettings) -> httpx.AsyncClient:
    """An httpx client for Zalo's API and OAuth servers (the caller closes it)."""
    return httpx.AsyncClient(timeout=settings.timeout_seconds)


def build_channel(
    settings: ZaloSettings,
    engine: Engine,
    http: httpx.AsyncClient,
    choices: ChoiceMemory | None = None,
    on_refresh_failure: OnFailure | None = None,
) -> ZaloChannel:
    """The channel alone (the notifier's), sending through `http` with tokens in `engine`.

    `on_refresh_failure` counts failed token refreshes by reason (a metric).
    """
    initial = None
    if settings.access_token is not None and settings.refresh_token is not None:
        initial = (settings.access_token, settings.refresh_token)
    tokens = ZaloTokens(
        TokenStore(engine, sealer=Sealer.from_settings(settings)),
        Leases(engine),
        http,
        oauth_base_url=settings.oauth_base_url,
        app_id=settings.app_id,
        app_secret_key=settings.app_secret_key,
        initial=initial,
        timeout=settings.timeout_seconds,
        on_failure=on_refresh_failure,
    )
    client = ZaloClient(http, tokens, settings.api_base_url)
    return ZaloChannel(client, choices or ChoiceMemory(SqlState(engine)), settings.template_id)


def build_zalo(
    settings: ZaloSettings,
    engine: Engine,
    *,
    http: httpx.AsyncClient,
    rasa_http: httpx.AsyncClient | None = None,
    rasa: Sender | None = None,
    schedule: Schedule | None = None,
    on_refresh_failure: OnFailure | None = None,
    presence: Presence | None = None,
    state: SharedState | None = None,
) -> ZaloParts:
    """Everything the gateway needs, asking Rasa through `rasa`, or on `rasa_http`.

    `rasa_http` has the Rasa server as its base URL; `presence` hears of every event's official;
    `state` (default: the store `engine`) keeps the numbered choices and each official's turn,
    shared by the gateways.
    """
    if rasa is None:
        if rasa_http is None:
            raise ValueError("build_zalo needs rasa or rasa_http")
        rasa = RasaClient(rasa_http)
    shared = state or SqlState(engine)
    choices = ChoiceMemory(shared)
    channel = build_channel(settings, engine, http, choices, on_refresh_failure)
    turns = SharedTurns(shared)
    processor = ZaloProcessor(SeenUpdates(engine), rasa, channel, choices, presence, turns)
    webhook = ZaloWebhook(
        app_id=settings.app_id,
        oa_secret_key=settings.oa_secret_key,
        claim=processor.claim,
        process=processor.process,
        schedule=schedule,
    )
    return ZaloParts(webhook, channel, processor)
