"""Tickets opened in the period, by software and status, and how long they took to resolve.

Read over the document system's API (`docs/desk-api.yaml`): the ticket list gives each
ticket's software and creation time, the change feed when its status changed.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from bot.escalation.client import (
    DeskAuthError,
    DeskClient,
    DeskError,
    DeskUnavailable,
)
from bot.escalation.connection import desk_http
from bot.escalation.retry import RetryPolicy
from bot.report.period import Period
from bot.settings import DeskClientSettings

FINISHED = frozenset({"resolved", "closed"})
_PAGE = 200  # the most the contract lets a list return at once
_FEED_PAGE = 500
# A report is not worth a long wait: one retry, soon, then the section says the desk is down.
REPORT_RETRY = RetryPolicy(attempts=2, base_delay=0.5)


@dataclass(frozen=True)
class TicketStats:
    """Tickets opened in the period."""

    by_software_status: Counter[tuple[str, str]] = field(default_factory=Counter)
    resolve_times: tuple[timedelta, ...] = ()

    @property
    def total(self) -> int:
        """Every ticket opened in the period."""
        return sum(self.by_software_status.values())

    @property
    def median_resolve(self) -> timedelta | None:
        """The median time from opening to resolved (or closed), if any ticket got there."""
        if not self.resolve_times:
            return None
        return timedelta(seconds=statistics.median(t.total_seconds() for t in self.resolve_times))


@dataclass(frozen=True)
class TicketsUnavailable:
    """Why there are no ticket figures: not_configured, unavailable, refused or malformed."""

    reason: str
    url: str = ""


async def ticket_stats(
    settings: DeskClientSettings, period: Period, retry: RetryPolicy = REPORT_RETRY
) -> TicketStats | TicketsUnavailable:
    """The figures, or why the document system could not give them."""
    desk = _ReportDesk(desk_http(settings), retry)
    try:
        opened = await desk.opened_in(period)
        finished = await desk.finished_times()
    except DeskAuthError:
        return TicketsUnavailable("refused")
    except DeskUnavailable:
        return TicketsUnavailable("unavailable", without_credentials(settings.desk_url))
    except (DeskError, httpx.HTTPError, ValueError, KeyError, TypeError):
        return TicketsUnavailable("malformed")
    finally:
        await desk.aclose()
    counts: Counter[tuple[str, str]] = Counter()
    durations = []
    for code, (software, status, created) in opened.items():
        counts[(software, status)] += 1
        done = finished.get(code)
        if status in FINISHED and done is not None and done >= created:
            durations.append(done - created)
    return TicketStats(counts, tuple(durations))


class _ReportDesk(DeskClient):
    """The client, plus the list fields the assistant's Ticket leaves out (software, creation)."""

    async def opened_in(self, period: Period) -> dict[str, tuple[str, str, datetime]]:
        """Software, status and creation time of each ticket opened in the period, by code."""
        found: dict[str, tuple[str, str, datetime]] = {}
        offset = 0
        while True:
            params = {"updated_since": period.start.isoformat(), "limit": _PAGE, "offset": offset}
            response = await self._send("GET", "/api/v1/tickets", params=params)
            page = _body(response)
            items: list[dict[str, Any]] = page["items"]
            for item in items:
                created = _time(item["created_at"])
                if period.contains(created):
                    found[str(item["code"])] = (str(item["software"]), str(item["status"]), created)
            offset += len(items)
            if not items or offset >= int(page["total"]):
                return found

    async def finished_times(self) -> dict[str, datetime]:
        """When each ticket last became resolved or closed and stayed so, by code.

        Resolved then closed counts from the resolution; reopened, the clock runs on to the
        next resolution.
        """
        finished: dict[str, datetime | None] = {}
        after = 0
        while True:
            changes = await self.changes(after, _FEED_PAGE)
            for change in changes:
                if change.kind != "status" or change.status is None:
                    continue
                if change.status not in FINISHED:
                    finished[change.code] = None
                elif finished.get(change.code) is None:
                    finished[change.code] = change.at
            if len(changes) < _FEED_PAGE:
                return {code: at for code, at in finished.items() if at is not None}
            after = changes[-1].position


def _body(response: httpx.Response) -> dict[str, Any]:
    if response.status_code in (401, 403):
        raise DeskAuthError("the token was refused", response.status_code)
    if response.status_code != 200:
        raise DeskError(f"unexpected HTTP {response.status_code}")
    try:
        body = response.json()
        if isinstance(body, dict) and isinstance(body["items"], list):
            return body
    except (ValueError, KeyError) as error:
        raise DeskError("malformed ticket list") from error
    raise DeskError("malformed ticket list")


def without_credentials(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _time(value: Any) -> datetime:
    text = str(value)
    return datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
