"""Reading a request's body without ever holding more than a limit in memory, and as JSON.

Why `json_of` and not `json.loads` at each route: besides bad JSON and bad UTF-8, a body can
nest deep enough to raise RecursionError, or carry a lone surrogate ("\\ud83d") that json
accepts but UTF-8 cannot encode, so it fails later when written on (to Rasa, to a database).
Each route used to catch its own subset; every one of these is the sender's error.
"""

from __future__ import annotations

import json

from starlette.requests import Request


class BodyTooLarge(Exception):
    """The body is longer than the limit; nothing past the limit was read."""


async def read_capped(request: Request, limit: int) -> bytes:
    """The request's body, or `BodyTooLarge` as soon as it is longer than `limit` bytes.

    A declared Content-Length over the limit is refused before reading anything; a body sent
    in chunks (or lying about its length) is cut off as soon as it passes the limit.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


class NotJson(Exception):
    """The body is not JSON, or holds text that cannot be written on as UTF-8."""


def json_of(body: bytes, surrogates: bool = False) -> object:
    """`body` read as JSON, or `NotJson`.

    `surrogates`: lone surrogates are let through, for a signed sender (Zalo) whose event
    should be answered all the same; that caller cleans every text it reads (`plain_text`).
    """
    try:
        found = json.loads(body)
        if not surrogates:
            # Writing it out again is how a lone surrogate anywhere inside shows itself.
            json.dumps(found, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError) as error:  # UnicodeError is a ValueError
        raise NotJson from error
    return found
