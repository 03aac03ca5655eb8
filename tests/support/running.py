"""`helpdesk run` as `make run` starts it, on free ports, for the end-to-end tests.

Stopped as a supervisor stops it (SIGTERM), killed if it does not stop in time: its children
die with it either way (bot/assistant/processes.py), so a test leaves no server behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.assistant.processes import free_port, wait_healthy
from tests.support.tiers import require_slow


@dataclass
class Running:
    """The ports of a running `helpdesk run` and where it keeps its state."""

    chat: int
    desk: int
    rasa: int
    actions: int
    state: Path

    def secrets(self) -> dict[str, str]:
        """What `helpdesk run` generated into the state folder's local-secrets.env."""
        lines = (self.state / "local-secrets.env").read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line and line[0] != "#")


@contextmanager
def helpdesk_run(
    root: Path, state: Path, env: Mapping[str, str] = {}, replicas: int = 1
) -> Iterator[Running]:
    """Run the assistant with its state in `state`, HELPDESK_* taken only from `env`.

    One Rasa replica unless told: most tests are about what one turn does, not the spreading.
    """
    require_slow("starting `helpdesk run`")
    ports = [free_port() for _ in range(4)]
    clean = {key: value for key, value in os.environ.items() if not key.startswith("HELPDESK_")}
    state.mkdir(parents=True, exist_ok=True)
    log = (state / "run.log").open("ab")  # not a pipe nobody reads, which would fill and block
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "bot.cli.main", "run", "--no-terminal"),
            *("--rasa-port", str(ports[0]), "--actions-port", str(ports[1])),
            *("--chat-port", str(ports[2]), "--desk-port", str(ports[3])),
            *("--state-dir", str(state), "--rasa-replicas", str(replicas)),
        ],
        cwd=root,
        env={**clean, **env},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )
    log.close()
    try:
        wait_healthy(f"http://127.0.0.1:{ports[2]}/health", process, timeout=300)
        yield Running(chat=ports[2], desk=ports[3], rasa=ports[0], actions=ports[1], state=state)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
