"""The action server's app, built once per test process (Sanic lets an app's name be taken once)."""

from __future__ import annotations

import secrets
from functools import cache
from typing import Any


@cache
def action_app() -> Any:
    """`actions.server.build_app` with a token of its own."""
    from actions import server  # rasa_sdk and Sanic

    return server.build_app(secrets.token_urlsafe(32))
