"""`helpdesk ask`: put questions to the trained assistant from the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from bot.assistant.runtime import LocalAssistant
from bot.assistant.training import Project, TrainingInputError, model_path
from bot.cli.settings_errors import print_settings_errors
from bot.settings import ActionServerSettings
from bot.texts import texts


def register(commands: Any) -> None:
    """Add the `ask` command."""
    said = texts("bot.cli")
    file = said.say("metavars.file")
    ask = commands.add_parser("ask", help=said.say("ask.help"))
    ask.add_argument(
        "question", nargs="?", metavar=said.say("metavars.question"), help=said.say("ask.question")
    )
    ask.add_argument("--jsonl", metavar=file, help=said.say("ask.jsonl"))
    ask.add_argument("--model", type=Path, metavar=file, help=said.say("ask.model"))
    ask.add_argument(
        "--config",
        type=Path,
        default=Path("config.yml"),
        metavar=file,
        help=said.say("options.config"),
    )
    ask.add_argument(
        "--action-url", metavar=said.say("metavars.url"), help=said.say("ask.action_url")
    )
    ask.set_defaults(handler=_ask)


def current_model(root: Path, config: Path) -> Path:
    """The model trained from the current inputs, or a clear error if there is none."""
    path = model_path(Project(root), root / config)
    if not path.exists():
        raise TrainingInputError(texts("bot.cli").say("ask.no_model", name=path.name))
    return path


def _ask(args: argparse.Namespace) -> int:
    if (args.question is None) == (args.jsonl is None):
        print(texts("bot.cli").say("ask.question_or_file"), file=sys.stderr)
        return 2
    try:
        model = args.model or current_model(args.root, args.config)
    except TrainingInputError as error:
        print(error, file=sys.stderr)
        return 1
    try:
        if args.action_url:  # a running action server: called with its token
            ActionServerSettings()  # type: ignore[call-arg]  # the token: from the environment
    except ValidationError as error:
        print_settings_errors(error)
        return 1
    if args.question is not None:
        return asyncio.run(_one(model, args, args.question))
    if args.jsonl == "-":
        return asyncio.run(_many(model, args, sys.stdin))
    try:
        lines = open(args.jsonl, encoding="utf-8")  # noqa: SIM115  # closed below
    except OSError as error:
        reason = type(error).__name__
        print(
            texts("bot.cli").say("ask.unreadable", path=args.jsonl, reason=reason), file=sys.stderr
        )
        return 1
    with lines:
        return asyncio.run(_many(model, args, lines))


async def _one(model: Path, args: argparse.Namespace, question: str) -> int:
    async with LocalAssistant(model, args.action_url, args.root) as assistant:
        reply = await assistant.ask(question)
    print(reply.text)
    for message in reply.messages:
        for number, button in enumerate(message.get("buttons") or [], start=1):
            print(f"  [{number}] {button['title']}")
    return 0


async def _many(model: Path, args: argparse.Namespace, lines: TextIO) -> int:
    async with LocalAssistant(model, args.action_url, args.root) as assistant:
        for line in lines:
            question = line.rstrip("\n")
            if not question.strip():
                continue
            reply = await assistant.ask(question)
            record = {"question": question, **reply.to_json()}
            print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0
