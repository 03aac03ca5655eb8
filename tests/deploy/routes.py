"""Whether a probe's path is answered, without any token, by the process the probe watches.

Probes carry no token, so a path behind one would fail every check. Each process is asked the
cheapest real way: the gateway's and the desk's apps in process (starlette's TestClient), the
action server's routes and its list of open paths, the notifier's counters server on a free
local port, and Rasa's own server code, where `/` is registered with no token check (starting
Rasa needs a trained model: minutes).
"""

from __future__ import annotations

import importlib.util
import re
import secrets
import socket
from functools import cache
from pathlib import Path

import httpx
from pydantic import SecretStr
from starlette.testclient import TestClient

from bot.desk.app import create_app as desk_app
from bot.desk.settings import DeskSettings
from bot.gateway.app import create_app as gateway_app
from bot.gateway.settings import GatewaySettings
from bot.metrics import NotifierMetrics
from bot.notify.settings import NotifierSettings
from bot.webchat.settings import WebChatSettings
from tests.support.action_app import action_app
from tests.support.databases import migrated_sqlite

_RASA_HELLO = re.compile(r'@app\.get\("/"\)\s*\n\s*async def hello\(')


def answers(process: str, path: str, folder: Path) -> bool:
    """Whether `helpdesk <process>` answers GET `path` with a success, given no token."""
    if process == "gateway":
        return _gateway(path, folder)
    if process == "desk":
        return _desk(path, folder)
    if process == "actions":
        return _actions(path)
    if process == "rasa":
        return _rasa(path)
    if process == "notifier":
        return _notifier(path, folder)
    raise AssertionError(f"no probe is known for `helpdesk {process}`")


def _token() -> SecretStr:
    return SecretStr(secrets.token_urlsafe(32))


def _gateway(path: str, folder: Path) -> bool:
    settings = GatewaySettings(
        rasa_channel_token=_token(), database_url=migrated_sqlite(folder / "helpdesk.db")
    )
    app = gateway_app(settings, web=WebChatSettings(secret=_token()))
    with TestClient(app) as client:
        return client.get(path).is_success


def _desk(path: str, folder: Path) -> bool:
    tokens = f"assistant:{_token().get_secret_value()},staff:{_token().get_secret_value()}"
    settings = DeskSettings(
        tokens=SecretStr(tokens),
        session_secret=_token(),
        database_url=migrated_sqlite(folder / "desk.db", "desk"),
    )
    with TestClient(desk_app(settings)) as client:
        return client.get(path).is_success


@cache
def _action_routes() -> frozenset[str]:
    """The action server's paths."""
    return frozenset("/" + route.path for route in action_app().router.routes)


def _actions(path: str) -> bool:
    from actions import server

    return path in _action_routes() and path in server._OPEN_PATHS


def _rasa(path: str) -> bool:
    spec = importlib.util.find_spec("rasa")
    assert spec is not None and spec.origin is not None
    source = (Path(spec.origin).parent / "server.py").read_text(encoding="utf-8")
    return path == "/" and _RASA_HELLO.search(source) is not None


def _notifier(path: str, folder: Path) -> bool:
    from bot.cli.notifier_command import _serve_metrics

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = NotifierSettings(
        desk_token=_token(),
        database_url=f"sqlite:///{folder / 'helpdesk.db'}",
        notifier_metrics_host="127.0.0.1",
        notifier_metrics_port=port,
    )
    server = _serve_metrics(settings, NotifierMetrics())
    try:
        return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=5).is_success
    finally:
        server.shutdown()
        server.server_close()
