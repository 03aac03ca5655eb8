"""The web chat over real HTTP: its page, messages to Rasa, typed text, buttons and the inbox.

The guards before a message reaches Rasa (tokens, capped bodies, rate limits) are in
test_app_guards.py.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from bot.messages import Button, OutgoingMessage
from bot.notify.local_inbox import InboxMessage, LocalInbox
from bot.settings import WEBCHAT_SECRET, settings_problems
from bot.settings import say as reason
from bot.store.database import make_engine
from bot.store.shared_settings import SharedStateSettings
from bot.texts import texts
from bot.webchat.app import create_app
from bot.webchat.sessions import WebSessions
from tests.webchat.conftest import LOCAL_CHAT, MENU, OWN, SENDER, SESSIONS, FakeRasa, web_settings

WORDS = texts("bot.chat")


def say(web: httpx.Client, text: str) -> httpx.Response:
    return web.post("/api/messages", json={"sender": SENDER, "text": text}, headers=OWN)


def choose(web: httpx.Client, choice: object) -> httpx.Response:
    return web.post("/api/messages", json={"sender": SENDER, "choice": choice}, headers=OWN)


def test_page_is_served_in_vietnamese_and_sends_its_token_and_choices(web: httpx.Client) -> None:
    page = web.get("/")
    assert page.status_code == 200
    assert "Trợ lý hỗ trợ phần mềm dùng chung" in page.text
    assert "$" + "title" not in page.text
    assert "api/inbox?sender=" in page.text and "setTimeout(poll, 3000)" in page.text
    assert 'fetch("api/session"' in page.text and '"X-Chat-Token": token' in page.text
    assert "choice: button.choice" in page.text and "button.payload" not in page.text


def test_a_message_is_passed_to_rasa_and_its_replies_returned(
    web: httpx.Client, rasa: FakeRasa
) -> None:
    response = say(web, "quên mk")
    assert response.status_code == 200
    assert response.json() == {"messages": [{"recipient_id": SENDER, "text": "quên mk"}]}
    assert rasa.turns == [{"sender": SENDER, "message": "quên mk", "metadata": LOCAL_CHAT}]


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"sender": SENDER, "text": "   "}, "web.empty"),
        ({"sender": SENDER, "text": "/ "}, "web.empty"),
        ({"sender": SENDER, "text": 5}, "web.empty"),
        ({"sender": SENDER}, "web.empty"),
        ({"sender": SENDER, "text": "x" * 4001}, "web.too_long"),
        (["not", "an", "object"], "web.empty"),
    ],
)
def test_bad_input_gets_a_clear_vietnamese_error(
    web: httpx.Client, rasa: FakeRasa, body: object, key: str
) -> None:
    response = web.post("/api/messages", json=body, headers=OWN)
    assert response.status_code == 400
    assert response.json() == {"error": WORDS.say(key, limit=4000)}
    assert rasa.turns == []


def test_a_body_that_is_not_json_gets_the_vietnamese_error(web: httpx.Client) -> None:
    response = web.post("/api/messages", content=b"[" * 40_000, headers=OWN)
    assert response.status_code == 400
    assert response.json() == {"error": WORDS.say("web.empty")}


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("/request_human", "request_human"),
        ('  /kb_qlvb.quen_mat_khau{"x": 1}', 'kb_qlvb.quen_mat_khau{"x": 1}'),
        ("// / affirm", "affirm"),
        ("quên mk / qlvb", "quên mk / qlvb"),
    ],
)
def test_typed_text_reaches_rasa_as_words_never_as_an_intent(
    web: httpx.Client, rasa: FakeRasa, typed: str, sent: str
) -> None:
    assert say(web, typed).status_code == 200
    assert rasa.messages == [sent]


def test_buttons_reach_the_page_as_signed_choices_without_their_payloads(
    web: httpx.Client,
) -> None:
    buttons = say(web, MENU).json()["messages"][0]["buttons"]

    assert [b["title"] for b in buttons] == ["Tạo phiếu hỗ trợ", "Không, cảm ơn"]
    assert all(set(b) == {"title", "choice"} for b in buttons)
    assert [SESSIONS.payload_of(SENDER, b["choice"]) for b in buttons] == ["/affirm", "/deny"]


def test_a_button_choice_reaches_rasa_as_its_payload(web: httpx.Client, rasa: FakeRasa) -> None:
    buttons = say(web, MENU).json()["messages"][0]["buttons"]

    response = choose(web, buttons[1]["choice"])

    assert response.status_code == 200
    assert rasa.messages == [MENU, "/deny"]


# The "/deny" button's signature under another payload.
_WANTED, _SIGNED = (
    SESSIONS.choice_for(SENDER, "/request_human"),
    SESSIONS.choice_for(SENDER, "/deny"),
)
# Choices the page could send that the server never gave SENDER.
FORGED = {
    "another-senders": SESSIONS.choice_for("web-ffffffffffffffff", "/request_human"),
    "another-secret": WebSessions("o" * 43).choice_for(SENDER, "/request_human"),
    "payload-swapped": f"{_WANTED.split('.')[0]}.{_SIGNED.split('.')[1]}",
    "a-payload": "/request_human",
    "empty": "",
    "a-number": 5,
    "null": None,
    "an-object": {"payload": "/request_human"},
}


@pytest.mark.parametrize("choice", FORGED.values(), ids=FORGED.keys())
def test_a_forged_choice_is_refused_and_nothing_reaches_rasa(
    web: httpx.Client, rasa: FakeRasa, choice: object
) -> None:
    response = choose(web, choice)

    if choice is None:  # no choice at all: a message without text
        assert response.json() == {"error": WORDS.say("web.empty")}
    else:
        assert response.json() == {"error": WORDS.say("web.expired_choice")}
    assert response.status_code == 400
    assert rasa.turns == []


def test_rasa_down_gets_an_apology_not_a_crash(web: httpx.Client, rasa: FakeRasa) -> None:
    rasa.down = True
    response = say(web, "chào")
    assert response.status_code == 503
    assert "Xin lỗi" in response.json()["error"]


def test_the_inbox_returns_the_senders_notices_after_the_last_one_shown(
    web: httpx.Client, inbox: LocalInbox
) -> None:
    first = inbox.store(SENDER, OutgoingMessage("Phiếu HT-000001: Đang xử lý"))
    inbox.store("web-ffffffffffffffff", OutgoingMessage("Tin của người khác"))
    second = inbox.store(
        SENDER, OutgoingMessage("Cán bộ hỗ trợ đã trả lời", (Button("Cảm ơn", "/thank"),))
    )

    def fetch(after: int | None = None) -> dict[str, object]:
        params = {"sender": SENDER} if after is None else {"sender": SENDER, "after": str(after)}
        response = web.get("/api/inbox", params=params, headers=OWN)
        assert response.status_code == 200
        body: dict[str, object] = response.json()
        return body

    everything, rest = fetch(after=0), fetch(after=first)
    nothing, default = fetch(after=second), fetch()

    assert [m["id"] for m in everything["messages"]] == [first, second]  # type: ignore[attr-defined]
    assert everything["last"] == second
    thanks = SESSIONS.choice_for(SENDER, "/thank")
    assert rest == {
        "messages": [
            {
                "id": second,
                "text": "Cán bộ hỗ trợ đã trả lời",
                "buttons": [{"title": "Cảm ơn", "choice": thanks}],
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
    web: httpx.Client, params: dict[str, str]
) -> None:
    response = web.get("/api/inbox", params=params, headers=OWN)
    assert response.status_code == 400
    assert response.json() == {"error": WORDS.say("web.inbox_invalid")}


def test_a_broken_store_gets_an_apology(engine: Engine, rasa: FakeRasa) -> None:
    class Broken(LocalInbox):
        def fetch(self, recipient: str, after_id: int = 0, limit: int = 50) -> list[InboxMessage]:
            raise OperationalError("SELECT", {}, Exception("database is locked"))

    app = create_app(http=rasa.client(), inbox=Broken(engine), web=web_settings())
    with TestClient(app) as client:
        response = client.get("/api/inbox", params={"sender": SENDER, "after": 0}, headers=OWN)
    assert response.status_code == 503
    assert response.json() == {"error": WORDS.say("web.inbox_unavailable")}


def test_without_an_inbox_the_app_migrates_the_store_of_its_settings(
    tmp_path: Path, rasa: FakeRasa
) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'helpdesk.db'}"
    store = SharedStateSettings(database_url=url)
    with TestClient(create_app(http=rasa.client(), store=store, web=web_settings())) as client:
        response = client.get("/api/inbox", params={"sender": SENDER, "after": 0}, headers=OWN)
    assert response.json() == {"messages": [], "last": 0}
    engine = make_engine(url)
    assert "local_messages" in inspect(engine).get_table_names()
    engine.dispose()


def test_without_web_settings_the_secret_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, inbox: LocalInbox, rasa: FakeRasa
) -> None:
    secret = web_settings().secret.get_secret_value()
    monkeypatch.setenv(WEBCHAT_SECRET, secret)
    with TestClient(create_app(http=rasa.client(), inbox=inbox)) as client:
        response = client.get("/api/inbox", params={"sender": SENDER}, headers=OWN)
    assert response.status_code == 200

    monkeypatch.delenv(WEBCHAT_SECRET)
    with pytest.raises(ValidationError) as refusal:
        create_app(http=rasa.client(), inbox=inbox)
    assert settings_problems(refusal.value) == [f"{WEBCHAT_SECRET}: " + reason("pydantic.missing")]
