"""The legitimate traffic of the hostile campaign: what must get through, exactly once.

Why it looks like this:
- Officials use the web chat as its page does (a session, a question, a button pressed through
  its signed choice, an inbox read), each from an address of their own, as behind a reverse
  proxy; the flood comes from other addresses, so the rate limits are tried without starving
  them. Every one of their calls must answer 200.
- Zalo and Telegram deliveries are signed (or carry the secret) as the real services do; the
  flood replays them later, and each must still reach the assistant once.
- The staff member signs in before the guessing starts: the lock-out it triggers is meant to
  hold back whoever guesses, and a session opened before it stays valid.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass, field

import httpx

from benchmarks.hostile_fakes import ASK
from bot.channels.telegram.service import SECRET_HEADER
from bot.channels.zalo.signature import HEADER as ZALO_SIGNATURE
from bot.channels.zalo.signature import sign
from bot.webchat.sessions import TOKEN_HEADER

_CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')
Outcome = tuple[str, str, str, bool]  # route, kind, status (or the error's name), as expected


@dataclass
class Legit:
    """What the legitimate traffic sent, to check what reached the assistant and the desk."""

    texts: list[str] = field(default_factory=list)  # each must reach Rasa exactly once
    escalations: int = 0  # buttons pressed to open a ticket
    outcomes: list[Outcome] = field(default_factory=list)


async def call(
    http: httpx.AsyncClient,
    route: str,
    method: str,
    path: str,
    legit: Legit,
    expected: int = 200,
    **options: object,
) -> httpx.Response | None:
    """One legitimate request, its outcome recorded; None when it did not answer."""
    route = ("desk " if route.startswith("GET /desk") or "/desk/" in route else "gateway ") + route
    try:
        response = await http.request(method, path, **options)  # type: ignore[arg-type]
    except httpx.HTTPError as error:
        legit.outcomes.append((route, "legit", type(error).__name__, False))
        return None
    legit.outcomes.append(
        (route, "legit", str(response.status_code), response.status_code == expected)
    )
    return response


async def official(http: httpx.AsyncClient, number: int, press: bool, legit: Legit) -> str:
    """One official on the web chat: a question, maybe the ticket button, an inbox read.

    The choice of the button shown (whether pressed or not), for the flood to replay.
    """
    proxy = {"X-Forwarded-For": f"10.9.{number // 250}.{number % 250 + 1}"}
    opened = await call(http, "POST /api/session", "POST", "/api/session", legit, headers=proxy)
    if opened is None or opened.status_code != 200:
        return ""
    sender, token = opened.json()["sender"], opened.json()["token"]
    headers = {**proxy, TOKEN_HEADER: token}
    text = f"{ASK} số {number}: quên mật khẩu qlvb"
    legit.texts.append(text)
    said = await call(
        http,
        "POST /api/messages",
        "POST",
        "/api/messages",
        legit,
        headers=headers,
        json={"sender": sender, "text": text},
    )
    choices = (
        [
            b["choice"]
            for m in (said.json()["messages"] if said else [])
            for b in m.get("buttons") or []
        ]
        if said is not None and said.status_code == 200
        else []
    )
    if press and choices:
        legit.escalations += 1
        await call(
            http,
            "POST /api/messages",
            "POST",
            "/api/messages",
            legit,
            headers=headers,
            json={"sender": sender, "choice": choices[0]},
        )
    await call(
        http,
        "GET /api/inbox",
        "GET",
        "/api/inbox",
        legit,
        headers=headers,
        params={"sender": sender, "after": 0},
    )
    return choices[0] if choices else ""


async def zalo_event(
    http: httpx.AsyncClient, app_id: str, key: str, number: int, legit: Legit
) -> tuple[bytes, str]:
    """A message from an official on Zalo, delivered once; the delivery, for replaying."""
    text = f"tin Zalo hợp lệ số {number}"
    legit.texts.append(text)
    stamp = str(int(time.time() * 1000))
    event = {
        "app_id": app_id,
        "event_name": "user_send_text",
        "timestamp": stamp,
        "sender": {"id": f"80000{number}"},
        "recipient": {"id": "oa"},
        "message": {"msg_id": secrets.token_hex(16), "text": text},
    }
    body = json.dumps(event, ensure_ascii=False).encode()
    signature = sign(app_id, body, stamp, key)
    await call(
        http,
        "POST /zalo",
        "POST",
        "/zalo",
        legit,
        content=body,
        headers={ZALO_SIGNATURE: signature, "Content-Type": "application/json"},
    )
    return body, signature


async def telegram_update(http: httpx.AsyncClient, secret: str, number: int, legit: Legit) -> bytes:
    """A message from an official on Telegram, delivered once; the delivery, for replaying."""
    text = f"tin Telegram hợp lệ số {number}"
    legit.texts.append(text)
    person = {"id": 7000 + number, "is_bot": False, "first_name": "Lan"}
    update = {
        "update_id": 500 + number,
        "message": {
            "message_id": number + 1,
            "date": int(time.time()),
            "text": text,
            "from": person,
            "chat": {"id": 7000 + number, "type": "private", "first_name": "Lan"},
        },
    }
    body = json.dumps(update, ensure_ascii=False).encode()
    await call(
        http,
        "POST /telegram",
        "POST",
        "/telegram",
        legit,
        content=body,
        headers={SECRET_HEADER: secret, "Content-Type": "application/json"},
    )
    return body


async def login_form(desk: httpx.AsyncClient, legit: Legit) -> tuple[str, str]:
    """The sign-in page, public: its nonce cookie and CSRF token."""
    page = await call(desk, "GET /desk/login", "GET", "/desk/login", legit)
    found = _CSRF.search(page.text) if page is not None else None
    nonce = (page.cookies.get("desk_login") if page is not None else None) or ""
    return nonce, (found.group(1) if found else "")


async def staff_sign_in(desk: httpx.AsyncClient, password: str, legit: Legit) -> str:
    """The first admin signs in from the office's address; the session cookie."""
    nonce, csrf = await login_form(desk, legit)
    form = {"login": "quantri", "password": password, "csrf": csrf}
    signed = await call(
        desk,
        "POST /desk/login",
        "POST",
        "/desk/login",
        legit,
        expected=303,
        data=form,
        headers={"X-Forwarded-For": "10.20.0.1", "Cookie": f"desk_login={nonce}"},
    )
    return (signed.cookies.get("desk_session") if signed is not None else None) or ""
