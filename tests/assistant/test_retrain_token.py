"""`helpdesk retrain` loads the new model through Rasa's API with the token Rasa asks for.

The fake Rasa refuses `/status` and `PUT /model` as `rasa run --auth-token` does: 401 unless
the query string carries `token=` with its token.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.assistant import retrain
from bot.assistant import retrain_progress as progress
from bot.assistant.training import model_path
from bot.cli.main import main
from bot.kb import publishing
from bot.settings import RASA_API_TOKEN

TOKEN = secrets.token_urlsafe(32)
# What loading a model asks of a replica: what it serves, load this, and does it serve it now.
LOADED = ["GET /status", "PUT /model", "GET /status"]


class GuardedRasa:
    """`/status` and `PUT /model` behind a token, recording who got in and who did not."""

    def __init__(self) -> None:
        self.allowed: list[str] = []
        self.refused: list[str] = []
        self.serves = "config-old.tar.gz"
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _admitted(self) -> bool:
                given = parse_qs(urlsplit(self.path).query).get("token", [""])[0]
                path = f"{self.command} {urlsplit(self.path).path}"
                (outer.allowed if given == TOKEN else outer.refused).append(path)
                if given != TOKEN:
                    self.send_response(401)
                    self.end_headers()
                return given == TOKEN

            def do_GET(self) -> None:
                if self._admitted():
                    body = json.dumps({"model_file": outer.serves}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(body)

            def do_PUT(self) -> None:
                asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self._admitted():
                    outer.serves = asked["model_file"]
                    self.send_response(204)
                    self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@pytest.fixture
def rasa() -> Iterator[GuardedRasa]:
    server = GuardedRasa()
    yield server
    server.close()


@pytest.fixture
def state(tmp_path: Path, root: Path) -> Path:
    """A state folder whose live version's model is already on disk: a retraining only loads."""
    publishing.ensure_seeded(tmp_path, root / "knowledge_base")
    target = model_path(retrain.live_project(tmp_path, root), root / "config.yml")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"model")
    return tmp_path


def test_the_model_is_loaded_with_the_token_which_no_log_shows(
    state: Path, root: Path, rasa: GuardedRasa, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    finished = retrain.run(state, root, rasa.url, rasa_token=TOKEN)
    assert finished is not None and (finished.phase, finished.loaded) == ("done", True)
    assert (rasa.allowed, rasa.refused) == (LOADED, [])
    assert TOKEN not in caplog.text


def test_without_the_token_the_server_refuses_and_the_retraining_fails(
    state: Path, root: Path, rasa: GuardedRasa
) -> None:
    finished = retrain.run(state, root, rasa.url)
    assert finished is not None and (finished.phase, finished.error) == (
        "failed",
        progress.LOAD_FAILED,
    )
    assert (rasa.allowed, rasa.refused) == ([], ["GET /status"])


@pytest.mark.parametrize("where", ["environment", "state"])
def test_the_command_takes_the_token_from_the_environment_or_from_helpdesk_runs_secrets(
    state: Path,
    root: Path,
    rasa: GuardedRasa,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    monkeypatch.delenv(RASA_API_TOKEN, raising=False)
    if where == "environment":
        monkeypatch.setenv(RASA_API_TOKEN, TOKEN)
    else:  # as `helpdesk run` leaves it for this state folder
        (state / "local-secrets.env").write_text(f"{RASA_API_TOKEN}={TOKEN}\n")
    command = ["--root", str(root), "retrain", "--wait", "--state-dir", str(state)]
    assert main([*command, "--rasa-url", rasa.url]) == 0
    assert rasa.allowed == LOADED
    assert TOKEN not in capsys.readouterr().out


def test_every_replica_is_asked_to_load_the_new_model(state: Path, root: Path) -> None:
    replicas = [GuardedRasa(), GuardedRasa()]
    try:
        listed = ",".join(replica.url for replica in replicas)
        finished = retrain.run(state, root, listed, rasa_token=TOKEN)
        assert finished is not None and (finished.phase, finished.loaded) == ("done", True)
        assert [r.allowed for r in replicas] == [LOADED] * 2
    finally:
        for replica in replicas:
            replica.close()
