"""Engines and migrations for the desk's database.

The desk keeps its own Alembic history in its own version table, so it may share a database
with the assistant's store (both histories start at 0001) without either mistaking the other's.
"""

from __future__ import annotations

from pathlib import Path

from bot.db import make_engine, upgrade

__all__ = ["VERSION_TABLE", "make_engine", "migrate"]

_MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "desk_alembic_version"


def migrate(url: str) -> None:
    """Bring the desk's tables in the database at `url` to the latest schema."""
    upgrade(url, _MIGRATIONS)
