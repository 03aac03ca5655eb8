"""A new model loaded beside the old one, so the Rasa server keeps answering while it loads.

Why it exists: Rasa 3.6 loads a model for `PUT /model` on its event loop, and loading takes
seconds (TensorFlow builds the classifier): every turn that reaches the replica meanwhile waits,
and past the gateway's wait (HELPDESK_RASA_TIMEOUT_SECONDS) the official gets an apology
instead of an answer. Here the loading runs on a thread with an event loop of its own; the old
model answers until Rasa swaps in the new agent (one assignment, on the server's loop, as
before), so a retraining reaches every replica with no turn lost. `helpdesk rasa` installs it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

_INSTALLED = "_helpdesk_loads_beside"


def install() -> None:
    """Make the Rasa server's `PUT /model` load the new agent off its event loop."""
    import rasa.server

    if getattr(rasa.server, _INSTALLED, False):
        return
    original: Callable[..., Coroutine[Any, Any, Any]] = rasa.server._load_agent

    async def load_beside(*args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(asyncio.run, original(*args, **kwargs))

    rasa.server._load_agent = load_beside
    setattr(rasa.server, _INSTALLED, True)
