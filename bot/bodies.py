"""Reading a request's body without ever holding more than a limit in memory."""

from __future__ import annotations

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
