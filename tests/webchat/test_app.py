import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from bot.messages import Button, OutgoingMessage
from bot.notify.local_inbox import InboxMessage, LocalInbox
from bot.settings import StoreSettings
from bot.store.database import make_engine
from bot.texts import texts
from bot.webchat.app import create_app
from tests.support.databases import migrated_sqlite

SENDER = "web-0123456789abcdef"

Handler = Callable[[httpx.Request], httpx.Response]
MakeClient = Callable[[Handler], TestClient]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(migrated_sqlite(tmp_path / "helpdesk.db"))
    yield engine
    engine.dispose()


@pytest.fixture
def inbox(engine: Engine) -> LocalInbox:
    return LocalInbox(engine)


@pytest.fixture
def client_with(inbox: LocalInbox) -> MakeClient:
    def make(handler: Handler) -> TestClient:
        rasa = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://rasa")
        return TestClient(create_app(http=rasa, inbox=inbox))

    return make


def echo(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": body["message"]}])


def test_page_is_served_in_vietnamese(client_with: MakeClient) -> None:
    with client_with(echo) as client:
        page = client.get("/")
    assert page.status_code == 200
    assert "Trợ lý hỗ trợ phần mềm dùng chung" in page.text
    assert "$" + "title" not in page.text
    assert "api/inbox?sender=" in page.text and "setTimeout(poll, 3000)" in page.text


def test_a_message_is_passed_to_rasa_and_its_replies_returned(client_with: MakeClient) -> None:
    with client_with(echo) as client:
        response = client.post("/api/messages", json={"sender": SENDER, "text": "quên mk"})
    assert response.status_code == 200
    assert response.json() == {"messages": [{"recipient_id": SENDER, "text": "quên mk"}]}


@pytest.mark.parametrize(
    "body",
    [
        {"sender": SENDER, "text": "   "},
        {"sender": SENDER, "text": "x" * 4001},
        {"sender": "../../etc", "text": "chào"},
        {"sender": SENDER},
        ["not", "an", "object"],
    ],
)
def test_bad_input_gets_a_clear_vietnamese_error(client_with: MakeClient, body: object) -> None:
    with client_with(echo) as client:
        response = client.post("/api/messages", json=body)
    assert response.status_code == 400
    assert response.json()["error"]


def test_rasa_down_gets_an_apology_not_a_crash(client_with: MakeClient) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with client_with(down) as client:
        response = client.post("/api/messages", json={"sender": SENDER, "text": "chào"})
    assert response.status_code == 503
    assert "Xin lỗi" in response.json()["error"]


def test_the_inbox_returns_the_senders_notices_after_the_last_one_shown(
    client_with: MakeClient,
    inbox: LocalInbox,
) -> None:
    first = inbox.store(SENDER, OutgoingMessage("Phiếu HT-000001: Đang xử lý"))
    inbox.store("web-ffffffffffffffff", OutgoingMessage("Tin của người khác"))
    second = inbox.store(
        SENDER, OutgoingMessage("Cán bộ hỗ trợ đã trả lời", (Button("Cảm ơn", "/thank"),))
    )
    with client_with(echo) as client:
        everything = client.get("/api/inbox", params={"sender": SENDER, "after": 0}).json()
        rest = client.get("/api/inbox", params={"sender": SENDER, "after": first}).json()
        nothing = client.get("/api/inbox", params={"sender": SENDER, "after": second}).json()
        default = client.get("/api/inbox", params={"sender": SENDER}).json()

    assert [m["id"] for m in everything["messages"]] == [first, second]
    assert everything["last"] == second
    assert rest == {
        "messages": [
            {
                "id": second,
                "text": "Cán bộ hỗ trợ đã trả lời",
                "buttons": [{"title": "Cảm ơn", "payload": "/thank"}],
            }
        ],
        "last": second,
    }
    assert nothing == {"messages": [], "last": second}
    assert default == everything


@pytest.mark.parametrize(
    "params",
    [
        {"after": "0"},
        {"sender": "../../etc", "after": "0"},
        {"sender": "terminal-0123456789ab", "after": "0"},
        {"sender": SENDER + "\n", "after": "0"},
        {"sender": SENDER, "after": "-1"},
        {"sender": SENDER, "after": "abc"},
        {"sender": SENDER, "after": "1e3"},
        {"sender": SENDER, "after": "²"},
        {"sender": SENDER, "after": "9" * 40},
    ],
)
def test_a_bad_inbox_request_gets_the_vietnamese_error(
    client_with: MakeClient,
    params: dict[str, str],
) -> None:
    with client_with(echo) as client:
        response = client.get("/api/inbox", params=params)
    assert response.status_code == 400
    assert response.json() == {"error": texts("bot.chat").say("web.inbox_invalid")}


def test_a_broken_store_gets_an_apology(engine: Engine) -> None:
    class Broken(LocalInbox):
        def fetch(self, recipient: str, after_id: int = 0, limit: int = 50) -> list[InboxMessage]:
            raise OperationalError("SELECT", {}, Exception("database is locked"))

    rasa = httpx.AsyncClient(transport=httpx.MockTransport(echo), base_url="http://rasa")
    with TestClient(create_app(http=rasa, inbox=Broken(engine))) as client:
        response = client.get("/api/inbox", params={"sender": SENDER, "after": 0})
    assert response.status_code == 503
    assert response.json() == {"error": texts("bot.chat").say("web.inbox_unavailable")}


def test_without_an_inbox_the_app_migrates_the_store_of_its_settings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'helpdesk.db'}"
    rasa = httpx.AsyncClient(transport=httpx.MockTransport(echo), base_url="http://rasa")
    app = create_app(http=rasa, store=StoreSettings(database_url=url))
    with TestClient(app) as client:
        response = client.get("/api/inbox", params={"sender": SENDER, "after": 0})
    assert response.json() == {"messages": [], "last": 0}
    engine = make_engine(url)
    assert "local_messages" in inspect(engine).get_table_names()
    engine.dispose()
