"""The API's routes for staff aids, beyond the contract: suggested articles and templates.

Why it looks like this:
- They extend docs/desk-api.yaml for the built-in desk; a province's own system answers 404,
  and the staff group then says the aid is not offered there.
- Reading a ticket's suggestions takes the `assistant` role (the notifier lists them in the
  staff group's post; they hold knowledge base text only); anything that sends a reply, and
  the templates, take `staff`, as replies do.
- A number that names no suggestion or template is the caller's error (400 with its field), so
  a 404 keeps meaning "no such ticket" as everywhere else in the API.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.desk import validation, wire
from bot.desk.auth import ASSISTANT, STAFF, TokenCheck
from bot.desk.models import Note
from bot.desk.repository import TicketNotFound
from bot.desk.staff_aids import StaffAids
from bot.desk.validation import InvalidInput

logger = logging.getLogger(__name__)

_CODE = re.compile(r"HT-[0-9]{6}")
_NUMBER = re.compile(r"[0-9]{1,9}")

ReadJson = Callable[[Request], Awaitable[object]]


class AidsApi:
    """The routes, checking tokens as the rest of the API does."""

    def __init__(self, aids: StaffAids, tokens: TokenCheck, read_json: ReadJson) -> None:
        """Answer from `aids`; `read_json` reads a capped JSON body."""
        self._aids = aids
        self._tokens = tokens
        self._json = read_json

    def routes(self) -> list[Route]:
        """The aids' routes under /api/v1."""
        tickets = "/api/v1/tickets/{code}"
        return [
            Route(f"{tickets}/suggestions", self._suggestions, methods=["GET"]),
            Route(f"{tickets}/suggestions/{{number}}", self._send_suggestion, methods=["POST"]),
            Route("/api/v1/reply-templates", self._templates, methods=["GET"]),
            Route(f"{tickets}/reply-templates/{{number}}", self._send_template, methods=["POST"]),
        ]

    async def _suggestions(self, request: Request) -> Response:
        self._tokens.require(request, ASSISTANT)
        found = await run_in_threadpool(self._aids.suggested, _code(request))
        return JSONResponse(
            {
                "suggestions": [
                    {"number": s.number, "article": s.article_id, "title": s.title, "text": s.text}
                    for s in found
                ]
            }
        )

    async def _templates(self, request: Request) -> Response:
        self._tokens.require(request, STAFF)
        found = await run_in_threadpool(self._aids.templates.all)
        listed = [{"number": t.id, "title": t.title, "text": t.text} for t in found]
        return JSONResponse({"templates": listed})

    async def _send_suggestion(self, request: Request) -> Response:
        self._tokens.require(request, STAFF)
        code, number, author = _code(request), _number(request), await self._author(request)
        note = await run_in_threadpool(self._aids.send_suggestion, code, number, author)
        return _sent(note, code, "suggestion", "no suggestion of this ticket has this number")

    async def _send_template(self, request: Request) -> Response:
        self._tokens.require(request, STAFF)
        code, number, author = _code(request), _number(request), await self._author(request)
        note = await run_in_threadpool(self._aids.send_template, code, number, author)
        return _sent(note, code, "template", "no reply template has this number")

    async def _author(self, request: Request) -> str:
        body = await self._json(request)
        author, _text = validation.reply({"author": _field(body), "text": "-"})
        return author


def _field(body: object) -> object:
    """The body's `author`, for validation to check; the body must be an object."""
    if not isinstance(body, dict):
        raise InvalidInput("body", "must be a JSON object")
    return body.get("author")


def _code(request: Request) -> str:
    code = str(request.path_params["code"])
    if not _CODE.fullmatch(code):
        raise TicketNotFound(code)
    return code


def _number(request: Request) -> int:
    given = str(request.path_params["number"])
    if not _NUMBER.fullmatch(given):
        raise InvalidInput("number", "must be a whole number")
    return int(given)


def _sent(note: Note | None, code: str, what: str, missing: str) -> Response:
    if note is None:
        raise InvalidInput("number", missing)
    logger.info("%s sent as reply %d on ticket %s", what, note.id, code)
    return JSONResponse(wire.note(note), status_code=201)
