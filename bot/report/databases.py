"""Where the report reads from, and opening those databases with a clear word when it cannot."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.db import holds_conversations, make_engine
from bot.texts import texts


class ReportInputError(Exception):
    """Something the trainer gave or pointed at cannot be used; the message says what, in
    Vietnamese, and how to fix it."""


def tracker_url(given: str | None, environ: Mapping[str, str], root: Path) -> str:
    """The conversations' database: --tracker-db; else the store's when it is PostgreSQL, where
    every Rasa replica keeps them; else RASA_TRACKER_DB as `helpdesk run` sets it (a file
    path); else the file `helpdesk run` uses."""
    store = environ.get("HELPDESK_DATABASE_URL")
    if not given and holds_conversations(store):
        return as_url(str(store))
    value = given or environ.get("RASA_TRACKER_DB") or str(root / "var" / "rasa_tracker.db")
    return as_url(value)


def store_url(given: str | None, environ: Mapping[str, str], root: Path) -> str:
    """The assistant's store: --database-url, else HELPDESK_DATABASE_URL, else var/helpdesk.db."""
    value = given or environ.get("HELPDESK_DATABASE_URL") or str(root / "var" / "helpdesk.db")
    return as_url(value)


def as_url(value: str) -> str:
    """A SQLAlchemy URL; a bare path is a SQLite file, and "postgres://" is PostgreSQL's."""
    if "://" not in value:
        return f"sqlite:///{value}"
    if value.startswith("postgres://"):
        return "postgresql://" + value[len("postgres://") :]
    return value


def shown_url(url: str) -> str:
    """The URL with its password hidden, fit for a message."""
    try:
        return str(make_url(url).render_as_string(hide_password=True))
    except ArgumentError:
        return url.split("@")[-1]


def connect(url: str, what: str) -> Engine:
    """An engine on an existing database; ReportInputError if it is missing or unreachable.

    A SQLite file must exist already: connecting would otherwise create an empty one where the
    trainer mistyped a path, and report nothing without saying why. It is opened read-only: the
    report never writes, and (the files being in WAL mode) its long reads block no writer.
    """
    label = texts("bot.report").say(f"command.{what}")
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            path = Path(str(parsed.database))
            if not path.is_file():
                raise ReportInputError(
                    texts("bot.report").say("command.missing_file", what=label, path=path)
                )
        engine = make_engine(url, read_only=True)
    except (ArgumentError, ImportError, ValueError) as error:
        raise ReportInputError(
            texts("bot.report").say("command.bad_url", what=label, url=shown_url(url))
        ) from error
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as error:
        engine.dispose()
        message = texts("bot.report").say("command.unreachable", what=label, url=shown_url(url))
        raise ReportInputError(message) from error
    return engine


@contextmanager
def reading(engine: Engine, what: str) -> Iterator[None]:
    """Turn a failure while reading (a dropped connection, a table not as expected) into a
    ReportInputError naming the database."""
    try:
        yield
    except SQLAlchemyError as error:
        url = shown_url(engine.url.render_as_string(hide_password=True))
        message = texts("bot.report").say(
            "command.unreachable", what=texts("bot.report").say(f"command.{what}"), url=url
        )
        raise ReportInputError(message) from error
