"""`helpdesk migrate`: bring the assistant's store and the desk's database to this version.

Why a command of its own: `helpdesk run`, the desk and the notifier migrate as they start,
which is right on one machine. Past one machine several replicas start at once, and an
upgrade must change the tables once, before any new process serves (docs/deploy.md): a
one-shot container or Job runs this, and the servers start after it succeeded.

Reads HELPDESK_DATABASE_URL (the store) and HELPDESK_DESK_DATABASE_URL (the desk; skipped
with `--no-desk` when the province's own document system keeps the tickets). A database that
cannot be reached or a URL that is not one is said in Vietnamese, naming the variable, never
the URL (it may hold a password).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from bot.desk import database as desk_database
from bot.desk.settings import DeskDatabaseSettings
from bot.settings import StoreSettings
from bot.store import database as store_database
from bot.texts import texts

_REFUSED = (ArgumentError, DBAPIError, NoSuchModuleError)


def register(commands: Any) -> None:
    """Add the `migrate` command."""
    said = texts("bot.cli")
    parser = commands.add_parser("migrate", help=said.say("migrate.help"))
    parser.add_argument("--no-desk", action="store_true", help=said.say("migrate.no_desk"))
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    databases: list[tuple[str, str, str, Callable[[str], None]]] = [
        ("store", "HELPDESK_DATABASE_URL", StoreSettings().database_url, store_database.migrate)
    ]
    if not args.no_desk:
        url = DeskDatabaseSettings().database_url
        databases.append(("desk", "HELPDESK_DESK_DATABASE_URL", url, desk_database.migrate))
    said = texts("bot.cli")
    for name, variable, url, migrate in databases:
        try:
            migrate(url)
        except _REFUSED as error:
            kind = type(error).__name__
            print(said.say("migrate.failed", variable=variable, kind=kind), file=sys.stderr)
            return 1
        print(said.say(f"migrate.done.{name}"), file=sys.stderr)
    return 0
