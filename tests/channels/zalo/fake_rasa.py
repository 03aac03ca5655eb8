"""A fake Rasa REST channel behind `httpx.MockTransport`: echoes, or offers choices, or is down."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

MENU = "menu"
MENU_REPLY = [
    {
        "text": "Anh/chị đang dùng phần mềm nào?",
        "buttons": [
            {"title": "Quản lý văn bản", "payload": '/inform{"software":"qlvb"}'},
            {"title": "Chữ ký số", "payload": '/inform{"software":"kyso"}'},
            {"title": "Thư công vụ", "payload": '/inform{"software":"thucongvu"}'},
        ],
    }
]


@dataclass
class FakeRasa:
    """Records each turn; answers `MENU` with three choices and anything else with itself."""

    down: bool = False
    slow: bool = False
    # Seconds each turn takes, as a real Rasa thinks.
    delay: float = 0.0
    turns: list[dict[str, Any]] = field(default_factory=list)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one POST to /webhooks/rest/webhook."""
        await asyncio.sleep(self.delay)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if self.slow:
            raise httpx.ReadTimeout("timed out", request=request)
        assert request.url.path == "/webhooks/rest/webhook"
        body = json.loads(request.content)
        self.turns.append(body)
        if body["message"] == MENU:
            return httpx.Response(200, json=MENU_REPLY)
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": body["message"]}])

    def client(self) -> httpx.AsyncClient:
        """An httpx client on this fake, with the base URL Rasa would have."""
        return httpx.AsyncClient(
            transport=httpx.MockTransport(self.handle), base_url="http://rasa.test"
        )

    @property
    def messages(self) -> list[str]:
        """The messages Rasa received, in order."""
        return [turn["message"] for turn in self.turns]
