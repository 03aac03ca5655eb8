"""The servers `helpdesk run` and `eval` start: why one is of no use, said in Vietnamese."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.assistant import processes
from bot.texts import texts


def test_a_server_that_stops_at_once_is_named_with_its_exit_code() -> None:
    command = [sys.executable, "-c", "raise SystemExit(3)"]
    process = subprocess.Popen(command)
    port = processes.free_port()
    with pytest.raises(RuntimeError) as raised:
        processes.wait_healthy(f"http://127.0.0.1:{port}/", process, timeout=30)
    expected = texts("bot.assistant").say("processes.exited", command=command, code=3)
    assert str(raised.value) == expected


def test_a_server_that_does_not_answer_in_time_is_named_by_its_address() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    url = f"http://127.0.0.1:{processes.free_port()}/"
    try:
        with pytest.raises(TimeoutError) as raised:
            processes.wait_healthy(url, process, timeout=1.0)
    finally:
        processes.stop(process)
    expected = texts("bot.assistant").say("processes.no_answer", url=url, seconds=1)
    assert str(raised.value) == expected
