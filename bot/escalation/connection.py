"""Building the document-system client from settings, in one place for every process."""

from __future__ import annotations

import httpx

from bot.escalation.client import DeskClient
from bot.escalation.retry import RetryPolicy
from bot.settings import DeskClientSettings


def desk_http(settings: DeskClientSettings) -> httpx.AsyncClient:
    """An httpx client on the document system's URL, sending the bearer token on every call."""
    token = settings.desk_token.get_secret_value()
    return httpx.AsyncClient(
        base_url=settings.desk_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=httpx.Timeout(settings.desk_timeout_seconds, connect=3.0),
    )


def desk_client(settings: DeskClientSettings, retry: RetryPolicy | None = None) -> DeskClient:
    """A DeskClient on a fresh httpx client; whoever calls this closes it through `aclose`."""
    return DeskClient(desk_http(settings), retry)
