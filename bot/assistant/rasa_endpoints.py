"""The endpoints a Rasa server of ours reads: the repository's, with the stores the settings name.

Why it looks like this:
- On embedded defaults Rasa keeps conversations in the SQLite file `helpdesk run` prepares
  (endpoints.yml as committed). With HELPDESK_DATABASE_URL on PostgreSQL, every replica keeps
  them in that database instead (Rasa's SQL tracker store, table `events`), so a replica that
  stops hands its conversations to the next with nothing lost.
- With HELPDESK_REDIS_URL, Rasa's Redis lock store orders the turns of one conversation across
  replicas too. It is the second line only: each gateway already sends a conversation to one
  replica (bot/replicas.py), because the open-source lock store can race between instances.
- The file is written for one start, owner-only, into a folder the caller removes when Rasa
  stops: it may hold the database's password, which must not be in a committed file or in `ps`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

from bot.db import holds_conversations

LOCK_PREFIX = "helpdesk"


def endpoints(base: Path, database_url: str | None, redis_url: str | None) -> dict[str, Any]:
    """The endpoints of `base` (endpoints.yml), with the tracker and lock stores the URLs name."""
    config: dict[str, Any] = yaml.safe_load(base.read_text(encoding="utf-8")) or {}
    if database_url and holds_conversations(database_url):
        url = make_url(database_url)
        config["tracker_store"] = {
            "type": "SQL",
            "dialect": "postgresql",
            # Rasa passes an endpoint's `url` on as the host: `host` here would be given twice.
            "url": url.host or "127.0.0.1",
            "port": url.port or 5432,
            "db": url.database,
            "username": url.username,
            "password": url.password,
        }
        if url.query:  # e.g. the schema: ?options=-csearch_path%3D...
            config["tracker_store"]["query"] = dict(url.query)
    if redis_url:
        config["lock_store"] = _redis(redis_url)
    return config


def write_endpoints(
    folder: Path, base: Path, database_url: str | None, redis_url: str | None
) -> Path:
    """`endpoints(...)` written owner-only into `folder`; its path."""
    target = folder / "endpoints.yml"
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        yaml.safe_dump(endpoints(base, database_url, redis_url), file, allow_unicode=True)
    return target


def _redis(redis_url: str) -> dict[str, Any]:
    url = make_url(redis_url)
    store: dict[str, Any] = {
        "type": "redis",
        "url": url.host or "127.0.0.1",
        "port": url.port or 6379,
        "db": int(url.database or 0),
        "key_prefix": LOCK_PREFIX,
    }
    if url.password:
        store["password"] = url.password
    if url.get_backend_name() == "rediss":
        store["use_ssl"] = True
    return store
