"""Sending text through the OA customer-service message API, in parts Zalo accepts.

Why it looks like this:
- Zalo answers most errors with HTTP 200 and a non-zero `error` number, so the number is read
  on every answer; only 0 is success.
- -216 means the access token is invalid or expired (revoked, or expired early): the pair is
  refreshed once and the part sent again. A second -216 is an error like any other.
- Zalo's other codes are sorted by what to do about them (`bot.messages`; the rules and where
  they come from are in docs/zalo.md, "Errors by what to do about them"): outside the 7-day
  window (`OutsideWindow`: the notice waits for the official), the official unreachable
  (`RecipientUnreachable`: marked, not retried), the OA's account, quota or billing
  (`AccountProblem`: operators alerted, the notice kept), too many requests (`RateLimited`:
  tried again later). Any other code is a plain `ZaloError`, tried again later.
- Outside the window a template message (`v3.0/oa/message/template`) with a template the OA
  had approved carries a short notice; the template id is the operator's setting.
- Long texts are cut at paragraphs, then lines, then words, so a part never ends mid-word
  unless a single "word" is longer than a message.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any

import httpx

from bot.channels.zalo.errors import AccessTokenInvalid, ZaloError
from bot.channels.zalo.refresh import ZaloTokens
from bot.channels.zalo.tokens import TokenPair
from bot.messages import AccountProblem, OutsideWindow, RateLimited, RecipientUnreachable

log = logging.getLogger(__name__)

# Zalo takes up to 2,000 characters in a text message; parts stay under that.
MAX_PART = 1999
TOKEN_ERRORS = frozenset({-216})
# By what to do about them; docs/zalo.md says where each comes from.
OUTSIDE_WINDOW_ERRORS = frozenset({-230, -232})
# -213 not a follower, -227 inactive, -244 restricted: the reason each is recorded under.
UNREACHABLE_ERRORS = {-213: "not_follower", -227: "inactive", -244: "restricted"}
# -211, -218 quota; -224 package; -320, -321 billing.
ACCOUNT_ERRORS = frozenset({-211, -218, -224, -320, -321})
# -32: "exceeded the request rate" (unverified, see docs/zalo.md); HTTP 429 likewise.
RATE_LIMIT_ERRORS = frozenset({-32})
TOO_MANY_REQUESTS = 429
_SEPARATORS = ("\n\n", "\n", " ")


class ZaloUnreachable(ZaloError, RecipientUnreachable):
    """Zalo says the official cannot be reached; `reason` is how it is recorded."""

    def __init__(self, message: str, code: int, reason: str) -> None:
        super().__init__(message, code)
        self.reason = reason


class ZaloOutsideWindow(ZaloError, OutsideWindow):
    """Zalo refuses a consultation message: the official's last interaction is too old."""


class ZaloAccountProblem(ZaloError, AccountProblem):
    """The OA's account cannot send: quota, package or billing."""


class ZaloRateLimited(ZaloError, RateLimited):
    """Zalo asks to slow down."""


class ZaloClient:
    """The OA message API on one shared httpx client, with tokens from `ZaloTokens`."""

    def __init__(self, http: httpx.AsyncClient, tokens: ZaloTokens, api_base_url: str) -> None:
        """Send through `http` to `api_base_url` (https://openapi.zalo.me)."""
        self._http = http
        self._tokens = tokens
        self._url = api_base_url.rstrip("/") + "/v3.0/oa/message/cs"
        self._template_url = api_base_url.rstrip("/") + "/v3.0/oa/message/template"

    async def send_text(self, user_id: str, text: str) -> int:
        """Send `text` to `user_id` in as many parts as it needs; how many were sent."""
        parts = split_text(text)
        for part in parts:
            await self._send_part(user_id, part)
        return len(parts)

    async def send_template(self, user_id: str, template_id: str, data: dict[str, str]) -> None:
        """Send the approved template `template_id` filled with `data` to `user_id`."""
        message = {"template_id": template_id, "template_data": data}
        body = {"recipient": {"user_id": user_id}, "message": message}
        await self._send(self._template_url, body)

    async def _send_part(self, user_id: str, text: str) -> None:
        body = {"recipient": {"user_id": user_id}, "message": {"text": text}}
        await self._send(self._url, body)

    async def _send(self, url: str, body: dict[str, Any]) -> None:
        pair = await self._tokens.current()
        try:
            await self._post(url, pair, body)
        except AccessTokenInvalid:
            log.info("Zalo refused the access token; refreshing it and sending again")
            await self._post(url, await self._tokens.refresh(pair), body)

    async def _post(self, url: str, pair: TokenPair, body: dict[str, Any]) -> None:
        try:
            response = await self._http.post(
                url, json=body, headers={"access_token": pair.access_token}
            )
        except httpx.HTTPError as error:
            raise ZaloError(f"Zalo's API did not answer: {type(error).__name__}") from None
        if response.status_code == TOO_MANY_REQUESTS:
            raise ZaloRateLimited("Zalo's API answered HTTP 429", None)
        if response.status_code != 200:
            raise ZaloError(f"Zalo's API answered HTTP {response.status_code}")
        check(response)


