"""The desk's HTTP API, exactly as docs/desk-api.yaml describes it, and its staff pages (/desk).

Every handler checks the token first, so a refused call reads no body and stores nothing; then
it validates, then it stores. Database work runs in worker threads, off the event loop.
Phone numbers and tokens never reach the logs: handlers log ticket codes only. The staff pages
(pages.py) sign staff in with their own accounts (session.py) and go by a session cookie.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.bodies import BodyTooLarge, NotJson, json_of, read_capped
from bot.desk import validation, wire
from bot.desk.aids_api import AidsApi
from bot.desk.aids_pages import AidPages
from bot.desk.auth import ASSISTANT, STAFF, Refused, TokenCheck
from bot.desk.database import make_engine
from bot.desk.forms import problem_page
from bot.desk.pages import StaffPages
from bot.desk.rating_routes import not_finished, not_requester, rating_routes
from bot.desk.ratings import NotFinished, NotRequester, RatingRepository
from bot.desk.repository import MESSAGE, KeyConflict, TicketNotFound, TicketRepository
from bot.desk.session import SignIn
from bot.desk.settings import DeskSettings
from bot.desk.staff_aids import staff_aids
from bot.desk.template_pages import TemplatePages
from bot.desk.undelivered import Undelivered
from bot.desk.validation import InvalidInput

logger = logging.getLogger(__name__)

# Room for 20,000 characters of content even if every one is sent as a \uXXXX\uXXXX pair.
MAX_BODY = 1024 * 1024
_CODE = re.compile(r"HT-[0-9]{6}")


def create_app(
    settings: DeskSettings | None = None,
    engine: Engine | None = None,
    more_pages: Callable[[SignIn], list[Route]] | None = None,
) -> Starlette:
    """The desk app; `engine` (on a migrated database) is made from settings if not given.

    `more_pages` adds staff pages behind the same sign-in (the review queue, which the command
    line builds from a higher layer).
    """
    settings = settings or DeskSettings()  # type: ignore[call-arg]  # tokens: from the env
    own_engine = engine is None
    database = engine if engine is not None else make_engine(settings.database_url)
    hours = settings.office_schedule().hours
    tickets = TicketRepository(database, settings.service_levels(), hours=hours)
    tokens = TokenCheck(settings.token_roles())
    ratings = RatingRepository(database, settings.low_rating, settings.low_rating_action)
    store = Undelivered(settings.store_database_url) if settings.store_database_url else None
    access = SignIn(settings, database)
    aids = staff_aids(settings, tickets, database)
    aid_pages = AidPages(access, aids)
    pages = StaffPages(access, tickets, undelivered=store, aids=aid_pages.section)
    extra = more_pages(access) if more_pages is not None else []

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if own_engine:
                database.dispose()
            if store is not None:
                store.close()

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def open_ticket(request: Request) -> Response:
        tokens.require(request, ASSISTANT)
        key = validation.idempotency_key(request.headers.get("idempotency-key"))
        new = validation.new_ticket(await _json(request))
        try:
            created = await run_in_threadpool(tickets.create, new, key)
        except KeyConflict:
            message = "this Idempotency-Key was used before with another body"
            return _error(409, message, "Idempotency-Key")
        code = created.ticket.code
        if not created.existed:
            logger.info("ticket %s opened (%s, %s)", code, new.software, new.urgency)
        return JSONResponse(
            wire.ticket(created.ticket),
            status_code=200 if created.existed else 201,
            headers={"Location": f"/api/v1/tickets/{code}"},
        )

    async def list_tickets(request: Request) -> Response:
        tokens.require(request, ASSISTANT)
        wanted = validation.ticket_filter(request.query_params)
        return JSONResponse(wire.page(await run_in_threadpool(tickets.find, wanted)))

    async def show_ticket(request: Request) -> Response:
        tokens.require(request, ASSISTANT)
        code = request.path_params["code"]
        found = await run_in_threadpool(tickets.get, code) if _CODE.fullmatch(code) else None
        if found is None:
            raise TicketNotFound(code)
        return JSONResponse(wire.ticket(found))

    async def add_reply(request: Request) -> Response:
        tokens.require(request, STAFF)
        author, text = validation.reply(await _json(request))
        code = request.path_params["code"]
        note = await run_in_threadpool(tickets.add_reply, code, author, text)
        logger.info("reply %d added to ticket %s", note.id, code)
        return JSONResponse(wire.note(note), status_code=201)

    async def add_message(request: Request) -> Response:
        # Beyond the contract: what an official wrote while staff handled the ticket
        # (bot/gateway/handling.py), kept as a note and a `message` change, never sent back.
        tokens.require(request, ASSISTANT)
        author, text = validation.reply(await _json(request))
        code = request.path_params["code"]
        note = await run_in_threadpool(tickets.add_reply, code, author, text, None, MESSAGE)
        logger.info("official's message %d added to ticket %s", note.id, code)
        return JSONResponse(wire.note(note), status_code=201)

    async def change_status(request: Request) -> Response:
        tokens.require(request, STAFF)
        status, author = validation.status_change(await _json(request))
        code = request.path_params["code"]
        ticket = await run_in_threadpool(tickets.change_status, code, status, author)
        logger.info("ticket %s is now %s", code, ticket.status)
        return JSONResponse(wire.ticket(ticket))

    async def list_changes(request: Request) -> Response:
        tokens.require(request, ASSISTANT)
        after, limit = validation.change_window(request.query_params)
        found = await run_in_threadpool(tickets.changes_after, after, limit)
        return JSONResponse({"changes": [wire.change(c) for c in found]})

    return Starlette(
        routes=[
            Route("/health", health),
            Route("/api/v1/tickets", open_ticket, methods=["POST"]),
            Route("/api/v1/tickets", list_tickets, methods=["GET"]),
            Route("/api/v1/tickets/{code}", show_ticket, methods=["GET"]),
            Route("/api/v1/tickets/{code}/replies", add_reply, methods=["POST"]),
            Route("/api/v1/tickets/{code}/status", change_status, methods=["POST"]),
            Route("/api/v1/tickets/{code}/messages", add_message, methods=["POST"]),
            Route("/api/v1/changes", list_changes, methods=["GET"]),
            *rating_routes(ratings, tokens, _json),
            *pages.routes(),
            *extra,
            *AidsApi(aids, tokens, _json).routes(),
            *aid_pages.routes(),
            *TemplatePages(access, aids.templates).routes(),
        ],
        exception_handlers={
            InvalidInput: _invalid,
            Refused: _refused,
            TicketNotFound: _not_found,
            NotRequester: not_requester,
            NotFinished: not_finished,
            HTTPException: _http_error,
            Exception: _unexpected,
        },
        lifespan=lifespan,
    )


async def _json(request: Request) -> object:
    """The body as JSON, read up to MAX_BODY bytes; anything else is the caller's error."""
    try:
        body = await read_capped(request, MAX_BODY)
    except BodyTooLarge:
        raise InvalidInput("body", f"must be at most {MAX_BODY} bytes") from None
    try:
        return json_of(body)
    except NotJson:
        raise InvalidInput("body", "must be a JSON object") from None


def _error(status_code: int, message: str, field: str | None = None) -> JSONResponse:
    return JSONResponse(wire.error(message, field), status_code=status_code)


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InvalidInput)
    return _error(400, exc.message, exc.field)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    response = _error(exc.status_code, exc.message)
    if exc.status_code == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


async def _not_found(request: Request, exc: Exception) -> Response:
    return _error(404, "no ticket has this code")


def _on_a_page(request: Request) -> bool:
    """Whether the request is for a staff page, which answers in HTML, not JSON."""
    path = request.url.path
    return path == "/desk" or path.startswith("/desk/")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if _on_a_page(request):
        page = problem_page(exc.status_code)
        page.headers.update(exc.headers or {})
        return page
    return JSONResponse(wire.error(exc.detail), status_code=exc.status_code, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> Response:
    # Starlette raises the exception on for the server to log; the engine hides SQL parameters
    # from exception messages, so no phone number gets into that log.
    if _on_a_page(request):
        return problem_page(500)
    return _error(500, "internal error")
