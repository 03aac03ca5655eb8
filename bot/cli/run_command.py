"""`helpdesk run`: the whole assistant on this machine, on embedded defaults."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

from pydantic import SecretStr, ValidationError

from bot.assistant import local_desk, processes, retrain
from bot.assistant.training import Project, TrainingInputError, train
from bot.chat.terminal import chat
from bot.cli.settings_errors import print_settings_errors
from bot.db import prepare_sqlite
from bot.kb import publishing
from bot.nlu.live_overlay import KNOWLEDGE_BASE_ENV
from bot.notify.local_inbox import LocalInbox
from bot.rasa_settings import RasaServerSettings
from bot.settings import (
    ACTION_SERVER_TOKEN,
    RASA_API_TOKEN,
    RASA_CHANNEL_TOKEN,
    WEBCHAT_SECRET,
    ActionServerSettings,
)
from bot.store.database import make_engine, migrate
from bot.texts import texts
from bot.webchat.settings import WebChatSettings


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
    parser.add_argument(
        "--rasa-replicas",
        type=int,
        default=os.cpu_count() or 1,
        metavar=said.say("metavars.number"),
        help=said.say("run.rasa_replicas"),
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
    if args.rasa_replicas < 1:
        print(texts("bot.cli").say("run.no_replicas"), file=sys.stderr)
        return 2
    # The tokens that guard the action server, Rasa's API and its channel, and the web chat's
    # secret: the environment's, else generated. Checked first: a weak one given in the
    # environment (or a web chat limit that is not a number) stops the run before any training.
    keys = (*local_desk.INTERNAL_TOKENS, WEBCHAT_SECRET)
    tokens = local_desk.internal_tokens(state, os.environ, keys)
    try:
        ActionServerSettings(action_server_token=SecretStr(tokens[ACTION_SERVER_TOKEN]))
        RasaServerSettings(
            rasa_api_token=SecretStr(tokens[RASA_API_TOKEN]),
            rasa_channel_token=SecretStr(tokens[RASA_CHANNEL_TOKEN]),
        )
        WebChatSettings(secret=SecretStr(tokens[WEBCHAT_SECRET]))
    except ValidationError as error:
        print_settings_errors(error)
        return 1
    try:
        publishing.ensure_seeded(state, root / "knowledge_base")
        # The live knowledge base's model if it was trained; else the repository's, and the
        # live one is retrained in the background once the assistant is up.
        model = retrain.trained_model(state, root, config) or train(Project(root), config)
        behind = retrain.trained_model(state, root, config) is None
    except (TrainingInputError, publishing.InvalidKnowledgeBase) as error:
        print(error, file=sys.stderr)
        return 1
    # From here on every file this process and its children create (logs, databases and their
    # -wal/-shm files, Rasa's conversations) is its owner's only: they hold personal data.
    os.umask(0o077)
    logs = state / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    store_url = os.environ.get("HELPDESK_DATABASE_URL") or f"sqlite:///{state / 'helpdesk.db'}"
    migrate(store_url)
    # Rasa opens the conversations' file with its own engine: made WAL here, it stays WAL.
    prepare_sqlite(state / "rasa_tracker.db")
    # Replicas on consecutive ports; the gateway gives each conversation one of them.
    rasa_urls = [f"http://127.0.0.1:{args.rasa_port + i}" for i in range(args.rasa_replicas)]
    rasa_url = rasa_urls[0]
    desk = local_desk.plan(state, os.environ, args.desk_port)
    env = {
        "ACTION_SERVER_URL": f"http://127.0.0.1:{args.actions_port}/webhook",
        "RASA_TRACKER_DB": str(state / "rasa_tracker.db"),
        "HELPDESK_RASA_URL": rasa_url,
        "HELPDESK_RASA_URLS": ",".join(rasa_urls),
        "HELPDESK_DATABASE_URL": store_url,
        # Answers, paraphrases and software names come from the published version that is live
        # (actions, and the NLU's live overlay); publishing switches this link.
        KNOWLEDGE_BASE_ENV: str(state / "kb" / "current"),
        # Trainers on Telegram publish into this state folder and retrain this project.
        "HELPDESK_STATE_DIR": str(state),
        "HELPDESK_PROJECT_DIR": str(root),
        **local_desk.store_key(state, os.environ),
        **desk.env,
    }
    # A generated token goes only to the processes that use it (one set in the environment
    # reaches every child, as all of the environment does): Rasa calls the action server; the
    # gateway's trainers retrain, which loads the new model through Rasa's API; the gateway
    # serves the web chat, whose sessions it signs; Rasa's channel answers the gateway (and the
    # terminal chat, in this process) only with the channel's token.
    actions_env = {**env, ACTION_SERVER_TOKEN: tokens[ACTION_SERVER_TOKEN]}
    channel = {RASA_CHANNEL_TOKEN: tokens[RASA_CHANNEL_TOKEN]}
    rasa_env = {**actions_env, RASA_API_TOKEN: tokens[RASA_API_TOKEN], **channel}
    gateway_env = {**env, **channel, **{k: tokens[k] for k in (RASA_API_TOKEN, WEBCHAT_SECRET)}}
    said = texts("bot.cli")
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    children = processes.Children()
    try:
        if desk.start_builtin:
            print(said.say("run.starting_desk"), file=sys.stderr)
            children.serve(
                [*_helpdesk(), "desk", "serve", "--port", str(args.desk_port)],
                root,
                env,
                logs / "desk.log",
                f"http://127.0.0.1:{args.desk_port}/health",
                timeout=60,
            )
        print(said.say("run.starting_actions"), file=sys.stderr)
        children.serve(
            processes.action_server_command(args.actions_port),
            root,
            actions_env,
            logs / "actions.log",
            f"http://127.0.0.1:{args.actions_port}/health",
            timeout=60,
        )
        print(said.say("run.starting_rasa", replicas=len(rasa_urls)), file=sys.stderr)
        # All started before any is waited on: they load the model side by side.
        replicas = []
        for i in range(len(rasa_urls)):
            command = [*_helpdesk(), "rasa", "--port", str(args.rasa_port + i)]
            log = logs / ("rasa.log" if i == 0 else f"rasa-{i}.log")
            spawned = processes.spawn([*command, "--model", str(model)], root, rasa_env, log)
            replicas.append(children.adopt(spawned))
        for url, replica in zip(rasa_urls, replicas, strict=True):
            processes.wait_healthy(f"{url}/", replica, timeout=300)
        if behind:
            every = ",".join(rasa_urls)
            children.adopt(retrain.start_in_background(state, root, every, tied=True))
        # The gateway serves the web chat, and Telegram when HELPDESK_TELEGRAM_TOKEN is set: by
        # long polling unless a public webhook address is configured.
        gateway = [*_helpdesk(), "gateway", "--port", str(args.chat_port)]
        if os.environ.get("HELPDESK_TELEGRAM_TOKEN") and not os.environ.get(
            "HELPDESK_TELEGRAM_WEBHOOK_URL"
        ):
            gateway.append("--polling")
        children.serve(
            gateway,
            root,
            gateway_env,
            logs / "gateway.log",
            f"http://127.0.0.1:{args.chat_port}/health",
            timeout=60,
        )
        children.work([*_helpdesk(), "notifier"], root, env, logs / "notifier.log")
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
            token = tokens[RASA_CHANNEL_TOKEN]
            asyncio.run(chat(rasa_url, token, sys.stdin, sys.stdout, inbox=inbox))
        else:
            signal.pause()
    except KeyboardInterrupt:
        pass
    except (RuntimeError, TimeoutError) as error:
        print(said.say("run.failed", error=error, logs=logs), file=sys.stderr)
        return 1
    finally:
        # A second Ctrl-C or SIGTERM must not cut the stopping short and leave children behind.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)
        children.stop()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    """Stop on SIGTERM (`kill`, a supervisor) or SIGHUP (the terminal closed) as on Ctrl-C, so
    the children are stopped too."""
    raise KeyboardInterrupt


def _helpdesk() -> list[str]:
    """The `helpdesk` command line, run by this interpreter."""
    return [sys.executable, "-m", "bot.cli.main"]
