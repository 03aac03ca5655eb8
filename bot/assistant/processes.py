"""Child processes of the assistant: the action server and the servers `make run` starts.

Why it looks like this:
- Each child leads a process group of its own (a new session), so stopping it stops whatever it
  started too, and Ctrl-C in a terminal reaches only the parent, which then stops the children
  in order rather than all of them dying at once half-way through a write.
- Each child is tied to its parent by the kernel (Linux `PR_SET_PDEATHSIG`): if the parent dies
  without stopping it (SIGKILL, a crash), the child is killed too instead of running on alone.
- Stopping is graceful first (SIGTERM to the group), then forced (SIGKILL to the group) after a
  bounded wait; the children of one command are stopped together, so the wait is paid once.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

import httpx

from bot.settings import ACTION_SERVER_TOKEN
from bot.texts import texts

# How long children get to stop by themselves; Rasa takes the longest, about 8 seconds.
STOP_GRACE = 12.0
_PR_SET_PDEATHSIG = 1


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


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's prctl, looked up before any fork: loading a library in a forked child can hang."""
    if not sys.platform.startswith("linux"):
        return None
    return ctypes.CDLL(None, use_errno=True).prctl


def dies_with_this_process(*also: Callable[[], None]) -> Callable[[], None]:
    """A `preexec_fn` that has the kernel SIGKILL the child when this process dies.

    The kernel watches the thread that forks, not the process: start tied children from a
    thread that lives as long as they should (the main thread everywhere here). SIGKILL rather
    than SIGTERM: a parent that died without stopping its children cannot wait for them.
    `also` runs first in the child (lowering its priority, say).
    """
    parent, prctl = os.getpid(), _prctl()

    def tie() -> None:
        for step in also:
            step()
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the tie was made
            os._exit(1)

    return tie


def spawn(
    command: list[str], root: Path, env: dict[str, str] | None, log: Path | None
) -> subprocess.Popen[bytes]:
    """Start `command` in `root` with `env` added to ours, its output appended to `log`.

    It leads a process group of its own and dies with this process.
    """
    with log.open("ab") if log else open(os.devnull, "wb") as output:
        return subprocess.Popen(
            command,
            cwd=root,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=dies_with_this_process(),
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


def action_server_command(port: int) -> list[str]:
    """`helpdesk actions`: the actions package served on 127.0.0.1:`port`, behind its token."""
    return [sys.executable, "-m", "bot.cli.main", "actions", "--port", str(port)]


def action_headers(token: str) -> dict[str, str]:
    """What every call to the action server carries: the token it checks."""
    return {"Authorization": f"Bearer {token}"}


def start_action_server(
    root: Path, port: int, token: str, env: dict[str, str] | None = None, log: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start the action server on `port`, requiring `token`, and wait until it answers."""
    env = {**(env or {}), ACTION_SERVER_TOKEN: token}
    health = f"http://127.0.0.1:{port}/health"
    return start_serving(action_server_command(port), root, env, log, health, timeout=60)


def stop(process: subprocess.Popen[bytes], grace: float = STOP_GRACE) -> None:
    """Stop a child process and its process group, forcefully if it does not stop by itself."""
    stop_all([process], grace)


def stop_all(processes: Sequence[subprocess.Popen[bytes]], grace: float = STOP_GRACE) -> None:
    """Ask each child's group to stop, wait up to `grace` seconds, then kill what is left.

    A child is waited for without being reaped: while it is a zombie its id cannot be reused,
    so the final SIGKILL to its group cannot reach a stranger's processes.
    """
    running = [process for process in processes if process.returncode is None]
    for process in running:
        _signal(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in running:
        _wait_exited(process, deadline)
    for process in running:
        _signal(process, signal.SIGKILL)  # the group's stragglers, or a child that would not stop
        process.wait()


def _signal(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signum)
        else:  # started by someone else's Popen, in our group: only the process itself
            os.kill(process.pid, signum)


def _wait_exited(process: subprocess.Popen[bytes], deadline: float) -> None:
    """Until the process exits or the deadline passes; it stays unreaped (a zombie)."""
    while time.monotonic() < deadline:
        try:
            done = os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return
        if done is not None:
            return
        time.sleep(0.05)


class Children:
    """The processes one command starts, all stopped together however the command ends.

    Each is registered as soon as it exists, before it is waited on, so an interruption while
    it starts (Ctrl-C, SIGTERM, a timeout) stops it too.
    """

    def __init__(self) -> None:
        """No children yet."""
        self._started: list[subprocess.Popen[bytes]] = []

    def adopt(self, process: subprocess.Popen[bytes]) -> subprocess.Popen[bytes]:
        """Stop `process` with the others."""
        self._started.append(process)
        return process

    def serve(
        self,
        command: list[str],
        root: Path,
        env: dict[str, str],
        log: Path,
        health: str,
        timeout: float,
    ) -> subprocess.Popen[bytes]:
        """Start a server and wait until `health` answers."""
        process = self.adopt(spawn(command, root, env, log))
        wait_healthy(health, process, timeout)
        return process

    def work(
        self, command: list[str], root: Path, env: dict[str, str], log: Path, settle: float = 3.0
    ) -> subprocess.Popen[bytes]:
        """Start a process that serves no HTTP; fail if it exits within `settle` seconds."""
        process = self.adopt(spawn(command, root, env, log))
        try:
            process.wait(timeout=settle)
        except subprocess.TimeoutExpired:
            return process
        raise RuntimeError(exited(command, process.returncode))

    def stop(self) -> None:
        """Stop every child, the last started first in line (they all get the same wait)."""
        stop_all(list(reversed(self._started)))
        self._started.clear()

    def __enter__(self) -> Children:
        """Children to stop on leaving the block."""
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Stop them all."""
        self.stop()
