"""Where a turn's time goes in Rasa (`python -m benchmarks.turn_profile [--stock]`).

Loads the model in this process as the Rasa server does, with a real action server, and runs
10 conversations of 10 questions of the development set under cProfile; prints the time per
turn and the top entries by cumulative and by own time. `--stock` leaves Rasa as it ships (no
`bot/assistant/action_results.py`): the "before" of docs/benchmarks.md.
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

import yaml

from bot.assistant.runtime import LocalAssistant
from bot.assistant.training import Project, train

ROOT = Path(__file__).resolve().parents[1]


async def profile(model: Path, stock: bool, entries: int) -> None:
    """Run the turns under the profiler and print what it found."""
    questions = yaml.safe_load((ROOT / "tests/data/dev_questions.yml").read_text())["questions"]
    texts = [q["text"] for q in questions]
    if stock:
        import bot.assistant.action_results as results

        results.install = lambda: None  # Rasa's own check, as shipped
    async with LocalAssistant(model, root=ROOT) as assistant:
        await assistant.ask("xin chào", "warm-up")
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        agent = assistant.agent
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
    parser.add_argument("--entries", type=int, default=25)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    import structlog  # Rasa's own debug lines, which it prints through structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    model = train(Project(ROOT), ROOT / "config.yml")
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("RASA_TRACKER_DB", str(Path(folder) / "tracker.db"))
        asyncio.run(profile(model, args.stock, args.entries))


if __name__ == "__main__":
    main()
