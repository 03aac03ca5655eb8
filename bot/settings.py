"""Typed settings, one object per process, read from the environment (HELPDESK_*)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseSettings, SecretStr


def group_chat_id(value: int | None) -> int | None:
    """`value` if it is a group's chat id (negative); a ValueError otherwise."""
    if value is not None and value >= 0:
        raise ValueError("must be a group's chat id, a negative number such as -1001234567890")
    return value


class StoreSettings(BaseSettings):
    """Where the assistant's own data lives: SQLite by default, PostgreSQL by URL."""

    database_url: str = "sqlite:///var/helpdesk.db"

    class Config:
        env_prefix = "HELPDESK_"


class ActionSettings(StoreSettings):
    """The action server: the knowledge base it answers from and the store."""

    knowledge_base_dir: Path = Path("knowledge_base")


class AssistantSettings(BaseSettings):
    """How the chats reach the Rasa server, and how long an official may wait for a reply."""

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_seconds: float = 8.0

    class Config:
        env_prefix = "HELPDESK_"


class DeskClientSettings(BaseSettings):
    """How the assistant reaches the document system: the built-in desk or a province's own.

    The token has no default: a province's system must not be called with a guessable one, and
    `helpdesk run` generates a local token for the built-in desk.
    """

    desk_url: str = "http://127.0.0.1:8100"
    desk_token: SecretStr
    desk_timeout_seconds: float = 10.0

    class Config:
        env_prefix = "HELPDESK_"
