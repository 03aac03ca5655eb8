"""The campaign's hostile requests to the desk: its API (bearer tokens) and its staff page.

Why it looks like this:
- The API is called by the assistant's own processes only, so the shots try what leaks past
  them: no token, a short or wrong one, the assistant's token on a staff route, and bodies no
  client of ours sends (malformed, oversized, injected, invalid), which must open no ticket.
- The staff page is tried as from a browser on the internet: guessed passwords (the throttle must
  lock the name and the address out), forged session cookies, and posts from a signed-in
  session without its CSRF token (a cross-site form), which must change nothing.
- Expected statuses follow bot/desk/app.py (a body over the cap is a 400 naming the limit) and
  bot/desk/session.py (no session: 303 to sign in; a wrong or missing CSRF token: 403).
"""

from __future__ import annotations

import json
import random
import secrets
from urllib.parse import urlencode

from benchmarks.hostile_shots import (
    FORM,
    HUGE,
    INJECTIONS,
    STREAMED,
    Known,
    Shot,
    address,
    route_of,
)

COOKIE = "desk_session"
LOGIN_COOKIE = "desk_login"


def _api(
    kind: str,
    method: str,
    path: str,
    expected: set[int],
    headers: list[tuple[str, str]],
    body: bytes | None = None,
    stream: int = 0,
) -> Shot:
    return Shot(
        "desk",
        route_of(method, path),
        kind,
        method,
        path,
        frozenset(expected),
        tuple(headers),
        body,
        stream,
    )


def api_tokens(k: Known, rng: random.Random) -> Shot:
    header = rng.choice(
        [
            [],
            [("Authorization", "Bearer")],
            [("Authorization", "Bearer x")],
            [("Authorization", "Bearer " + secrets.token_urlsafe(32))],
            [("Authorization", "Basic " + k.assistant_token)],
            [("Authorization", "Bearer " + k.assistant_token[:-1])],
            [("Authorization", "Bearer ' OR '1'='1")],
        ]
    )
    path = rng.choice(["/api/v1/tickets", f"/api/v1/tickets/{k.ticket}", "/api/v1/changes"])
    return _api("forged", "GET", path, {401}, header)


def api_wrong_role(k: Known, rng: random.Random) -> Shot:
    bearer = [("Authorization", f"Bearer {k.assistant_token}")]
    what = rng.choice(["replies", "status"])
    body = {"author": "Kẻ giả mạo", "text": "<script>x</script>", "status": "closed"}
    return _api(
        "forged",
        "POST",
        f"/api/v1/tickets/{k.ticket}/{what}",
        {403},
        bearer,
        json.dumps(body).encode(),
    )


