"""`helpdesk`: validate the knowledge base, train, ask, evaluate and run the assistant."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import logs
from bot.cli import (
    announce_command,
    ask_command,
    desk_command,
    eval_command,
    gateway_command,
    kb_command,
    migrate_command,
    model_command,
    notifier_command,
    purge_command,
    report_command,
    retrain_command,
    run_command,
    servers_command,
)
from bot.cli.parser import Parser
from bot.texts import texts


def _parser() -> argparse.ArgumentParser:
    said = texts("bot.cli")
    parser = Parser(prog="helpdesk", description=said.say("main.description"))
    parser.add_argument(
        "--root",
        type=Path,
        default=Path.cwd(),
        metavar=said.say("metavars.folder"),
        help=said.say("main.root"),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=said.say("main.verbose"))
    commands = parser.add_subparsers(
        dest="command",
        required=True,
        metavar=said.say("metavars.command"),
        help=said.say("main.command"),
    )
    kb_command.register(commands)
    ask_command.register(commands)
    eval_command.register(commands)
    run_command.register(commands)
    desk_command.register(commands)
    notifier_command.register(commands)
    gateway_command.register(commands)
    report_command.register(commands)
    announce_command.register(commands)
    retrain_command.register(commands)
    purge_command.register(commands)
    migrate_command.register(commands)
    model_command.register(commands)
    servers_command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line."""
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    args = _parser().parse_args(argv)
    logs.configure(args.verbose)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
