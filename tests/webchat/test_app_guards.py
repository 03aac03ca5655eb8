"""The web chat's guards over real HTTP: a session's token, capped bodies and rate limits.

Nothing here sleeps: the rate limits read the clock the tests move, and a body that is never
finished shows it was refused without being read whole.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from bot.messages import OutgoingMessage
from bot.notify.local_inbox import LocalInbox
from bot.store.database import make_engine
from bot.store.shared_sql import SqlState
from bot.texts import texts
from bot.webchat.app import MAX_BODY, create_app
from bot.webchat.sessions import SENDER as SENDER_SHAPE
from bot.webchat.sessions import TOKEN_HEADER
from tests.support.databases import migrated_sqlite
from tests.support.served import WAIT, served_in_thread
from tests.webchat.conftest import (
    LOCAL_CHAT,
    OWN,
    SENDER,
    SESSIONS,
    Clock,
    FakeRasa,
    Serve,
    web_settings,
)

WORDS = texts("bot.chat")
FORBIDDEN = {"error": WORDS.say("web.forbidden")}
PRIVATE = "Cán bộ hỗ trợ đã trả lời phiếu HT-000007: mật khẩu tạm là Abc@12345"


def session(web: httpx.Client) -> dict[str, str]:
    """A new session, as the page asks for one: its sender and the header carrying its token."""
    body = web.post("/api/session").json()
    return {"sender": body["sender"], TOKEN_HEADER: body["token"]}


def post(web: httpx.Client, page: dict[str, str], text: str) -> httpx.Response:
    """`text` sent from the page holding `page`."""
    headers = {TOKEN_HEADER: page[TOKEN_HEADER]}
    return web.post("/api/messages", json={"sender": page["sender"], "text": text}, headers=headers)


def test_a_session_is_a_new_sender_with_its_token_never_cached(web: httpx.Client) -> None:
    first, second = web.post("/api/session"), web.post("/api/session")

    assert first.status_code == second.status_code == 200
    assert first.headers["cache-control"] == "no-store"
    assert first.json()["sender"] != second.json()["sender"]
    for body in (first.json(), second.json()):
        assert SENDER_SHAPE.fullmatch(body["sender"])
        assert SESSIONS.valid(body["sender"], body["token"])


def test_an_outsider_without_the_token_cannot_read_another_senders_inbox(
    web: httpx.Client, inbox: LocalInbox
) -> None:
    inbox.store(SENDER, OutgoingMessage(PRIVATE))
    outsider = session(web)
    tries = [
        ({}, 401),
        ({TOKEN_HEADER: ""}, 401),
        ({TOKEN_HEADER: outsider[TOKEN_HEADER]}, 403),
        ({TOKEN_HEADER: "x" * 43}, 403),
    ]
    for headers, status in tries:
        response = web.get("/api/inbox", params={"sender": SENDER, "after": 0}, headers=headers)
        assert (response.status_code, response.json()) == (status, FORBIDDEN)
        assert "Abc@12345" not in response.text

    own = web.get("/api/inbox", params={"sender": SENDER, "after": 0}, headers=OWN)
    assert [m["text"] for m in own.json()["messages"]] == [PRIVATE]


def test_an_outsider_without_the_token_cannot_write_as_another_sender(
    web: httpx.Client, rasa: FakeRasa
) -> None:
    outsider = session(web)
    tries = [
        ({"sender": SENDER}, {}, 401),
        ({"sender": SENDER}, {TOKEN_HEADER: outsider[TOKEN_HEADER]}, 403),
        ({"sender": SENDER}, {TOKEN_HEADER: "x" * 43}, 403),
        ({"sender": "../../etc"}, OWN, 403),
        ({}, OWN, 403),
    ]
    for body, headers, status in tries:
        response = web.post("/api/messages", json={**body, "text": "chào"}, headers=headers)
        assert (response.status_code, response.json()) == (status, FORBIDDEN)

    assert rasa.turns == []


def test_an_old_page_with_a_sender_and_no_token_is_told_to_start_again_and_can(
    web: httpx.Client, rasa: FakeRasa
) -> None:
    old = web.post("/api/messages", json={"sender": SENDER, "text": "chào"})
    assert (old.status_code, old.json()) == (401, FORBIDDEN)
    assert "tải lại trang" in old.json()["error"]

    page = session(web)
    assert post(web, page, "chào").status_code == 200
    assert rasa.turns == [{"sender": page["sender"], "message": "chào", "metadata": LOCAL_CHAT}]


def answer_to_raw_request(url: str, head: list[str], parts: list[bytes]) -> tuple[int, object]:
    """Send a request's `head` and the `parts` of its body over a socket, never finishing the
    body; the status and body of the answer, which must come anyway."""
    where = urlsplit(url)
    lines = [*head, f"Host: {where.netloc}", "Content-Type: application/json", "", ""]
    assert where.port is not None
    with socket.create_connection((where.hostname, where.port), timeout=WAIT) as sock:
        sock.sendall("\r\n".join(lines).encode("ascii"))
        for part in parts:
            sock.sendall(part)
        received = b""
        while b"\r\n\r\n" not in received:
            received += sock.recv(65536) or _closed()
        headers, _, body = received.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in headers.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        while len(body) < length:
            body += sock.recv(65536) or _closed()
    return int(headers.split(b" ")[1]), json.loads(body)


def _closed() -> bytes:
    raise AssertionError("the server closed the connection without an answer")


@pytest.mark.parametrize(
    ("token", "status", "key"),
    [(OWN[TOKEN_HEADER], 413, "web.too_large"), (None, 401, "web.forbidden")],
    ids=["with-the-token", "without"],
)
def test_a_body_declared_too_large_is_refused_before_it_is_read(
    serve: Serve, rasa: FakeRasa, token: str | None, status: int, key: str
) -> None:
    auth = [f"{TOKEN_HEADER}: {token}"] if token else []
    with serve() as web:
        head = ["POST /api/messages HTTP/1.1", *auth, "Content-Length: 100000000"]
        answer = answer_to_raw_request(str(web.base_url), head, [b'{"sender": "' + b"x" * 1024])

    assert answer == (status, {"error": WORDS.say(key)})
    assert rasa.turns == []


def test_a_body_sent_in_chunks_is_cut_off_as_soon_as_it_passes_the_cap(
    serve: Serve, rasa: FakeRasa
) -> None:
    chunk = b"x" * 4096
    count = MAX_BODY // len(chunk) + 1  # past the cap, and the final empty chunk never sent
    parts = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * count
    with serve() as web:
        head = ["POST /api/messages HTTP/1.1", f"{TOKEN_HEADER}: {OWN[TOKEN_HEADER]}"]
        answer = answer_to_raw_request(
            str(web.base_url), [*head, "Transfer-Encoding: chunked"], parts
        )

    assert answer == (413, {"error": WORDS.say("web.too_large")})
    assert rasa.turns == []


def test_the_rate_limit_answers_429_then_admits_after_the_clock_moves(
    serve: Serve, clock: Clock, rasa: FakeRasa
) -> None:
    with serve(sender_per_minute=2) as web:
        page = session(web)
        sent = [post(web, page, text).status_code for text in ("một", "hai")]
        refused = post(web, page, "ba")
        clock.now += 29
        still = post(web, page, "ba")
        clock.now += 1
        later = post(web, page, "bốn")

    assert sent == [200, 200]
    assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
    assert refused.json() == {"error": WORDS.say("web.rate_limited", seconds=30)}
    assert (still.status_code, still.headers["retry-after"]) == (429, "1")
    assert later.status_code == 200
    assert rasa.messages == ["một", "hai", "bốn"]


def test_pages_behind_one_address_share_its_limit(serve: Serve) -> None:
    with serve(address_per_minute=2) as web:
        statuses = [post(web, session(web), "chào").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_calls_refused_for_a_wrong_token_spend_nothing_of_the_senders_limit(
    serve: Serve,
) -> None:
    with serve(sender_per_minute=1) as web:
        forged = {"sender": SENDER, TOKEN_HEADER: session(web)[TOKEN_HEADER]}
        refused = [post(web, forged, "chào").status_code for _ in range(3)]
        own = post(web, {"sender": SENDER, **OWN}, "chào")

    assert refused == [403, 403, 403]
    assert own.status_code == 200


def test_when_the_rate_limits_cannot_be_read_the_message_gets_an_apology(
    tmp_path: Path, rasa: FakeRasa
) -> None:
    migrated = make_engine(migrated_sqlite(tmp_path / "inbox.db"))
    unmigrated = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")  # no shared_state table
    try:
        app = create_app(
            http=rasa.client(),
            inbox=LocalInbox(migrated),
            web=web_settings(),
            state=SqlState(unmigrated),
        )
        with served_in_thread(app, lifespan="on") as url, httpx.Client(base_url=url) as web:
            answer = post(web, session(web), "xin chào")
    finally:
        migrated.dispose()
        unmigrated.dispose()

    assert answer.status_code == 503
    assert answer.json() == {"error": WORDS.say("web.unavailable")}
    assert rasa.turns == []
