"""Engines and Alembic upgrades shared by the assistant's store and the built-in desk."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url


def make_engine(url: str) -> Engine:
    """An engine for the URL, creating the folder of a SQLite file if needed.

    Parameters are hidden from error messages, which may be logged: they hold phone numbers.
    SQLite waits up to 30 s for a concurrent writer instead of failing at once.
    """
    parsed = make_url(url)
    options: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite":
        options["connect_args"] = {"timeout": 30}
        if parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True, **options)


def upgrade(url: str, migrations: Path) -> None:
    """Run the Alembic migrations in `migrations` on the database at `url` up to head."""
    make_engine(url).dispose()  # creates the SQLite folder
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")
