"""The action server: rasa_sdk's app for the actions package, answering only its own caller.

rasa_sdk 3.6 serves every call on 0.0.0.0 without asking who calls, and an action call carries
a whole conversation: anyone who reached the port could post a made-up one and read an
official's tickets. Here the same app listens on 127.0.0.1 unless told otherwise (a container
listens on its own interface, `helpdesk actions --host`), and every call but `/health` must carry
the token Rasa sends (`Authorization: Bearer`, set in endpoints.yml).
"""

from __future__ import annotations

import hmac

from rasa_sdk.endpoint import create_app
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

HOST = "127.0.0.1"
# How long a caller's idle connection is kept open: longer than Rasa keeps one on its side
# (bot/assistant/action_connections.py), so that Rasa never sends a call on a connection this
# server is closing.
KEEP_ALIVE_SECONDS = 15
# Open to all: `helpdesk run` waits on it, and it tells nothing.
_OPEN_PATHS = frozenset({"/health"})


def build_app(token: str) -> Sanic:
    """rasa_sdk's app for the `actions` package, refusing calls without `token`."""
    # No CORS origins: no web page has any business calling the action server.
    app: Sanic = create_app("actions", cors_origins=None)
    app.config.KEEP_ALIVE_TIMEOUT = KEEP_ALIVE_SECONDS
    expected = f"Bearer {token}".encode()

    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in _OPEN_PATHS:
            return None
        presented = request.headers.get("Authorization", "").encode()
        # Compared in constant time: how long a refusal takes says nothing of the token.
        if hmac.compare_digest(presented, expected):
            return None
        return response.json({"error": "a valid bearer token is required"}, status=401)

    app.register_middleware(require_token, "request")
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    return app


def serve(token: str, port: int, host: str = HOST) -> None:
    """Serve the actions on `host`:`port` until SIGTERM or Ctrl-C."""
    # No access log: it would hold every caller's path and query for nothing.
    build_app(token).run(host, port, workers=1, access_log=False, motd=False)
