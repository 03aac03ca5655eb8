"""An ASGI app served by uvicorn in a thread, for tests that run a command with its own loop."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from bot.assistant.processes import free_port


@contextmanager
def served_in_thread(app: ASGIApp, lifespan: str = "off") -> Iterator[str]:
    """`app` under uvicorn on a free local port, in a thread; its base URL."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), ws="none", log_level="warning", lifespan=lifespan
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