def api_bodies(k: Known, rng: random.Random) -> Shot:
    bearer = [
        ("Authorization", f"Bearer {k.assistant_token}"),
        ("Idempotency-Key", "hostile-" + secrets.token_hex(8)),
    ]
    path = "/api/v1/tickets"
    choice = rng.randrange(5)
    if choice == 0:
        garbage = rng.choice([b"{", b"\xff\xfe", b"[" * 50000, b"null", b'"x"', b""])
        return _api("malformed", "POST", path, {400}, bearer, garbage)
    if choice == 1:
        return _api(
            "oversized_declared",
            "POST",
            path,
            {400},
            [*bearer, ("Content-Length", str(HUGE))],
            stream=HUGE,
        )
    if choice == 2:
        return _api("oversized_streamed", "POST", path, {400}, bearer, stream=STREAMED)
    # A ticket an attacker would want stored, each one invalid somewhere: none may be opened.
    ticket = {
        "summary": rng.choice(INJECTIONS)[:300],
        "content": rng.choice(INJECTIONS),
        "unit": "Sở'; DROP TABLE tickets;--",
        "requester": {"channel": "web", "user_id": "x"},
        "phone": rng.choice(["' OR 1=1 --", "0912345678\x00", "<b>09</b>", "+84912345678"]),
        "software": "qlvb",
        "urgency": "normal",
    }
    if choice == 3:
        ticket = {**ticket, "phone": "0912345678", "urgency": "'; DELETE FROM tickets; --"}
    body = json.dumps(ticket, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return _api("injected", "POST", path, {400}, bearer, body)


def api_lookups(k: Known, rng: random.Random) -> Shot:
    bearer = [("Authorization", f"Bearer {k.assistant_token}")]
    path, expected = rng.choice(
        [
            ("/api/v1/tickets/HT-000001'%20OR%20'1'='1", {404}),
            ("/api/v1/tickets/..%2f..%2fetc%2fpasswd", {404}),
            ("/api/v1/tickets?q=%27%20OR%201%3D1%20--", {200}),
            ("/api/v1/tickets?limit=-1", {400}),
            ("/api/v1/tickets?q=%00", {400}),
            ("/api/v1/changes?after=1%20OR%201%3D1", {400}),
            ("/api/v1/tickets?requester_id=" + "ế" * 5000, {200, 400}),
        ]
    )
    return _api("injected", "GET", path, expected, bearer)


def sign_in(k: Known, rng: random.Random) -> Shot:
    fields = {"login": "quantri", "password": secrets.token_urlsafe(12), "csrf": k.login_csrf}
    cookie = [("Cookie", f"{LOGIN_COOKIE}={k.login_cookie}")]
    choice = rng.randrange(4)
    if choice == 0:  # a guess: refused, then locked out (name and address throttles)
        return _page("guessed", "POST", "/desk/login", {403, 429}, [*cookie, address(rng)], fields)
    if choice == 1:
        return _page("forged", "POST", "/desk/login", {403}, cookie, {**fields, "csrf": "0" * 64})
    if choice == 2:
        return _page("forged", "POST", "/desk/login", {403}, [], fields)
    return Shot(
        "desk",
        "POST /desk/login",
        "oversized_streamed",
        "POST",
        "/desk/login",
        frozenset({413}),
        (("Content-Type", FORM), *cookie),
        stream=STREAMED,
    )


def staff_page(k: Known, rng: random.Random) -> Shot:
    real = [("Cookie", f"{COOKIE}={k.staff_cookie}")]
    forged = [
        ("Cookie", f"{COOKIE}={rng.choice([secrets.token_urlsafe(32), 'x', k.staff_cookie + 'A'])}")
    ]
    reply = {"text": "Phiếu đã xong <script>x</script>"}
    choice = rng.randrange(6)
    if choice == 0:
        return _page(
            "forged",
            "GET",
            rng.choice(["/desk", f"/desk/tickets/{k.ticket}"]),
            {303},
            rng.choice([[], forged]),
            {},
        )
    if choice == 1:  # a cross-site form from a signed-in browser: no token, or a made-up one
        csrf = rng.choice([{}, {"csrf": "0" * 64}, {"csrf": "' OR 1=1"}])
        return _page(
            "no_csrf", "POST", f"/desk/tickets/{k.ticket}/replies", {403}, real, {**reply, **csrf}
        )
    if choice == 2:
        return _page(
            "no_csrf", "POST", f"/desk/tickets/{k.ticket}/status", {403}, real, {"status": "closed"}
        )
    if choice == 3:
        return _page("no_csrf", "POST", "/desk/logout", {403}, real, {})
    if choice == 4:
        return _page(
            "forged",
            "POST",
            f"/desk/tickets/{k.ticket}/replies",
            {303},
            forged,
            {**reply, "csrf": "0" * 64},
        )
    return Shot(
        "desk",
        "POST /desk/tickets/{code}/replies",
        "oversized_streamed",
        "POST",
        f"/desk/tickets/{k.ticket}/replies",
        frozenset({413}),
        (("Content-Type", FORM), *real),
        stream=STREAMED,
    )


def _page(
    kind: str,
    method: str,
    path: str,
    expected: set[int],
    headers: list[tuple[str, str]],
    fields: dict[str, str],
) -> Shot:
    body = urlencode(fields).encode() if method == "POST" else None
    extra = [("Content-Type", FORM)] if method == "POST" else []
    headers = [*headers, *extra]
    return Shot(
        "desk", route_of(method, path), kind, method, path, frozenset(expected), (*headers,), body
    )
