"""The web chat served over real HTTP on a fake Rasa, its store and a clock tests move."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.notify.local_inbox import LocalInbox
from bot.store.database import make_engine
from bot.store.shared_sql import SqlState
from bot.webchat.app import create_app
from bot.webchat.sessions import TOKEN_HEADER, WebSessions
from bot.webchat.settings import WebChatSettings
from tests.support.databases import migrated_sqlite
from tests.support.served import WAIT, served_in_thread

# Fixed, so that parameters made from it read the same in every xdist worker.
SECRET = "web-chat-secret-for-the-tests-only-0123456789"
SESSIONS = WebSessions(SECRET)
# What the page tells Rasa of every message: it comes from a local chat.
LOCAL_CHAT = {"channel": "local"}
SENDER = "web-0123456789abcdef"
# What the page of SENDER sends with each call.
OWN = {TOKEN_HEADER: SESSIONS.token_for(SENDER)}
MENU = "menu"
MENU_REPLY = [
    {
        "recipient_id": SENDER,
        "text": "Anh/chị có muốn tạo phiếu hỗ trợ không ạ?",
        "buttons": [
            {"title": "Tạo phiếu hỗ trợ", "payload": "/affirm"},
            {"title": "Không, cảm ơn", "payload": "/deny"},
        ],
    }
]


class FakeRasa:
    """Rasa's REST channel: records each turn; answers MENU with buttons, the rest with itself."""

    def __init__(self) -> None:
        self.turns: list[dict[str, Any]] = []
        self.down = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("refused")
        body = json.loads(request.content)
        self.turns.append(body)
        if body["message"] == MENU:
            return httpx.Response(200, json=MENU_REPLY)
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": body["message"]}])

    @property
    def messages(self) -> list[str]:
        """The text of each turn Rasa got, in order."""
        return [turn["message"] for turn in self.turns]

    def client(self) -> httpx.AsyncClient:
        """An httpx client on this fake, with the base URL Rasa would have."""
        return httpx.AsyncClient(transport=httpx.MockTransport(self), base_url="http://rasa")


class Clock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(migrated_sqlite(tmp_path / "helpdesk.db"))
    yield engine
    engine.dispose()


@pytest.fixture
def inbox(engine: Engine) -> LocalInbox:
    return LocalInbox(engine)


def web_settings(**limits: int) -> WebChatSettings:
    """The web chat's settings under SECRET, with `limits` (messages a minute) if given."""
    return WebChatSettings(secret=SecretStr(SECRET), **limits)


Serve = Callable[..., AbstractContextManager[httpx.Client]]


@pytest.fixture
def serve(rasa: FakeRasa, inbox: LocalInbox, clock: Clock) -> Serve:
    """Serve the web chat under uvicorn, limited as told (`sender_per_minute=2`); a client."""

    @contextmanager
    def served(**limits: int) -> Iterator[httpx.Client]:
        state = SqlState(inbox.engine, clock=clock)
        app = create_app(http=rasa.client(), inbox=inbox, web=web_settings(**limits), state=state)
        with (
            served_in_thread(app, lifespan="on") as url,
            httpx.Client(base_url=url, timeout=WAIT) as client,
        ):
            yield client

    return served


@pytest.fixture
def web(serve: Serve) -> Iterator[httpx.Client]:
    """The web chat with the default limits, over real HTTP."""
    with serve() as client:
        yield client
