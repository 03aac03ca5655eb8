"""The stacks the load benchmark talks to: ours through the web chat, and a stock Rasa server.

Both run as real processes on loopback, started as their operators start them and stopped with
the benchmark; each knows which of its processes are the Rasa and action servers, whose CPU time
is what a turn costs.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bot.assistant import processes
from bot.rasa import WEBHOOK
from bot.settings import ACTION_SERVER_TOKEN
from bot.webchat.sessions import TOKEN_HEADER

Talk = Callable[[str], Awaitable[bool]]
_TICK = os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return found
    for child in map(int, children):
        found += [child, *_descendants(child)]
    return found


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime


def _role(pid: int) -> str:
    """What `pid` is: `turns` (a Rasa or action server), `gateway`, or `other`."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "other"
    if b"rasa" in words or b"actions" in words or b"rasa_sdk" in words:
        return "turns"
    return "gateway" if b"gateway" in words else "other"


class Stack:
    """A running stack: how an official talks to it, and what its servers spent."""

    def __init__(self, name: str, roots: list[int], open_: Callable[..., Awaitable[Talk]]):
        """Named `name`; its servers are (under) `roots`; `open_` starts a conversation."""
        self.name = name
        self._roots = roots
        self.open = open_

    def cpu_seconds(self, role: str = "turns") -> float:
        """CPU seconds the stack's processes of `role` have used so far (see `_role`)."""
        pids = [p for root in self._roots for p in (root, *_descendants(root))]
        return sum(_cpu_seconds(p) for p in pids if _role(p) == role)


@contextmanager
def ours(root: Path, state: Path, replicas: int, env: dict[str, str], name: str) -> Iterator[Stack]:
    """`helpdesk run` with `replicas` Rasa servers, talked to through the web chat."""
    ports = [processes.free_port() for _ in range(4)]
    rasa_port = 20000 + ports[0] % 20000  # room above it for the replicas' ports
    command = [sys.executable, "-m", "bot.cli.main", "--root", str(root), "run", "--no-terminal"]
    command += ["--state-dir", str(state), "--rasa-replicas", str(replicas)]
    command += ["--rasa-port", str(rasa_port), "--actions-port", str(ports[1])]
    command += ["--chat-port", str(ports[2]), "--desk-port", str(ports[3])]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    # One address (loopback) sends for every official: the per-address limit is for the public.
    unlimited = {
        "HELPDESK_WEBCHAT_ADDRESS_PER_MINUTE": "1000000",
        "HELPDESK_WEBCHAT_SENDER_PER_MINUTE": "1000000",
    }
    run = processes.spawn(command, root, {**clean, **unlimited, **env}, state / "run.log")
    chat = f"http://127.0.0.1:{ports[2]}"
    try:
        processes.wait_healthy(f"{chat}/health", run, timeout=600)

        async def open_(http: httpx.AsyncClient, sender: str) -> Talk:
            session = (await http.post(f"{chat}/api/session")).json()
            headers = {TOKEN_HEADER: session["token"]}

            async def talk(text: str) -> bool:
                body = {"sender": session["sender"], "text": text}
                answer = await http.post(f"{chat}/api/messages", json=body, headers=headers)
                return answer.status_code == 200 and bool(answer.json()["messages"])

            return talk

        yield Stack(name, [run.pid], open_)
    finally:
        processes.stop(run, grace=30)


@contextmanager
def stock(root: Path, model: Path, state: Path) -> Iterator[Stack]:
    """`rasa run` as Rasa ships it (its REST channel, its checks), with our action server."""
    token = secrets.token_urlsafe(32)
    rasa_port, actions_port = processes.free_port(), processes.free_port()
    (state / "credentials.yml").write_text("rest:\n", encoding="utf-8")
    actions = processes.start_action_server(root, actions_port, token)
    env = {
        "ACTION_SERVER_URL": f"http://127.0.0.1:{actions_port}/webhook",
        ACTION_SERVER_TOKEN: token,
        "RASA_TRACKER_DB": str(state / "tracker.db"),
    }
    command = [sys.executable, "-m", "rasa", "run", "-i", "127.0.0.1", "-p", str(rasa_port)]
    command += ["-m", str(model), "--endpoints", str(root / "endpoints.yml")]
    command += ["--credentials", str(state / "credentials.yml")]
    rasa: subprocess.Popen[bytes] | None = None
    try:
        rasa = processes.spawn(command, root, env, state / "rasa.log")
        url = f"http://127.0.0.1:{rasa_port}"
        processes.wait_healthy(f"{url}/", rasa, timeout=600)

        async def open_(http: httpx.AsyncClient, sender: str) -> Talk:
            async def talk(text: str) -> bool:
                answer = await http.post(url + WEBHOOK, json={"sender": sender, "message": text})
                return answer.status_code == 200 and bool(answer.json())

            return talk

        yield Stack("stock Rasa 3.6, 1 server", [rasa.pid, actions.pid], open_)
    finally:
        if rasa is not None:
            processes.stop(rasa)
        processes.stop(actions)
