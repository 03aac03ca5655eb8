"""`helpdesk desk serve`: the built-in ticket desk, for when no document system is set.

`helpdesk desk account` (desk_accounts_command.py) looks after the staff page's accounts.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

import uvicorn
from pydantic import ValidationError
from starlette.routing import Route

from bot.cli import desk_accounts_command, servers_command
from bot.cli.settings_errors import print_settings_errors
from bot.desk.accounts import AccountRepository
from bot.desk.app import create_app
from bot.desk.database import make_engine, migrate
from bot.desk.session import SignIn
from bot.desk.settings import DeskSettings
from bot.review.pages import ReviewPages
from bot.review.service import ReviewService, ReviewSettings
from bot.texts import texts


def register(commands: Any) -> None:
    """Add the `desk` command."""
    said = texts("bot.cli")
    desk = commands.add_parser("desk", help=said.say("desk.help"))
    desk_commands = desk.add_subparsers(
        dest="desk_command",
        required=True,
        metavar=said.say("metavars.command"),
        help=said.say("desk.command"),
    )
    serve = desk_commands.add_parser("serve", help=said.say("desk.serve"))
    servers_command.add_host(serve)
    serve.add_argument(
        "--port",
        type=int,
        default=8100,
        metavar=said.say("metavars.port"),
        help=said.say("desk.port"),
    )
    serve.set_defaults(handler=_serve)
    desk_accounts_command.register(desk_commands)


class WithoutQueryStrings(logging.Filter):
    """Drops query strings from access log lines: a search (`q=`) may be a phone number."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, its path cut at the "?"."""
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?", 1)[0], version, status)
        return True


def _serve(args: argparse.Namespace) -> int:
    try:
        settings = DeskSettings()  # type: ignore[call-arg]  # tokens: from the environment
    except ValidationError as error:
        print_settings_errors(error)
        return 1
    migrate(settings.database_url)
    if settings.first_admin_password is not None:
        _first_admin(settings.database_url, settings.first_admin_password.get_secret_value())
    try:
        review = ReviewService(ReviewSettings())
    except ValidationError as error:
        print_settings_errors(error)
        return 1

    def review_pages(access: SignIn) -> list[Route]:
        return ReviewPages(access, review).routes()

    config = uvicorn.Config(
        create_app(settings, more_pages=review_pages),
        host=args.host,
        port=args.port,
        ws="none",  # Rasa pins a websockets too old for uvicorn's; the desk needs none
    )
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, WithoutQueryStrings) for f in access.filters):
        access.addFilter(WithoutQueryStrings())
    try:
        uvicorn.Server(config).run()
    finally:
        review.close()
    return 0


def _first_admin(url: str, password: str) -> None:
    """Make the first admin account if the desk has none, so its page can be signed in to."""
    engine = make_engine(url)
    try:
        made = AccountRepository(engine).first_admin(password)
    finally:
        engine.dispose()
    if made is not None:
        print(texts("bot.cli").say("desk.first_admin", login=made.login), file=sys.stderr)
