import asyncio
import io
import json
import time
from pathlib import Path

import httpx
import pytest

from bot.chat import terminal
from bot.messages import Button, OutgoingMessage
from bot.notify.local_inbox import LocalInbox
from bot.rasa import RasaClient, RasaUnavailable
from bot.store.database import make_engine, migrate

TOKEN = "t" * 43


def rasa_answering(
    replies: dict[str, list[dict[str, object]]],
    seen: list[str],
    tokens: list[str | None] | None = None,
) -> httpx.MockTransport:
    """A fake Rasa REST channel that answers by the message text; keeps each `Authorization`
    in `tokens`."""

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/webhooks/rest/webhook"
        if tokens is not None:
            tokens.append(request.headers.get("Authorization"))
        body = json.loads(request.content)
        seen.append(body["message"])
        return httpx.Response(200, json=replies.get(body["message"], [{"text": "?"}]))

    return httpx.MockTransport(handler)


async def test_client_returns_the_assistants_messages() -> None:
    seen: list[str] = []
    transport = rasa_answering({"chào": [{"text": "Xin chào"}]}, seen)
    async with httpx.AsyncClient(transport=transport, base_url="http://rasa") as http:
        assert await RasaClient(http).send("u1", "chào") == [{"text": "Xin chào"}]


@pytest.mark.parametrize(
    "response",
    [httpx.Response(500, text="boom"), httpx.Response(200, json={"not": "a list"})],
)
async def test_client_reports_an_unusable_answer_as_unavailable(response: httpx.Response) -> None:
    transport = httpx.MockTransport(lambda request: response)
    async with httpx.AsyncClient(transport=transport, base_url="http://rasa") as http:
        with pytest.raises(RasaUnavailable):
            await RasaClient(http).send("u1", "chào")


async def test_client_reports_a_dead_server_as_unavailable() -> None:
    async with httpx.AsyncClient(base_url="http://127.0.0.1:9", timeout=1) as http:
        with pytest.raises(RasaUnavailable):
            await RasaClient(http).send("u1", "chào")


def test_buttons_are_numbered_after_the_text() -> None:
    shown, payloads = terminal.render(
        [
            {
                "text": "Chọn:",
                "buttons": [{"title": "A", "payload": "/a"}, {"title": "B", "payload": "/b"}],
            }
        ],
        "Trợ lý",
    )
    assert shown == "Trợ lý: Chọn:\n  [1] A\n  [2] B"
    assert payloads == ["/a", "/b"]


async def test_typing_a_button_number_sends_its_payload_with_the_channel_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []
    tokens: list[str | None] = []
    transport = rasa_answering(
        {"hỏi": [{"text": "Chọn:", "buttons": [{"title": "A", "payload": "/kb_a"}]}]},
        seen,
        tokens,
    )
    real_client = httpx.AsyncClient

    def fake_client(**kwargs: object) -> httpx.AsyncClient:
        return real_client(transport=transport, base_url="http://rasa")

    monkeypatch.setattr("bot.chat.terminal.httpx.AsyncClient", fake_client)
    out = io.StringIO()
    await terminal.chat("http://rasa", TOKEN, io.StringIO("hỏi\n1\n/thoat\n"), out)
    assert seen == ["hỏi", "/kb_a"]
    assert tokens == [f"Bearer {TOKEN}"] * 2
    assert "[1] A" in out.getvalue()


class WaitingInput(io.StringIO):
    """Lines typed by someone who reads the screen: each waits until `out` shows its cue.

    A StringIO, so the TextIO that `chat` reads; `readline` carries the ignore typeshed puts on
    StringIO's own, whose byte-stream base class says it returns bytes.
    """

    def __init__(self, out: io.StringIO, script: list[tuple[str, str]]) -> None:
        super().__init__()
        self._out = out
        self._script = list(script)

    def readline(self, size: int = -1, /) -> str:  # type: ignore[override]  # as StringIO's
        if not self._script:
            return ""
        cue, line = self._script.pop(0)
        deadline = time.monotonic() + 5
        while cue not in self._out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        return line


async def test_a_pushed_notice_is_printed_while_waiting_for_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[str] = []
    transport = rasa_answering({}, seen)
    real_client = httpx.AsyncClient

    def fake_client(**kwargs: object) -> httpx.AsyncClient:
        return real_client(transport=transport, base_url="http://rasa")

    monkeypatch.setattr("bot.chat.terminal.httpx.AsyncClient", fake_client)
    url = f"sqlite:///{tmp_path / 'helpdesk.db'}"
    migrate(url)
    engine = make_engine(url)
    inbox = LocalInbox(engine)
    sender = "terminal-0123456789ab"
    inbox.store(sender, OutgoingMessage("Cán bộ hỗ trợ đã trả lời phiếu HT-000001 (Lỗi): Xong."))
    inbox.store("terminal-ffffffffffff", OutgoingMessage("Tin của người khác"))
    notice = OutgoingMessage("Phiếu HT-000001 đã đóng.", (Button("Cảm ơn", "/thank"),))
    out = io.StringIO()

    async def push_later() -> None:
        while "Xong." not in out.getvalue():
            await asyncio.sleep(0.01)
        inbox.store(sender, notice)

    lines = WaitingInput(out, [("[1] Cảm ơn", "1\n"), ("?", "/thoat\n")])
    pusher = asyncio.create_task(push_later())
    await asyncio.wait_for(
        terminal.chat(
            "http://rasa", TOKEN, lines, out, inbox=inbox, sender=sender, poll_seconds=0.02
        ),
        10,
    )
    await pusher
    engine.dispose()

    shown = out.getvalue()
    assert "Trợ lý: Cán bộ hỗ trợ đã trả lời phiếu HT-000001 (Lỗi): Xong." in shown
    assert "Trợ lý: Phiếu HT-000001 đã đóng.\n  [1] Cảm ơn" in shown
    assert shown.count("Xong.") == 1
    assert "người khác" not in shown
    assert seen == ["/thank"]  # the notice's button, picked by its number
