"""Engines and migrations of the assistant's store."""

from __future__ import annotations

from pathlib import Path

from bot.db import make_engine, upgrade

__all__ = ["make_engine", "migrate"]

_MIGRATIONS = Path(__file__).parent / "migrations"


def migrate(url: str) -> None:
    """Bring the database at `url` to the latest schema."""
    upgrade(url, _MIGRATIONS)
