"""`helpdesk purge`: delete personal data older than the retention period (docs/operations.md).

Reads HELPDESK_RETENTION_DAYS (365 unless set), HELPDESK_DATABASE_URL and RASA_TRACKER_DB as
`helpdesk run` sets them, else the files of the state folder (var/). A SQLite file that does not
exist is left so: there is nothing in it to delete, and creating it would hide a mistyped path.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.cli.settings_errors import print_settings_errors
from bot.db import holds_conversations, make_engine
from bot.display import vietnam_time
from bot.report.databases import as_url, shown_url
from bot.store.database import migrate
from bot.store.retention import RetentionSettings, purge_conversations, purge_store
from bot.texts import texts


def register(commands: Any) -> None:
    """Add the `purge` command."""
    said, names = texts("bot.store"), texts("bot.cli")
    parser = commands.add_parser("purge", help=said.say("purge.help"))
    parser.add_argument(
        "--older-than",
        type=days,
        metavar=names.say("metavars.number"),
        help=said.say("purge.older_than"),
    )
    parser.add_argument("--dry-run", action="store_true", help=said.say("purge.dry_run"))
    parser.add_argument(
        "--state-dir",
        type=Path,
        metavar=names.say("metavars.folder"),
        help=names.say("options.state_dir"),
    )
    parser.set_defaults(handler=_purge)


def days(value: str) -> int:
    """A number of days, more than 0 (argparse says it is invalid otherwise)."""
    number = int(value)
    if number <= 0:
        raise ValueError(value)
    return number


def _purge(args: argparse.Namespace) -> int:
    try:
        settings = RetentionSettings()
    except ValidationError as error:
        print_settings_errors(error)
        return 1
    said = texts("bot.store")
    keep = args.older_than or settings.retention_days
    cutoff = datetime.now(timezone.utc) - timedelta(days=keep)
    dry_run: bool = args.dry_run
    print(
        said.say("purge.dry" if dry_run else "purge.done", days=keep, cutoff=vietnam_time(cutoff))
    )
    state: Path = (args.state_dir or args.root / "var").absolute()
    store = as_url(os.environ.get("HELPDESK_DATABASE_URL") or str(state / "helpdesk.db"))
    # On PostgreSQL Rasa's conversations are in the store's database (bot/db.py).
    tracker = store
    if not holds_conversations(store):
        tracker = as_url(os.environ.get("RASA_TRACKER_DB") or str(state / "rasa_tracker.db"))

    def conversations(engine: Engine) -> list[str]:
        removed = purge_conversations(engine, cutoff, dry_run=dry_run)
        return [said.say("purge.conversations", senders=removed.senders, rows=removed.rows)]

    def tables(engine: Engine) -> list[str]:
        if not dry_run:
            migrate(store)  # the tables as this version knows them
        what = said.labels("purge.tables")
        return [
            said.say("purge.line", table=done.table, what=what[done.table], rows=done.rows)
            for done in purge_store(engine, cutoff, dry_run=dry_run)
        ]

    ok = _each(tracker, "tracker_db", "no_conversations", conversations)
    return 0 if _each(store, "store_db", "no_store", tables) and ok else 1


def _each(url: str, what: str, missing: str, work: Callable[[Engine], list[str]]) -> bool:
    """Print the lines `work` makes of the database at `url`; False if it cannot be reached.

    A SQLite file that does not exist is said so and left alone.
    """
    said = texts("bot.store")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(str(parsed.database)).is_file():
        print(said.say(f"purge.{missing}", path=parsed.database))
        return True
    engine = make_engine(url)
    try:
        lines = work(engine)
    except SQLAlchemyError:
        where = said.say(f"purge.{what}")
        print(said.say("purge.unreachable", what=where, url=shown_url(url)), file=sys.stderr)
        return False
    finally:
        engine.dispose()
    print("\n".join(lines))
    return True
