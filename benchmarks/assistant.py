"""Benchmarks: training time, `ask` latency and the Rasa server's memory (`make bench`).

Figures are printed, never asserted: the machines are shared and noisy.
"""

from __future__ import annotations

import asyncio
import secrets
import statistics
import sys
import time
from pathlib import Path

import httpx
import yaml

from bot import logs
from bot.assistant import processes
from bot.assistant.runtime import LocalAssistant
from bot.assistant.training import Project, train
from bot.rasa import WEBHOOK, channel_headers
from bot.settings import ACTION_SERVER_TOKEN, RASA_CHANNEL_TOKEN


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def rss_mib(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def ask_latency(model: Path, root: Path, questions: list[str]) -> list[float]:
    """Seconds per question through the loaded assistant, as `helpdesk ask --jsonl` runs."""
    timings = []
    async with LocalAssistant(model, root=root) as assistant:
        await assistant.ask("xin chào")  # first call loads lazily; not what officials wait for
        for question in questions:
            start = time.perf_counter()
            await assistant.ask(question)
            timings.append(time.perf_counter() - start)
    return timings


def server_memory(model: Path, root: Path, questions: list[str]) -> tuple[float, float]:
    """RSS of `rasa run` after loading the model, and after answering the questions."""
    ports = processes.free_port(), processes.free_port()
    token, channel = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    actions = processes.start_action_server(root, ports[1], token)
    env = {
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports[1]}/webhook",
        # endpoints.yml sends it to the action server, which refuses calls without it.
        ACTION_SERVER_TOKEN: token,
        "RASA_TRACKER_DB": str(root / "build" / "bench_tracker.db"),
        # credentials.yml (read by default) puts the channel behind this token.
        RASA_CHANNEL_TOKEN: channel,
    }
    # Started as `helpdesk run` starts its children: it dies with the benchmark.
    rasa = processes.spawn(
        [
            *(sys.executable, "-m", "rasa", "run", "-i", "127.0.0.1", "-p", str(ports[0])),
            *("-m", str(model), "--endpoints", "endpoints.yml"),
        ],
        root,
        env,
        None,
    )
    try:
        processes.wait_healthy(f"http://127.0.0.1:{ports[0]}/", rasa, timeout=300)
        loaded = rss_mib(rasa.pid)
        with httpx.Client(
            base_url=f"http://127.0.0.1:{ports[0]}", timeout=60, headers=channel_headers(channel)
        ) as http:
            for number, question in enumerate(questions):
                answer = http.post(
                    WEBHOOK, json={"sender": f"bench-{number % 50}", "message": question}
                )
                answer.raise_for_status()  # a refused token would measure nothing
        return loaded, rss_mib(rasa.pid)
    finally:
        processes.stop(rasa)
        processes.stop(actions)


def main() -> None:
    """Print every figure of docs/benchmarks.md's performance section."""
    logs.configure()
    root = Path.cwd()
    cases = yaml.safe_load((root / "tests/data/eval_questions.yml").read_text(encoding="utf-8"))
    questions = [c["text"] for c in cases["questions"]]

    start = time.perf_counter()
    model = train(Project(root), root / "config.yml", force=True)
    print(f"full training (config.yml, forced): {time.perf_counter() - start:.1f} s")

    timings = asyncio.run(ask_latency(model, root, questions))
    median = statistics.median(timings) * 1000
    print(
        f"ask, {len(timings)} questions in one process: median {median:.0f} ms, "
        f"p95 {percentile(timings, 0.95) * 1000:.0f} ms, total {sum(timings):.1f} s"
    )
    loaded, after = server_memory(model, root, questions[:200])
    print(f"rasa server RSS: {loaded:.0f} MiB after loading, {after:.0f} MiB after 200 messages")


if __name__ == "__main__":
    main()
