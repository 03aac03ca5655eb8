"""Child processes of the assistant: the action server and the servers `make run` starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.texts import texts


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_healthy(url: str) -> bool:
    """Whether something answers 200 at `url`."""
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def exited(command: object, code: int | None) -> str:
    """Why the process running `command` is of no use: it stopped, with exit code `code`."""
    return texts("bot.assistant").say("processes.exited", command=command, code=code)


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait until `url` answers, failing early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(exited(process.args, process.returncode))
        if is_healthy(url):
            return
        time.sleep(0.3)
    raise TimeoutError(
        texts("bot.assistant").say("processes.no_answer", url=url, seconds=round(timeout))
    )


def spawn(
    command: list[str], root: Path, env: dict[str, str] | None, log: Path | None
) -> subprocess.Popen[bytes]:
    """Start `command` in `root` with `env` added to ours, its output appended to `log`."""
    return subprocess.Popen(
        command,
        cwd=root,
        env={**os.environ, **(env or {})},
        stdout=log.open("ab") if log else subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )


def start_serving(
    command: list[str],
    root: Path,
    env: dict[str, str] | None,
    log: Path | None,
    health: str,
    timeout: float,
) -> subprocess.Popen[bytes]:
    """Start a server and wait until `health` answers; stop it if it does not."""
    process = spawn(command, root, env, log)
    try:
        wait_healthy(health, process, timeout)
    except BaseException:
        stop(process)
        raise
    return process


def start_action_server(
    root: Path, port: int, env: dict[str, str] | None = None, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start `rasa_sdk` serving the `actions` package on `port` and wait until it answers."""
    command = [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)]
    return start_serving(command, root, env, log, f"http://127.0.0.1:{port}/health", timeout=60)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a child process, forcefully if it does not stop by itself."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
