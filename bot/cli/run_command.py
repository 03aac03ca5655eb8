"""`helpdesk run`: the whole assistant on this machine, on embedded defaults."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.assistant import processes
from bot.assistant.training import Project, TrainingInputError, train
from bot.chat.terminal import chat
from bot.chat.texts import ui_text
from bot.settings import StoreSettings
from bot.store.database import migrate


def register(commands: Any) -> None:
    """Add the `run` command."""
    parser = commands.add_parser("run", help="start the assistant and a local chat")
    parser.add_argument("--rasa-port", type=int, default=5005)
    parser.add_argument("--actions-port", type=int, default=5055)
    parser.add_argument("--chat-port", type=int, default=8080)
    parser.add_argument("--no-terminal", action="store_true", help="web chat only")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    root: Path = args.root
    try:
        model = train(Project(root), root / "config.yml")
    except TrainingInputError as error:
        print(error, file=sys.stderr)
        return 1
    logs = root / "var" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    migrate(StoreSettings().database_url)
    rasa_url = f"http://127.0.0.1:{args.rasa_port}"
    env = {
        "ACTION_SERVER_URL": f"http://127.0.0.1:{args.actions_port}/webhook",
        "RASA_TRACKER_DB": str(root / "var" / "rasa_tracker.db"),
        "HELPDESK_RASA_URL": rasa_url,
    }
    children: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        print("Starting the action server...", file=sys.stderr)
        children.append(
            processes.start_action_server(root, args.actions_port, env, logs / "actions.log")
        )
        print("Starting the Rasa server (loading the model takes a while)...", file=sys.stderr)
        children.append(
            _start(
                [
                    sys.executable,
                    "-m",
                    "rasa",
                    "run",
                    "--enable-api",
                    "-i",
                    "127.0.0.1",
                    "-p",
                    str(args.rasa_port),
                    "-m",
                    str(model),
                    "--endpoints",
                    "endpoints.yml",
                    "--credentials",
                    "credentials.yml",
                ],
                root,
                env,
                logs / "rasa.log",
                f"{rasa_url}/",
                timeout=300,
            )
        )
        children.append(
            _start(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "bot.webchat.app:create_app",
                    "--factory",
                    "--ws",  # Rasa pins a websockets too old for uvicorn's; none is needed
                    "none",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(args.chat_port),
                ],
                root,
                env,
                logs / "webchat.log",
                f"http://127.0.0.1:{args.chat_port}/health",
                timeout=60,
            )
        )
        web = ui_text()["terminal"]["web_address"].format(url=f"http://127.0.0.1:{args.chat_port}/")
        print(web, file=sys.stderr)
        if sys.stdin.isatty() and not args.no_terminal:
            asyncio.run(chat(rasa_url, sys.stdin, sys.stdout))
        else:
            signal.pause()
    except KeyboardInterrupt:
        pass
    except (RuntimeError, TimeoutError) as error:
        print(f"{error}\nSee the logs in {logs}", file=sys.stderr)
        return 1
    finally:
        for child in reversed(children):
            processes.stop(child)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    """Stop on SIGTERM (`kill`, a supervisor) as on Ctrl-C, so the children are stopped too."""
    raise KeyboardInterrupt


def _start(
    command: list[str], root: Path, env: dict[str, str], log: Path, health: str, timeout: float
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command,
        cwd=root,
        env={**os.environ, **env},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        processes.wait_healthy(health, process, timeout)
    except BaseException:
        processes.stop(process)
        raise
    return process
