"""`helpdesk model roll FILE`: every Rasa replica serves a newly trained model, in turn.

Past one machine the model lives in a volume every Rasa replica reads (docs/deploy.md):
`helpdesk train` writes it there, and this command asks each replica, one after the other, to
load it (bot/assistant/rollout.py). Run it where the volume is mounted at the path the
replicas see, so FILE names the same file for them. Reads HELPDESK_RASA_API_TOKEN (Rasa's API
asks for it) and, without `--rasa-url`, HELPDESK_RASA_URLS (else HELPDESK_RASA_URL).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.assistant.rollout import RolloutStopped, Step, roll
from bot.cli.settings_errors import print_settings_errors
from bot.rasa_settings import RasaApiSettings
from bot.texts import texts


def register(commands: Any) -> None:
    """Add the `model` command and its `roll`."""
    said = texts("bot.cli")
    model = commands.add_parser("model", help=said.say("model.help"))
    model_commands = model.add_subparsers(
        dest="model_command",
        required=True,
        metavar=said.say("metavars.command"),
        help=said.say("model.command"),
    )
    rolling = model_commands.add_parser("roll", help=said.say("model.roll"))
    rolling.add_argument("file", metavar=said.say("metavars.file"), help=said.say("model.file"))
    rolling.add_argument(
        "--rasa-url",
        action="append",
        dest="rasa_urls",
        metavar=said.say("metavars.url"),
        help=said.say("model.rasa_url"),
    )
    rolling.set_defaults(handler=_roll)


def _roll(args: argparse.Namespace) -> int:
    said = texts("bot.cli")
    try:
        settings = RasaApiSettings()
    except ValidationError as error:
        print_settings_errors(error)
        return 1
    model = Path(args.file)
    if not model.is_absolute() or not model.is_file():
        print(said.say("model.missing", file=args.file), file=sys.stderr)
        return 1
    token = settings.rasa_api_token.get_secret_value() if settings.rasa_api_token else None
    try:
        steps = roll(str(model), args.rasa_urls or settings.replicas or [settings.rasa_url], token)
    except RolloutStopped as stopped:
        _print(stopped.done, model.name)
        reason = said.say(f"model.why.{stopped.why}", status=stopped.status, detail=stopped.detail)
        print(said.say("model.stopped", url=stopped.url, reason=reason), file=sys.stderr)
        return 1
    _print(steps, model.name)
    return 0


def _print(steps: list[Step], model: str) -> None:
    said = texts("bot.cli")
    for step in steps:
        print(said.say(f"model.outcome.{step.outcome}", url=step.url, model=model))
