"""An official on a served web chat, as its page behaves: a session, typed text, button presses.

The page never holds a payload: a button comes with a signed choice, which the page sends back.
The tests that want to say which button they press read the payload out of the choice with
the server's own secret (`WebSessions.payload_of`), which also checks the choice is signed.
"""

from __future__ import annotations

from typing import Any

import httpx

from bot.webchat.sessions import TOKEN_HEADER, WebSessions

Messages = list[dict[str, Any]]


class WebChatUser:
    """One page of the web chat at `base_url`, whose secret is `secret`."""

    def __init__(self, base_url: str, secret: str, timeout: float = 60.0) -> None:
        """Open a session, as the page does when it has none."""
        self.http = httpx.Client(base_url=base_url, timeout=timeout)
        session = self.http.post("/api/session")
        assert session.status_code == 200, session.text
        self.sender: str = session.json()["sender"]
        self.http.headers[TOKEN_HEADER] = session.json()["token"]
        self._sessions = WebSessions(secret)
        self.last: Messages = []

    def say(self, text: str) -> Messages:
        """Type `text`; the assistant's replies."""
        return self._post({"sender": self.sender, "text": text})

    def press(self, payload: str) -> Messages:
        """Press the button carrying `payload` among the last replies; the assistant's replies."""
        choices = [b["choice"] for m in self.last for b in m.get("buttons") or []]
        found = [c for c in choices if self._sessions.payload_of(self.sender, c) == payload]
        assert found, f"no button carries {payload!r} in {self.last}"
        return self._post({"sender": self.sender, "choice": found[0]})

    def payloads(self, messages: Messages) -> list[str | None]:
        """The payloads of the buttons in `messages`, read out of their signed choices."""
        return [
            self._sessions.payload_of(self.sender, b["choice"])
            for m in messages
            for b in m.get("buttons") or []
        ]

    def inbox(self, after: int = 0) -> dict[str, Any]:
        """The notices waiting for this page after `after`, as the page polls them."""
        response = self.http.get("/api/inbox", params={"sender": self.sender, "after": after})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def close(self) -> None:
        """Close the page's connections."""
        self.http.close()

    def _post(self, body: dict[str, str]) -> Messages:
        response = self.http.post("/api/messages", json=body)
        assert response.status_code == 200, response.text
        self.last = list(response.json()["messages"])
        return self.last
