"""Where a turn's time goes in Rasa (`python -m benchmarks.turn_profile [--stock] [--sqlite]`).

Loads the model in this process as the Rasa server does, with a real action server, and runs
10 conversations of 10 questions of the development set under cProfile; prints the time per
turn and the top entries by cumulative and by own time. `--stock` leaves Rasa as it ships (no
`bot/assistant/action_results.py`, `event_types.py` or `tracker_sqlite.py`): the "before" of
docs/benchmarks.md. `--sqlite` keeps the conversations in a SQLite file in WAL mode, as
`helpdesk run` does, instead of in memory: Rasa's SQL tracker store's reads and commits count.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

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


async def profile(model: Path, stock: bool, entries: int, sqlite: Path | None) -> None:
    """Run the turns under the profiler and print what it found."""
    questions = yaml.safe_load((ROOT / "tests/data/dev_questions.yml").read_text())["questions"]
    texts = [q["text"] for q in questions]
    if stock:
        import bot.assistant.action_results as results
        import bot.assistant.event_types as types

        results.install = lambda: None  # Rasa's own check, as shipped
        types.install = lambda: None  # Rasa's own search of the events' classes
    async with LocalAssistant(model, root=ROOT) as assistant:
        await assistant.ask("xin chào", "warm-up")
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        agent = assistant.agent
        if sqlite is not None:
            sqlite_store(agent, sqlite, stock)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for conversation in range(10):
            for turn in range(10):
                text = texts[(conversation * 10 + turn) % len(texts)]
                message = UserMessage(text, CollectingOutputChannel(), f"profile-{conversation}")
                await agent.handle_message(message)
        profiler.disable()
        elapsed = time.perf_counter() - started
    print(f"100 turns in {elapsed:.2f} s: {1000 * elapsed / 100:.0f} ms per turn")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(entries)
    stats.sort_stats("tottime").print_stats(entries)


def main() -> None:
    """Profile with the project's model, trained first if needed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stock", action="store_true")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--entries", type=int, default=25)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    import structlog  # Rasa's own debug lines, which it prints through structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    model = train(Project(ROOT), ROOT / "config.yml")
    with tempfile.TemporaryDirectory() as folder:
        sqlite = Path(folder) if args.sqlite else None
        asyncio.run(profile(model, args.stock, args.entries, sqlite))


if __name__ == "__main__":
    main()
