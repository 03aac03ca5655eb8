"""One background retraining at a time, and the swap of the model into the running server.

`rasa train` itself runs in the end-to-end test (tests/test_live_knowledge_base.py); here the
model of the live knowledge base is already on disk, so a retraining only loads it.
"""

from __future__ import annotations

import fcntl
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bot.assistant import retrain, retrain_lock
from bot.assistant import retrain_progress as progress
from bot.assistant.retrain_display import describe, duration
from bot.assistant.training import Project, model_path, pipeline_config
from bot.cli.main import main
from bot.kb import publishing
from bot.texts import texts
from tests.support.live_kb import SAMPLE_ARTICLE, add_article, publish_edit


@pytest.fixture
def state(tmp_path: Path, root: Path) -> Path:
    publishing.ensure_seeded(tmp_path, root / "knowledge_base")
    return tmp_path


class FakeRasa:
    """A Rasa server's /status and PUT /model on localhost, answering `status` to PUT; /status
    names the last model it loaded."""

    def __init__(self, status: int) -> None:
        self.loaded: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                served = outer.loaded[-1]["model_file"] if outer.loaded and status < 300 else ""
                body = json.dumps({"model_file": served or "config-old.tar.gz"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def do_PUT(self) -> None:
                length = int(self.headers["Content-Length"])
                outer.loaded.append(json.loads(self.rfile.read(length)))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever)

    def __enter__(self) -> FakeRasa:
        self._thread.start()
        return self

    def __exit__(self, *args: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def put_model_on_disk(state: Path, root: Path) -> Path:
    """The file a retraining of the live version would produce, as if already trained."""
    target = model_path(retrain.live_project(state, root), root / "config.yml")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"model")
    return target


def test_a_fresh_state_maps_to_the_repositorys_model(state: Path, root: Path) -> None:
    config = root / "config.yml"
    live = retrain.live_project(state, root)
    assert live.knowledge_base != root / "knowledge_base"
    assert model_path(live, config).name == model_path(Project(root), config).name


def test_a_published_article_changes_the_model_that_is_needed(state: Path, root: Path) -> None:
    config = root / "config.yml"
    before = model_path(retrain.live_project(state, root), config).name
    publish_edit(state, root / "knowledge_base", lambda kb: add_article(kb, SAMPLE_ARTICLE))
    live = retrain.live_project(state, root)
    assert model_path(live, config).name != before
    assert retrain.version_of(live) == 2
    assert retrain.trained_model(state, root, config) is None


@pytest.mark.parametrize(
    ("status", "phase", "loaded"), [(204, "done", True), (500, "failed", False)]
)
def test_the_model_is_handed_to_the_running_server(
    state: Path, root: Path, status: int, phase: str, loaded: bool
) -> None:
    publish_edit(state, root / "knowledge_base", lambda kb: add_article(kb, SAMPLE_ARTICLE))
    model = put_model_on_disk(state, root)
    with FakeRasa(status) as rasa:
        finished = retrain.run(state, root, rasa.url)
    assert rasa.loaded == [{"model_file": str(model.resolve())}]
    assert finished is not None
    assert (finished.phase, finished.loaded, finished.version) == (phase, loaded, 2)
    assert retrain.read_progress(state) == finished
    if phase == "failed":
        assert finished.error == progress.LOAD_FAILED


def test_without_a_running_server_the_model_waits_for_the_next_start(
    state: Path, root: Path
) -> None:
    put_model_on_disk(state, root)
    finished = retrain.run(state, root, "http://127.0.0.1:9")
    assert finished is not None and (finished.phase, finished.loaded) == ("done", False)
    assert describe(finished, running=False) == texts("bot.assistant").say(
        "phases.done_not_loaded",
        what=texts("bot.assistant").say("what.version", version=1),
        elapsed=duration(finished.elapsed),
    )


@pytest.fixture
def held_elsewhere(state: Path) -> Iterator[None]:
    """The retraining lock, held as another process holds it."""
    (state / "kb").mkdir(parents=True, exist_ok=True)
    with open(state / "kb" / "retrain.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
        fcntl.flock(lock, fcntl.LOCK_UN)


def test_a_request_during_a_retraining_is_left_to_it(
    state: Path, root: Path, held_elsewhere: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(retrain, "_retrain_once", lambda state, *args: calls.append(state))
    assert retrain_lock.is_running(state)
    assert retrain.run(state, root, None) is None
    assert calls == []
    assert (state / "kb" / "retrain.request").exists()


def test_a_version_published_during_a_retraining_is_trained_right_after(
    state: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions: list[int | None] = []

    def train_once(state: Path, root: Path, *args: Any) -> progress.Progress:
        versions.append(retrain.version_of(retrain.live_project(state, root)))
        assert retrain_lock.is_running(state)
        if len(versions) == 1:  # a trainer publishes meanwhile, and asks again
            publish_edit(state, root / "knowledge_base", lambda kb: add_article(kb, SAMPLE_ARTICLE))
            retrain_lock.request(state)
        return progress.Progress("done", "", 0.0, versions[-1])

    monkeypatch.setattr(retrain, "_retrain_once", train_once)
    finished = retrain.run(state, root, None)
    assert versions == [1, 2]
    assert finished is not None and finished.version == 2
    assert not retrain_lock.is_running(state)
    assert not (state / "kb" / "retrain.request").exists()


def test_a_background_start_while_one_runs_leaves_its_request(
    state: Path, root: Path, held_elsewhere: None
) -> None:
    retrain.start_in_background(state, root, None)
    log = retrain.log_path(state)
    deadline = time.monotonic() + 120
    while texts("bot.assistant").say("already_running") not in (
        log.read_text() if log.exists() else ""
    ):
        assert time.monotonic() < deadline, log.read_text() if log.exists() else "no log"
        time.sleep(0.2)
    assert (state / "kb" / "retrain.request").exists()


def test_status_tells_the_trainer_how_far_it_is(
    state: Path, root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["--root", str(root), "retrain", "status", "--state-dir", str(state)]
    assert main(command) == 0
    assert capsys.readouterr().out.strip() == texts("bot.assistant").say("none")

    progress.Tracker(retrain.progress_path(state), 1, retrain.log_path(state))
    assert main(command) == 0  # preparing, but nobody holds the lock: it was interrupted
    assert capsys.readouterr().out.strip() == texts("bot.assistant").say(
        "phases.interrupted", what=texts("bot.assistant").say("what.version", version=1)
    )


def test_the_pipeline_reads_the_knowledge_base_of_the_trained_version(
    state: Path, root: Path
) -> None:
    live = retrain.live_project(state, root).knowledge_base
    settings = pipeline_config(root / "config.yml", live)
    readers = [c for c in settings["pipeline"] if {"abbreviations", "knowledge_base"} & set(c)]
    assert readers
    for component in readers:
        assert component.get("knowledge_base", str(live)) == str(live)
        abbreviations = str(live / "abbreviations.yml")
        assert component.get("abbreviations", abbreviations) == abbreviations
    assert settings["policies"]
