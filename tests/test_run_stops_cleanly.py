"""A real `helpdesk run`, stopped (SIGTERM) or killed (SIGKILL) at each stage of its start,
leaves no process behind: none whose command line or environment names its state folder.

The healthy stage starts behind a published edit, so the background retraining (and its
`rasa train`) is running too when the assistant is stopped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.assistant.processes import free_port
from bot.kb import publishing
from bot.texts import texts
from tests.support.live_kb import SAMPLE_ARTICLE, add_article, publish_edit
from tests.support.process_tree import mentioning, wait_until
from tests.support.tiers import require_slow

pytestmark = pytest.mark.slow

# How each child shows in its command line.
KINDS = {
    "desk": " desk serve ",
    "actions": " actions --port ",
    "rasa": " rasa --port ",
    "gateway": " gateway --port ",
    "notifier": " notifier",
    "retraining": " retrain --wait ",
    "rasa train": " rasa train ",
}
# Rasa loads the model in well under this on two busy cores; the rest start in seconds.
START = 600.0
# What stopping may take from the signal: every child at once, Rasa the slowest (about 8
# seconds), none more than bot.assistant.processes.STOP_GRACE before it is killed.
STOPPING = 15.0


class Run:
    """`helpdesk run --no-terminal` on free ports, its state and log in `state`."""

    def __init__(self, root: Path, state: Path) -> None:
        require_slow("starting `helpdesk run`")
        self.state = state
        self.chat = free_port()
        ports = ["--rasa-port", str(free_port()), "--actions-port", str(free_port())]
        ports += ["--chat-port", str(self.chat), "--desk-port", str(free_port())]
        env = {key: value for key, value in os.environ.items() if not key.startswith("HELPDESK_")}
        self.log = state / "run.log"
        command = [sys.executable, "-m", "bot.cli.main", "run", "--no-terminal", *ports]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--state-dir", str(state)],
                cwd=root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )

    def children(self) -> set[str]:
        """The kinds of child running now."""
        running = mentioning(str(self.state)).values()
        return {kind for kind, shown in KINDS.items() if any(shown in f"{c} " for c in running)}

    def wait_for(self, *kinds: str) -> None:
        """Until every child of `kinds` runs (failing if `helpdesk run` ends first)."""

        def started() -> bool:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            return set(kinds) <= self.children()

        assert wait_until(started, START), (self.children(), self.log.read_text()[-3000:])

    def wait_healthy(self) -> None:
        """Until `helpdesk run` says where the web chat is: every child is up."""
        line = texts("bot.chat").say("terminal.web_address", url=f"http://127.0.0.1:{self.chat}/")

        def up() -> bool:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            return line in self.log.read_text()

        assert wait_until(up, START), self.log.read_text()[-3000:]


@pytest.fixture
def state(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "state"
    folder.mkdir()
    yield folder
    for pid in mentioning(str(folder)):  # whatever a failed test left, not to disturb the next
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
@pytest.mark.parametrize("stage", ["desk", "rasa", "healthy"])
def test_no_process_outlives_helpdesk_run_whenever_it_is_stopped(
    root: Path, model: Path, state: Path, stage: str, signum: int
) -> None:
    if stage == "healthy":  # the live version is not the trained one: a retraining starts
        publishing.ensure_seeded(state, root / "knowledge_base")
        publish_edit(state, root / "knowledge_base", lambda kb: add_article(kb, SAMPLE_ARTICLE))
    run = Run(root, state)
    try:
        if stage == "healthy":
            run.wait_healthy()
            run.wait_for(*KINDS)
        else:
            run.wait_for(stage)
    finally:
        run.process.send_signal(signum)
    # `helpdesk run` itself is gone once it has exited (a zombie until reaped below).
    assert wait_until(lambda: not mentioning(str(state)), STOPPING), mentioning(str(state))
    assert run.process.wait() == (0 if signum == signal.SIGTERM else -signal.SIGKILL)
