"""The real desk server as a child process, for tests that need it over real HTTP."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import MetaData, create_engine, text

from bot.assistant.processes import free_port, start_serving, stop
from bot.desk.database import VERSION_TABLE

ASSISTANT, STAFF = "assistant-token-0123456789abcdefgh", "staff-token-0123456789abcdefghijk"


class DeskServer:
    """`helpdesk desk serve` as a child process that can be stopped and started again."""

    def __init__(self, root: Path, database: Path) -> None:
        self._use(free_port())
        self.database = database
        self._started_once = False
        self._root = root
        self._env = {
            "HELPDESK_DESK_DATABASE_URL": f"sqlite:///{database}",
            "HELPDESK_DESK_TOKENS": f"assistant:{ASSISTANT},staff:{STAFF}",
            "HELPDESK_DESK_SESSION_SECRET": "session-secret-for-tests-0123456789abcdef",
        }
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def running(self) -> bool:
        """Whether the server was started, is not stopped and has not died."""
        return self._process is not None and self._process.poll() is None

    def _use(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        """Start the server; on its first start, on another port if the free one was taken."""
        for attempt in range(3):
            command = [sys.executable, "-m", "bot.cli.main", "desk", "serve"]
            command += ["--port", str(self.port)]
            try:
                self._process = start_serving(
                    command, self._root, self._env, None, f"{self.url}/health", timeout=60
                )
            except RuntimeError:  # it exited: another process took the port meanwhile
                if self._started_once or attempt == 2:
                    raise
                self._use(free_port())
            else:
                self._started_once = True
                return

    def stop(self) -> None:
        if self._process is not None:
            stop(self._process)
            self._process = None

    def reset(self) -> None:
        """Make the desk as a fresh one is: running, no tickets, codes and feed from 1 again.

        The server keeps nothing in memory between requests (tickets, notes, keys and the change
        feed are all in its database), so emptying the tables between tests is starting afresh.
        """
        if not self.running:
            self.stop()
            self.start()
        engine = create_engine(f"sqlite:///{self.database}", future=True)
        try:
            with engine.begin() as connection:
                tables = MetaData()
                tables.reflect(connection)
                for table in reversed(tables.sorted_tables):
                    if table.name != VERSION_TABLE:
                        connection.execute(table.delete())
                sequences = "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
                if connection.execute(text(sequences)).first() is not None:
                    connection.execute(text("DELETE FROM sqlite_sequence"))
        finally:
            engine.dispose()
