"""Officials' ratings of their resolved tickets, per software, staff member and article.

Read over the document system's API (`GET /api/v1/ratings`, `docs/desk-api.yaml`): each rating
carries the ticket's software, the staff member who resolved it and the article answered just
before the official asked for a person, so the report groups them without reading tickets. A
desk that is down or refuses the token leaves this section saying why, like the tickets'.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx

from bot.escalation.client import (
    DeskAuthError,
    DeskClient,
    DeskError,
    DeskUnavailable,
    TicketNotFound,
)
from bot.escalation.connection import desk_http
from bot.escalation.ratings import Rating, ratings
from bot.escalation.retry import RetryPolicy
from bot.report.period import Period
from bot.report.tickets import REPORT_RETRY, TicketsUnavailable, without_credentials
from bot.settings import DeskClientSettings

# Four or five stars: the official was satisfied.
SATISFIED = 4


@dataclass(frozen=True)
class Score:
    """The ratings of one software, staff member or article."""

    key: str
    count: int
    total: int
    satisfied: int

    @property
    def average(self) -> float:
        """The mean number of stars."""
        return self.total / self.count if self.count else 0.0


def scores(found: Iterable[Rating], key: Callable[[Rating], str | None]) -> list[Score]:
    """Ratings grouped by `key` (those without one left out), the lowest average first."""
    groups: dict[str, list[int]] = {}
    for rating in found:
        name = key(rating)
        if name:
            groups.setdefault(name, []).append(rating.score)
    result = [
        Score(name, len(marks), sum(marks), sum(1 for m in marks if m >= SATISFIED))
        for name, marks in groups.items()
    ]
    return sorted(result, key=lambda s: (s.average, -s.count, s.key))


async def rating_list(
    settings: DeskClientSettings, period: Period, retry: RetryPolicy = REPORT_RETRY
) -> list[Rating] | TicketsUnavailable:
    """The ratings given in the period, or why the document system could not give them."""
    client = DeskClient(desk_http(settings), retry)
    try:
        return await ratings(client, since=period.start, until=period.end)
    except TicketNotFound:  # a document system without the ratings of the built-in desk
        return TicketsUnavailable("not_supported")
    except DeskAuthError:
        return TicketsUnavailable("refused")
    except DeskUnavailable:
        return TicketsUnavailable("unavailable", without_credentials(settings.desk_url))
    except (DeskError, httpx.HTTPError, ValueError, KeyError, TypeError):
        return TicketsUnavailable("malformed")
    finally:
        await client.aclose()