def check(response: httpx.Response) -> None:
    """Raise the error a 200 answer of Zalo's API carries, if any."""
    try:
        body = response.json()
    except ValueError:
        raise ZaloError("Zalo's API answered something not JSON") from None
    if not isinstance(body, dict):
        raise ZaloError("Zalo's API answered something not an object")
    code = body.get("error")
    if code == 0:
        return
    if not isinstance(code, int) or isinstance(code, bool):
        raise ZaloError("Zalo's API answered without an error number")
    # Zalo's own explanation ("message") names the problem and never holds a token.
    reason = str(body.get("message", ""))[:200]
    if code in TOKEN_ERRORS:
        raise AccessTokenInvalid(f"Zalo error {code}: {reason}", code)
    message = f"Zalo error {code}: {reason}"
    if code in OUTSIDE_WINDOW_ERRORS:
        raise ZaloOutsideWindow(message, code)
    if code in UNREACHABLE_ERRORS:
        raise ZaloUnreachable(message, code, UNREACHABLE_ERRORS[code])
    if code in ACCOUNT_ERRORS:
        raise ZaloAccountProblem(message, code)
    if code in RATE_LIMIT_ERRORS:
        raise ZaloRateLimited(message, code)
    raise ZaloError(message, code)


def size(text: str) -> int:
    """Length as Zalo's apps may count it: UTF-16 units, so an emoji counts 2 (never fewer)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def split_text(text: str, limit: int = MAX_PART) -> list[str]:
    """`text` in parts of at most `limit` (by `size`): whole paragraphs, lines or words."""
    parts = _split(text, limit, _SEPARATORS)
    return [part.strip() for part in parts if part.strip()]


def _split(text: str, limit: int, separators: tuple[str, ...]) -> list[str]:
    if size(text) <= limit:
        return [text]
    if not separators:
        return _cut(text, limit)
    separator, finer = separators[0], separators[1:]
    parts: list[str] = []
    current, current_size = "", 0
    for piece in text.split(separator):
        piece_size = size(piece)
        joined = current_size + size(separator) + piece_size if current else piece_size
        if joined <= limit:
            current = current + separator + piece if current else piece
            current_size = joined
            continue
        if current:
            parts.append(current)
        pieces = [piece] if piece_size <= limit else _split(piece, limit, finer)
        parts.extend(pieces[:-1])
        current, current_size = pieces[-1], size(pieces[-1])
    if current:
        parts.append(current)
    return parts


def _cut(text: str, limit: int) -> list[str]:
    """A text with no place to split, cut by characters, never before a combining mark."""
    parts: list[str] = []
    start = 0
    while start < len(text):
        end, used = start, 0
        while end < len(text) and used + size(text[end]) <= limit:
            used += size(text[end])
            end += 1
        # Keep a base letter with the accents that follow it (Vietnamese in NFD form).
        while start + 1 < end < len(text) and unicodedata.combining(text[end]):
            end -= 1
        end = max(end, start + 1)  # a limit below one character still moves on
        parts.append(text[start:end])
        start = end
    return parts
