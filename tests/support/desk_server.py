"""The real desk server as a child process, for tests that need it over real HTTP."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.assistant.processes import free_port, start_serving, stop

ASSISTANT, STAFF = "assistant-token-0123456789", "staff-token-0123456789"


class DeskServer:
    """`helpdesk desk serve` as a child process that can be stopped and started again."""

    def __init__(self, root: Path, database: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._root = root
        self._env = {
            "HELPDESK_DESK_DATABASE_URL": f"sqlite:///{database}",
            "HELPDESK_DESK_TOKENS": f"assistant:{ASSISTANT},staff:{STAFF}",
            "HELPDESK_DESK_SESSION_SECRET": "session-secret-for-tests-0123456789abcdef",
        }
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "bot.cli.main", "desk", "serve", "--port", str(self.port)]
        self._process = start_serving(
            command, self._root, self._env, None, f"{self.url}/health", timeout=60
        )

    def stop(self) -> None:
        if self._process is not None:
            stop(self._process)
            self._process = None
