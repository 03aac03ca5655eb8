"""Many officials at once (`make bench-load`): a closed loop of simulated officials on loopback.

Each official opens a web chat session and sends its questions one after the other, each as
soon as the previous one is answered, until it has sent them all or the run's time is up. The
same loop runs, in one run, against our stack (`helpdesk run`, through the gateway's web chat)
with 1 and 2 Rasa replicas (`--replicas`) on SQLite and on PostgreSQL + Redis, and a stock
Rasa server (`rasa run`, its own REST channel, the same model, domain and actions) hit directly.
Printed: messages/s, p50/p95/p99, errors, and the CPU seconds the Rasa and action servers
spent per answered message. Figures are printed, never asserted: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from benchmarks.assistant import percentile
from benchmarks.load_stacks import Stack, ours, stock
from bot.assistant.training import Project, train

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "data" / "dev_questions.yml"
POSTGRES = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/0"


@dataclass
class Outcome:
    """What one configuration's run gave."""

    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    cpu: float = 0.0
    gateway_cpu: float = 0.0
    # The load generator's own CPU: it shares the cores with the stack it measures.
    harness_cpu: float = 0.0

    def line(self) -> str:
        """One row of the printed table."""
        done = len(self.latencies)
        rate = done / self.seconds if self.seconds else 0.0
        if not done:
            return f"| {self.name} | 0 | – | – | – | {self.errors} | – | – | – |"
        p50, p95, p99 = (percentile(self.latencies, q) for q in (0.5, 0.95, 0.99))
        cpu = 1000 * self.cpu / done
        gateway = 1000 * self.gateway_cpu / done
        harness = 1000 * self.harness_cpu / done
        return (
            f"| {self.name} | {rate:.1f} | {p50 * 1000:.0f} ms | {p95 * 1000:.0f} ms "
            f"| {p99 * 1000:.0f} ms | {self.errors} | {cpu:.0f} ms | {gateway:.0f} ms "
            f"| {harness:.0f} ms |"
        )


async def official(
    stack: Stack, http: httpx.AsyncClient, number: int, questions: list[str], deadline: float
) -> tuple[list[float], int]:
    """One official's conversation: its latencies and how many turns failed."""
    latencies: list[float] = []
    errors = 0
    talk = await stack.open(http, f"load-{number}-{os.getpid()}")
    for question in questions:
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        try:
            answered = await talk(question)
        except httpx.HTTPError:
            answered = False
        if answered:
            latencies.append(time.perf_counter() - started)
        else:
            errors += 1
    return latencies, errors


async def closed_loop(
    stack: Stack, officials: int, questions: list[str], per_official: int, seconds: float
) -> Outcome:
    """`officials` at once, each sending `per_official` questions; bounded by `seconds`."""
    limits = httpx.Limits(max_connections=officials + 10, max_keepalive_connections=officials)
    async with httpx.AsyncClient(timeout=60.0, limits=limits) as http:
        # Warm every replica with a few turns: the first call of a process loads lazily.
        await asyncio.gather(*(official(stack, http, -i - 1, ["xin chào"], 1e12) for i in range(8)))
        before, gateway_before = stack.cpu_seconds(), stack.cpu_seconds("gateway")
        harness_before = time.process_time()
        started = time.monotonic()
        deadline = started + seconds
        runs = [
            official(
                stack,
                http,
                number,
                [questions[(number * 7 + k) % len(questions)] for k in range(per_official)],
                deadline,
            )
            for number in range(officials)
        ]
        results = await asyncio.gather(*runs)
        elapsed = time.monotonic() - started
        outcome = Outcome(stack.name, elapsed, cpu=stack.cpu_seconds() - before)
        outcome.gateway_cpu = stack.cpu_seconds("gateway") - gateway_before
        outcome.harness_cpu = time.process_time() - harness_before
    for latencies, errors in results:
        outcome.latencies.extend(latencies)
        outcome.errors += errors
    return outcome


@contextmanager
def state_folder() -> Iterator[Path]:
    """A state folder for one stack, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-load-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def reset_postgres() -> None:
    """Drop what an earlier run left in the PostgreSQL database `test`."""
    from sqlalchemy import create_engine, text

    engine = create_engine(POSTGRES, future=True)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    """Run every configuration asked for and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--officials", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=90.0)
    parser.add_argument("--replicas", default="1,2")
    parser.add_argument("--skip", default="", help="comma-separated: stock,postgres")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    questions = [q["text"] for q in yaml.safe_load(QUESTIONS.read_text())["questions"]]
    model = train(Project(ROOT), ROOT / "config.yml")
    plans: list[tuple[str, int, dict[str, str]]] = [
        (f"ours, {n} replica(s), SQLite", int(n), {}) for n in args.replicas.split(",")
    ]
    if "postgres" not in skip:
        stores = {"HELPDESK_DATABASE_URL": POSTGRES, "HELPDESK_REDIS_URL": REDIS}
        plans += [
            (f"ours, {n} replica(s), PostgreSQL + Redis", int(n), stores)
            for n in args.replicas.split(",")
        ]
    outcomes: list[Outcome] = []
    if "stock" not in skip:
        with state_folder() as state, stock(ROOT, model, state) as stack:
            outcomes.append(
                asyncio.run(
                    closed_loop(stack, args.officials, questions, args.messages, args.seconds)
                )
            )
            print(outcomes[-1].line(), flush=True)
    for name, replicas, env in plans:
        if "HELPDESK_DATABASE_URL" in env:
            reset_postgres()
        with state_folder() as state, ours(ROOT, state, replicas, env, name) as stack:
            outcomes.append(
                asyncio.run(
                    closed_loop(stack, args.officials, questions, args.messages, args.seconds)
                )
            )
            print(outcomes[-1].line(), flush=True)
    print(
        f"\n{args.officials} officials, up to {args.messages} messages each, {os.cpu_count()} cores"
    )
    print(
        "| stack | messages/s | p50 | p95 | p99 | errors "
        "| CPU per answer: Rasa + actions | gateway | load generator |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for outcome in outcomes:
        print(outcome.line())


if __name__ == "__main__":
    main()
