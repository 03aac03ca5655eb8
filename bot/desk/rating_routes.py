"""The API's ratings: an official's rating of a finished ticket, and the ratings for the report.

Kept apart from `app.py` (the tickets' own routes) because ratings are a feature of their own:
their rules live in `ratings.py`, their checks in `validation.py`. Like every handler, these
check the token before reading a body, and log ticket codes only, never who rated or what they
wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.desk import validation, wire
from bot.desk.auth import ASSISTANT, TokenCheck
from bot.desk.ratings import NotFinished, NotRequester, RatingRepository

logger = logging.getLogger(__name__)

ReadJson = Callable[[Request], Awaitable[object]]


def rating_routes(ratings: RatingRepository, tokens: TokenCheck, read: ReadJson) -> list[Route]:
    """POST /api/v1/tickets/{code}/rating and GET /api/v1/ratings; `read` reads a capped body."""

    async def rate(request: Request) -> Response:
        tokens.require(request, ASSISTANT)
        channel, user_id, score, comment = validation.rating(await read(request))
        code = request.path_params["code"]
        rated = await run_in_threadpool(ratings.rate, code, channel, user_id, score, comment)
        if rated.action is not None:
            logger.info("ticket %s rated low (%d): %s", code, score, rated.action)
        body = {**wire.rating(rated.rating), "low_rating_action": rated.action}
        return JSONResponse(body)

    async def listing(request: Request) -> Response:
        tokens.require(request, ASSISTANT)
        since, until = validation.rating_window(request.query_params)
        found = await run_in_threadpool(ratings.between, since, until)
        return JSONResponse({"ratings": [wire.rating(r) for r in found]})

    return [
        Route("/api/v1/tickets/{code}/rating", rate, methods=["POST"]),
        Route("/api/v1/ratings", listing, methods=["GET"]),
    ]


async def not_requester(request: Request, exc: Exception) -> Response:
    """403: only the ticket's requester may rate it."""
    assert isinstance(exc, NotRequester)
    return JSONResponse(wire.error("only the ticket's requester may rate it"), status_code=403)


async def not_finished(request: Request, exc: Exception) -> Response:
    """409: a ticket is rated once it is resolved or closed."""
    assert isinstance(exc, NotFinished)
    message = "a ticket can be rated once it is resolved or closed"
    return JSONResponse(wire.error(message), status_code=409)
