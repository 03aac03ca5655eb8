"""Stopping the children `helpdesk run` starts: each takes whatever it started down with it.

A small fake tree stands in for the servers: a child that starts a grandchild (as `helpdesk
retrain` starts `rasa train`), writes both ids to a file, and waits.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.assistant import processes
from tests.support.process_tree import alive, all_gone, read_pids

# argv: the file for the ids; how the grandchild is started: "plain" (a bare Popen), "tied"
# (dies with the child, as `rasa train` with `helpdesk retrain`) or "stubborn" (both ignore
# SIGTERM, as a child stuck in a long shutdown).
CHILD = """
import os, signal, subprocess, sys
from pathlib import Path
from bot.assistant import processes

ids, mode = Path(sys.argv[1]), sys.argv[2]
if mode == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # inherited by the grandchild
tie = processes.dies_with_this_process() if mode == "tied" else None
pause = [sys.executable, "-c", "import signal; signal.pause()"]
grandchild = subprocess.Popen(pause, preexec_fn=tie)
ids.with_suffix(".tmp").write_text(f"{os.getpid()}\\n{grandchild.pid}\\n")
ids.with_suffix(".tmp").rename(ids)
while True:
    signal.pause()
"""

# argv: the file for the ids. Starts CHILD (tied grandchild) as `helpdesk run` starts servers.
PARENT = """
import signal, sys
from pathlib import Path
from bot.assistant import processes

processes.spawn([sys.executable, "-c", sys.argv[1], sys.argv[2], "tied"], Path.cwd(), None, None)
signal.pause()
"""


def start_child(root: Path, ids: Path, mode: str) -> subprocess.Popen[bytes]:
    return processes.spawn([sys.executable, "-c", CHILD, str(ids), mode], root, None, None)


def test_stopping_a_child_stops_the_processes_it_started(root: Path, tmp_path: Path) -> None:
    ids = tmp_path / "ids"
    child = start_child(root, ids, "plain")
    family = read_pids(ids, 2)
    processes.stop(child)
    assert child.returncode == -signal.SIGTERM
    assert all_gone(family)


def test_a_child_that_ignores_sigterm_is_killed_with_its_group_after_the_grace(
    root: Path, tmp_path: Path
) -> None:
    ids = tmp_path / "ids"
    child = start_child(root, ids, "stubborn")
    family = read_pids(ids, 2)
    start = time.monotonic()
    processes.stop(child, grace=0.5)
    assert time.monotonic() - start < 5
    assert child.returncode == -signal.SIGKILL
    assert all_gone(family)


def test_children_die_with_a_parent_killed_by_sigkill(root: Path, tmp_path: Path) -> None:
    ids = tmp_path / "ids"
    parent = subprocess.Popen([sys.executable, "-c", PARENT, CHILD, str(ids)], cwd=root)
    try:
        child, grandchild = read_pids(ids, 2)
        assert alive(child) and alive(grandchild)
    finally:
        parent.kill()
        parent.wait()
    assert all_gone([child, grandchild])


def test_a_child_that_never_comes_up_is_stopped_with_the_others(root: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    health = f"http://127.0.0.1:{processes.free_port()}/health"
    never_healthy = [sys.executable, "-c", CHILD, str(second), "plain"]
    with pytest.raises(TimeoutError), processes.Children() as children:
        children.adopt(start_child(root, first, "plain"))
        children.serve(never_healthy, root, {}, tmp_path / "log", health, timeout=2)
    assert all_gone([*read_pids(first, 2), *read_pids(second, 2)])
