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

from bot.assistant import local_desk, processes, retrain
from bot.assistant.training import Project, TrainingInputError, train
from bot.chat.terminal import chat
from bot.kb import publishing
from bot.nlu.live_overlay import KNOWLEDGE_BASE_ENV
from bot.notify.local_inbox import LocalInbox
from bot.store.database import make_engine, migrate
from bot.texts import texts


def register(commands: Any) -> None:
    """Add the `run` command."""
    said = texts("bot.cli")
    port = said.say("metavars.port")
    parser = commands.add_parser("run", help=said.say("run.help"))
    ports = {"rasa": 5005, "actions": 5055, "chat": 8080, "desk": local_desk.DESK_PORT}
    for name, default in ports.items():
        parser.add_argument(
            f"--{name}-port",
            type=int,
            default=default,
            metavar=port,
            help=said.say(f"run.{name}_port"),
        )
    parser.add_argument("--no-terminal", action="store_true", help=said.say("run.no_terminal"))
    parser.add_argument(
        "--state-dir",
        type=Path,
        metavar=said.say("metavars.folder"),
        help=said.say("options.state_dir"),
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    root: Path = args.root
    config = root / "config.yml"
    state: Path = (args.state_dir or root / "var").absolute()
    try:
        publishing.ensure_seeded(state, root / "knowledge_base")
        # The live knowledge base's model if it was trained; else the repository's, and the
        # live one is retrained in the background once the assistant is up.
        model = retrain.trained_model(state, root, config) or train(Project(root), config)
        behind = retrain.trained_model(state, root, config) is None
    except (TrainingInputError, publishing.InvalidKnowledgeBase) as error:
        print(error, file=sys.stderr)
        return 1
    logs = state / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    store_url = os.environ.get("HELPDESK_DATABASE_URL") or f"sqlite:///{state / 'helpdesk.db'}"
    migrate(store_url)
    rasa_url = f"http://127.0.0.1:{args.rasa_port}"
    desk = local_desk.plan(state, os.environ, args.desk_port)
    env = {
        "ACTION_SERVER_URL": f"http://127.0.0.1:{args.actions_port}/webhook",
        "RASA_TRACKER_DB": str(state / "rasa_tracker.db"),
        "HELPDESK_RASA_URL": rasa_url,
        "HELPDESK_DATABASE_URL": store_url,
        # Answers, paraphrases and software names come from the published version that is live
        # (actions, and the NLU's live overlay); publishing switches this link.
        KNOWLEDGE_BASE_ENV: str(state / "kb" / "current"),
        # Trainers on Telegram publish into this state folder and retrain this project.
        "HELPDESK_STATE_DIR": str(state),
        "HELPDESK_PROJECT_DIR": str(root),
        **desk.env,
    }
    children: list[subprocess.Popen[bytes]] = []
    said = texts("bot.cli")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if desk.start_builtin:
            print(said.say("run.starting_desk"), file=sys.stderr)
            children.append(
                processes.start_serving(
                    [*_helpdesk(), "desk", "serve", "--port", str(args.desk_port)],
                    root,
                    env,
                    logs / "desk.log",
                    f"http://127.0.0.1:{args.desk_port}/health",
                    timeout=60,
                )
            )
        print(said.say("run.starting_actions"), file=sys.stderr)
        children.append(
            processes.start_action_server(root, args.actions_port, env, logs / "actions.log")
        )
        print(said.say("run.starting_rasa"), file=sys.stderr)
        children.append(
            processes.start_serving(
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
        if behind:
            retrain.start_in_background(state, root, rasa_url)
        # The gateway serves the web chat, and Telegram when HELPDESK_TELEGRAM_TOKEN is set: by
        # long polling unless a public webhook address is configured.
        gateway = [*_helpdesk(), "gateway", "--port", str(args.chat_port)]
        if os.environ.get("HELPDESK_TELEGRAM_TOKEN") and not os.environ.get(
            "HELPDESK_TELEGRAM_WEBHOOK_URL"
        ):
            gateway.append("--polling")
        children.append(
            processes.start_serving(
                gateway,
                root,
                env,
                logs / "gateway.log",
                f"http://127.0.0.1:{args.chat_port}/health",
                timeout=60,
            )
        )
        children.append(_start_worker([*_helpdesk(), "notifier"], root, env, logs / "notifier.log"))
        chat_words = texts("bot.chat")
        chat_url = f"http://127.0.0.1:{args.chat_port}/"
        print(chat_words.say("terminal.web_address", url=chat_url), file=sys.stderr)
        if desk.start_builtin:
            desk_url = f"http://127.0.0.1:{args.desk_port}/desk"
            desk_line = chat_words.say(
                "terminal.desk_address", url=desk_url, file=desk.secrets_file
            )
            print(desk_line, file=sys.stderr)
        if sys.stdin.isatty() and not args.no_terminal:
            inbox = LocalInbox(make_engine(store_url))
            asyncio.run(chat(rasa_url, sys.stdin, sys.stdout, inbox=inbox))
        else:
            signal.pause()
    except KeyboardInterrupt:
        pass
    except (RuntimeError, TimeoutError) as error:
        print(said.say("run.failed", error=error, logs=logs), file=sys.stderr)
        return 1
    finally:
        for child in reversed(children):
            processes.stop(child)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    """Stop on SIGTERM (`kill`, a supervisor) as on Ctrl-C, so the children are stopped too."""
    raise KeyboardInterrupt


def _helpdesk() -> list[str]:
    """The `helpdesk` command line, run by this interpreter."""
    return [sys.executable, "-m", "bot.cli.main"]


def _start_worker(
    command: list[str], root: Path, env: dict[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """Start a process that serves no HTTP; fail if it exits at once (bad settings, say)."""
    process = processes.spawn(command, root, env, log)
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        return process
    raise RuntimeError(processes.exited(command, process.returncode))
