"""The action server's share of a turn, for `python -m benchmarks.turn_profile --actions`.

The action server runs in a process of its own, out of the turn's profiler's sight. Here the
calls Rasa sends it during the profiled turns are recorded as sent (the JSON bodies), then
played again in this process through rasa_sdk's own executor, as its webhook runs them after
parsing the body: the JSON parse, the tracker's rebuild, our actions and the answer's JSON, under
cProfile. The action server's own CPU seconds (from `/proc`) over the profiled turns are printed
beside, HTTP and Sanic included.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import time
from pathlib import Path
from typing import Any


def record_calls() -> list[str]:
    """Keep a copy of each body Rasa sends the action server from now on."""
    from rasa.core.actions.action import RemoteAction

    calls: list[str] = []
    original = RemoteAction._action_call_format

    def recorded(self: Any, tracker: Any, domain: Any) -> dict[str, Any]:
        body: dict[str, Any] = original(self, tracker, domain)
        calls.append(json.dumps(body))
        return body

    RemoteAction._action_call_format = recorded
    return calls


def cpu_seconds(pid: int) -> float:
    """The process's user and system CPU seconds so far (`/proc/<pid>/stat`)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def replay(calls: list[str], entries: int) -> None:
    """Run the recorded calls through rasa_sdk's executor under cProfile and print the time."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    for body in calls[:3]:  # warm-up: the knowledge base, the index, the texts
        await executor.run(json.loads(body))
    profiler = cProfile.Profile()
    started = time.process_time()
    profiler.enable()
    for body in calls:
        result = await executor.run(json.loads(body))
        json.dumps(result)
    profiler.disable()
    elapsed = time.process_time() - started
    size = sum(len(body) for body in calls) / max(len(calls), 1)
    print(f"{len(calls)} action calls replayed in {elapsed:.2f} CPU-s: ", end="")
    print(f"{1000 * elapsed / max(len(calls), 1):.1f} ms a call, {size / 1000:.0f} kB a body")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(entries)
    stats.sort_stats("tottime").print_stats(entries)
