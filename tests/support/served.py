"""ASGI apps under uvicorn on a free local port, for tests: in this event loop or in a thread.

Both use `QuickServer`, a uvicorn server that stops as soon as it is told to. Plain uvicorn looks
at `should_exit` every 0.1 s and then sleeps another 0.1 s before it waits for connections to
close: up to half a second per server and test, which the fast tier paid a few hundred times.
What is served, and how it is reached (a real socket, real HTTP), is the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import uvicorn
from starlette.types import ASGIApp
from uvicorn.config import LifespanType

WAIT = 20.0  # seconds a server may take to start or to stop


class QuickServer(uvicorn.Server):
    """`uvicorn.Server`, woken when `should_exit` is set (from any thread) instead of polling."""

    def __init__(self, config: uvicorn.Config) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._should_exit = False
        super().__init__(config)

    @property
    def should_exit(self) -> bool:
        return self._should_exit

    @should_exit.setter
    def should_exit(self, value: bool) -> None:
        self._should_exit = value
        loop, wake = self._loop, self._wake
        if value and loop is not None and wake is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(wake.set)

    async def main_loop(self) -> None:
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 10) % 864000  # uvicorn ticks ten times a second
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 1.0)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's shutdown, polling every 5 ms rather than sleeping 0.1 s at a time."""
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        try:
            await asyncio.wait_for(self._drained(), timeout=self.config.timeout_graceful_shutdown)
        except asyncio.TimeoutError:
            for task in self.server_state.tasks:
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        if not self.force_exit:
            await self.lifespan.shutdown()

    async def _drained(self) -> None:
        while self.server_state.connections and not self.force_exit:
            await asyncio.sleep(0.005)
        while self.server_state.tasks and not self.force_exit:
            await asyncio.sleep(0.005)
        for server in self.servers:
            await server.wait_closed()


def _bound() -> socket.socket:
    """A listening socket on a free local port: nobody can take the port before the server."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@asynccontextmanager
async def serving(app: ASGIApp, lifespan: LifespanType = "on") -> AsyncIterator[str]:
    """Serve `app` with uvicorn on a free local port in this event loop; its base URL."""
    sock = _bound()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_config=None,
        log_level="warning",
        access_log=False,
        ws="none",
        lifespan=lifespan,
        timeout_graceful_shutdown=2,
    )
    server = QuickServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        deadline = time.monotonic() + WAIT
        while not server.started:
            if task.done() or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            await asyncio.sleep(0.002)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        try:
            await asyncio.wait_for(task, WAIT)
        finally:
            sock.close()


@contextmanager
def served_in_thread(app: ASGIApp, lifespan: LifespanType = "off") -> Iterator[str]:
    """`app` under uvicorn on a free local port, in a thread with its own loop; its base URL."""
    sock = _bound()
    config = uvicorn.Config(
        app, log_config=None, log_level="warning", access_log=False, ws="none", lifespan=lifespan
    )
    server = QuickServer(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    try:
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.002)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=WAIT)
        sock.close()
