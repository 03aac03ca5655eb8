"""Load a trained model with its action server and ask it questions in one process."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.assistant import processes
from bot.assistant.reply import Reply, classify


class LocalAssistant:
    """A trained model loaded as the Rasa server loads it, with a real action server.

    Each question is a new conversation, so questions of a batch never influence each other.
    """

    def __init__(self, model: Path, action_url: str | None = None, root: Path | None = None):
        """Use `model`; actions run at `action_url`, or on an action server started here."""
        self._model = model
        self._action_url = action_url
        self._root = root or Path.cwd()
        self._process: subprocess.Popen[bytes] | None = None
        self._agent: Any = None

    async def __aenter__(self) -> LocalAssistant:
        """Start the action server if needed and load the model."""
        os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
        from rasa.core.agent import Agent  # heavy: TensorFlow
        from rasa.utils.endpoints import EndpointConfig

        if self._action_url is None:
            port = processes.free_port()
            self._process = processes.start_action_server(self._root, port)
            self._action_url = f"http://127.0.0.1:{port}/webhook"
        self._agent = Agent.load(str(self._model), action_endpoint=EndpointConfig(self._action_url))
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the action server this assistant started."""
        if self._process is not None:
            processes.stop(self._process)
            self._process = None

    async def ask(self, text: str, sender_id: str | None = None) -> Reply:
        """Send one message and return the assistant's reply."""
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        sender = sender_id or f"ask-{uuid.uuid4().hex}"
        tracker_store = self._agent.tracker_store
        before = await tracker_store.retrieve(sender)
        seen = len(before.events) if before else 0
        output = CollectingOutputChannel()
        await self._agent.handle_message(UserMessage(text, output, sender))
        tracker = await tracker_store.retrieve(sender)
        events = [e.as_dict() for e in list(tracker.events)[seen:]] if tracker else []
        return classify(events, output.messages)
