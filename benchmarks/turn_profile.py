"""Where a turn's time goes in Rasa (`python -m benchmarks.turn_profile [--stock] [--sqlite]`).

Loads the model in this process as the Rasa server does, with a real action server, and runs
10 conversations (`--conversations`) of 10 questions of the development set under cProfile;
prints the time per turn and the top entries by cumulative and by own time. `--stock` leaves
Rasa as it ships (none of `bot/assistant/`'s changes of Rasa: `action_calls.py`,
`action_results.py`, `event_types.py`, `rule_index.py`, `rule_states.py`, `tracker_sqlite.py`):
the "before" of docs/benchmarks.md. `--sqlite` keeps the conversations in a SQLite file in WAL
mode, as `helpdesk run` does, instead of in memory: Rasa's SQL tracker store's reads and commits
count. Each run prints the CPU per turn of this process (Rasa) and of the action server
(`--plain`: without cProfile, for figures to compare). `--actions` also plays the action calls
of those turns again in this process under cProfile (`action_replay.py`): the action server's
share.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from benchmarks import action_replay
from bot.assistant.runtime import LocalAssistant
from bot.assistant.training import Project, train

ROOT = Path(__file__).resolve().parents[1]


def sqlite_store(agent: Any, folder: Path, stock: bool) -> None:
    """Give `agent` Rasa's SQL tracker store on a WAL file in `folder`, as `helpdesk rasa` has."""
    from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore

    from bot.assistant import tracker_sqlite
    from bot.db import prepare_sqlite

    path = folder / "rasa_tracker.db"
    prepare_sqlite(path)
    if not stock:
        tracker_sqlite.install(path)
    store = FailSafeTrackerStore(SQLTrackerStore(agent.domain, db=str(path)))
    agent.tracker_store = agent.processor.tracker_store = store


async def profile(
    model: Path,
    stock: bool,
    entries: int,
    sqlite: Path | None,
    actions: bool,
    plain: bool,
    conversations: int,
) -> None:
    """Run the turns under the profiler and print what it found."""
    questions = yaml.safe_load((ROOT / "tests/data/dev_questions.yml").read_text())["questions"]
    texts = [q["text"] for q in questions]
    if stock:
        import bot.assistant.action_calls as calls_sent
        import bot.assistant.action_results as results
        import bot.assistant.event_types as types
        import bot.assistant.rule_index as index
        import bot.assistant.rule_states as states

        calls_sent.install = lambda: None  # the whole domain sent with each call
        results.install = lambda: None  # Rasa's own check, as shipped
        types.install = lambda: None  # Rasa's own search of the events' classes
        index.install = lambda: None  # every rule checked on each prediction
        states.install = lambda: None  # the conversation's states built for each reading
    async with LocalAssistant(model, root=ROOT) as assistant:
        await assistant.ask("xin chào", "warm-up")
        await assistant.ask(texts[0], "warm-up")  # the action server's knowledge base, index
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        agent = assistant.agent
        if sqlite is not None:
            sqlite_store(agent, sqlite, stock)
        calls = action_replay.record_calls() if actions else []
        server = assistant.action_server_pid
        server_cpu = action_replay.cpu_seconds(server) if server else 0.0
        profiler = cProfile.Profile()
        started, cpu = time.perf_counter(), time.process_time()
        if not plain:
            profiler.enable()
        for conversation in range(conversations):
            for turn in range(10):
                text = texts[(conversation * 10 + turn) % len(texts)]
                message = UserMessage(text, CollectingOutputChannel(), f"profile-{conversation}")
                await agent.handle_message(message)
        profiler.disable()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        server_cpu = action_replay.cpu_seconds(server) - server_cpu if server else 0.0
    turns = 10 * conversations
    print(f"{turns} turns in {elapsed:.2f} s: {1000 * elapsed / turns:.1f} ms per turn")
    under = "" if plain else " (under cProfile)"
    rasa, actions_cpu = 1000 * cpu / turns, 1000 * server_cpu / turns
    print(f"CPU per turn{under}: Rasa {rasa:.1f} ms, actions {actions_cpu:.1f} ms")
    if not plain:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(entries)
        stats.sort_stats("tottime").print_stats(entries)
    if actions:
        await action_replay.replay(calls, entries)


def main() -> None:
    """Profile with the project's model, trained first if needed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stock", action="store_true")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--actions", action="store_true")
    parser.add_argument("--plain", action="store_true", help="no cProfile: the CPU per turn only")
    parser.add_argument("--entries", type=int, default=25)
    parser.add_argument("--conversations", type=int, default=10, help="of 10 questions each")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    import structlog  # Rasa's own debug lines, which it prints through structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    model = train(Project(ROOT), ROOT / "config.yml")
    with tempfile.TemporaryDirectory() as folder:
        sqlite = Path(folder) if args.sqlite else None
        # The action server reads the knowledge base through a link, as `helpdesk run` has it
        # read the published version (a plain folder would be watched file by file).
        link = Path(folder) / "current"
        link.symlink_to(ROOT / "knowledge_base")
        os.environ["HELPDESK_KNOWLEDGE_BASE_DIR"] = str(link)
        options = (args.actions, args.plain, args.conversations)
        asyncio.run(profile(model, args.stock, args.entries, sqlite, *options))


if __name__ == "__main__":
    main()
