"""Load a trained model with its action server and ask it questions in one process."""

from __future__ import annotations

import os
import secrets
import subprocess
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any

from bot.assistant import processes
from bot.assistant.reply import Reply, classify
from bot.settings import ActionServerSettings


class LocalAssistant:
    """A trained model loaded as the Rasa server loads it, with a real action server.

    Each question is a new conversation, so questions of a batch never influence each other.
    """

    def __init__(
        self,
        model: Path,
        action_url: str | None = None,
        root: Path | None = None,
        action_token: str | None = None,
    ):
        """Use `model`; actions run at `action_url`, or on an action server started here.

        A server at `action_url` is called with `action_token`, else HELPDESK_ACTION_SERVER_TOKEN
        (read on entering, so a missing or weak one is refused by name); one started here gets
        a token of its own.
        """
        self._model = model
        self._action_url = action_url
        self._action_token = action_token
        self._root = root or Path.cwd()
        self._process: subprocess.Popen[bytes] | None = None
        self._agent: Any = None

    async def __aenter__(self) -> LocalAssistant:
        """Start the action server if needed and load the model."""
        os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
        from rasa.core.agent import Agent  # heavy: TensorFlow
        from rasa.utils.endpoints import EndpointConfig

        from bot.assistant import rasa_patches

        rasa_patches.install()

        token = self._action_token
        if self._action_url is None:
            token = secrets.token_urlsafe(32)
            port = processes.free_port()
            self._process = processes.start_action_server(self._root, port, token)
            self._action_url = f"http://127.0.0.1:{port}/webhook"
        elif token is None:
            settings = ActionServerSettings()  # type: ignore[call-arg]  # the token: from the env
            token = settings.action_server_token.get_secret_value()
        endpoint = EndpointConfig(self._action_url, headers=processes.action_headers(token))
        self._agent = Agent.load(str(self._model), action_endpoint=endpoint)
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

    @property
    def agent(self) -> Any:
        """The loaded Rasa agent (for a benchmark that drives it turn by turn)."""
        return self._agent

    @property
    def action_server_pid(self) -> int | None:
        """The process id of the action server started here, if one was (for a benchmark)."""
        return self._process.pid if self._process is not None else None

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

    def tokens(self, text: str) -> list[tuple[str, int, int]]:
        """How the model's tokenizer reads `text`: each token's text, start and end.

        The loaded graph runs only as far as the tokenizer, as Rasa runs it for a message, so
        the evaluation measures what the model holds (its diacritics restorer, for one) without
        knowing which tokenizer the pipeline names or how it stores what it learned.
        """
        from rasa.core.channels.channel import UserMessage
        from rasa.engine.constants import PLACEHOLDER_MESSAGE
        from rasa.nlu.constants import TOKENS_NAMES
        from rasa.nlu.tokenizers.tokenizer import Tokenizer
        from rasa.shared.nlu.constants import TEXT

        processor = self._agent.processor
        tokenizers = [
            name
            for name, node in processor.model_metadata.predict_schema.nodes.items()
            if isinstance(node.uses, type) and issubclass(node.uses, Tokenizer)
        ]
        if not tokenizers:
            return []
        results = processor.graph_runner.run(
            inputs={PLACEHOLDER_MESSAGE: [UserMessage(text)]}, targets=tokenizers[:1]
        )
        message = results[tokenizers[0]][0]
        return [(t.text, t.start, t.end) for t in message.get(TOKENS_NAMES[TEXT]) or []]
