"""`helpdesk retrain [--wait]` and `helpdesk retrain status`: the live knowledge base's model."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.assistant import local_desk, retrain, retrain_lock
from bot.assistant.retrain_display import describe
from bot.assistant.retrain_progress import FAILED, Progress
from bot.cli.settings_errors import print_settings_errors
from bot.rasa_settings import RasaApiSettings
from bot.settings import RASA_API_TOKEN
from bot.texts import texts

# With --wait, the progress is printed when the phase changes and at least this often.
_PRINT_EVERY = 10.0


def register(commands: Any) -> None:
    """Add the `retrain` command."""
    said, names = texts("bot.assistant"), texts("bot.cli")
    parser = commands.add_parser("retrain", help=said.say("help.command"))
    parser.add_argument("action", nargs="?", choices=["status"], help=said.say("help.action"))
    parser.add_argument("--wait", action="store_true", help=said.say("help.wait"))
    parser.add_argument(
        "--state-dir",
        type=Path,
        metavar=names.say("metavars.folder"),
        help=said.say("help.state_dir"),
    )
    parser.add_argument(
        "--rasa-url", metavar=names.say("metavars.url"), help=said.say("help.rasa_url")
    )
    parser.set_defaults(handler=_retrain)


def _retrain(args: argparse.Namespace) -> int:
    state: Path = (args.state_dir or args.root / "var").absolute()
    try:
        settings = RasaApiSettings()
    except ValidationError as error:
        print_settings_errors(error)
        return 1
    rasa_url = args.rasa_url or settings.rasa_urls or settings.rasa_url
    if args.action == "status":
        print(describe(retrain.read_progress(state), retrain_lock.is_running(state)))
        return 0
    if not args.wait:
        if retrain_lock.is_running(state):
            retrain_lock.request(state)
            print(texts("bot.assistant").say("already_running"))
        else:
            retrain.start_in_background(state, args.root, rasa_url)
            print(texts("bot.assistant").say("started"))
        return 0
    printer = _Printer()
    # The environment's token, else the one `helpdesk run` generated for this state folder.
    given = settings.rasa_api_token
    token = given.get_secret_value() if given else local_desk.stored_token(state, RASA_API_TOKEN)
    finished = retrain.run(state, args.root, rasa_url, listener=printer, rasa_token=token)
    if finished is None:
        print(texts("bot.assistant").say("already_running"), flush=True)
        return 0
    return 1 if finished.phase == FAILED else 0


class _Printer:
    """Prints the progress without flooding a terminal or the background log."""

    def __init__(self) -> None:
        self._phase = ""
        self._printed = 0.0

    def __call__(self, found: Progress) -> None:
        now = time.monotonic()
        if found.phase != self._phase or now - self._printed >= _PRINT_EVERY:
            print(describe(found, running=True), flush=True)
            self._phase, self._printed = found.phase, now
