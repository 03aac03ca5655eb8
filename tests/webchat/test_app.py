import json

import httpx
import pytest
from starlette.testclient import TestClient

from bot.webchat.app import create_app

SENDER = "web-0123456789abcdef"


def client_with(handler) -> TestClient:  # type: ignore[no-untyped-def]
    rasa = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://rasa")
    return TestClient(create_app(http=rasa))


def echo(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": body["message"]}])


def test_page_is_served_in_vietnamese() -> None:
    with client_with(echo) as client:
        page = client.get("/")
    assert page.status_code == 200
    assert "Trợ lý hỗ trợ phần mềm dùng chung" in page.text
    assert "$" + "title" not in page.text


def test_a_message_is_passed_to_rasa_and_its_replies_returned() -> None:
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
def test_bad_input_gets_a_clear_vietnamese_error(body: object) -> None:
    with client_with(echo) as client:
        response = client.post("/api/messages", json=body)
    assert response.status_code == 400
    assert response.json()["error"]


def test_rasa_down_gets_an_apology_not_a_crash() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    with client_with(down) as client:
        response = client.post("/api/messages", json={"sender": SENDER, "text": "chào"})
    assert response.status_code == 503
    assert "Xin lỗi" in response.json()["error"]
