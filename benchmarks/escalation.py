"""Escalation benchmarks over real HTTP against the real desk (`make bench-escalation`).

The desk runs as `helpdesk desk serve` in a child process, on a free port, with throwaway tokens,
on a throwaway SQLite file under build/bench/ or a throwaway PostgreSQL schema. Measured:
- tickets opened per second by the assistant's own `escalate` (real DeskClient, real Outbox on
  its own SQLite file), one at a time and several at once, and that exactly that many exist;
- lookups by code, an official's own tickets (the status question) and the staff search, with
  many realistic tickets seeded first (`benchmarks.seeding`), and the query plans behind them.

Figures are printed, never asserted: the machines are shared and noisy. Wrong answers raise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import secrets
import sqlite3
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import SecretStr
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from benchmarks import seeding
from benchmarks.assistant import percentile
from benchmarks.seeding import POSTGRES, SEARCHES, Official, Seeded, payload, seed
from bot.assistant.processes import free_port, start_serving, stop
from bot.desk.database import make_engine, migrate
from bot.desk.models import TicketFilter, ticket_code
from bot.desk.repository import TicketRepository
from bot.escalation.client import DeskClient
from bot.escalation.connection import desk_client
from bot.escalation.delivery import escalate
from bot.escalation.outbox import Outbox
from bot.settings import DeskClientSettings
from bot.store import database as store

T = TypeVar("T")
_COST = re.compile(r"\s+\(cost=[^)]*\)")  # PostgreSQL's estimates, noise next to the steps


@dataclass(frozen=True)
class Sizes:
    """How much to seed and measure."""

    tickets: int = 100_000
    officials: int = 20_000
    lookups: int = 1000
    escalations: int = 500  # of each kind: sequential, then concurrent
    concurrency: int = 8


@dataclass
class Figures:
    """Seconds per lookup; elapsed seconds and seconds per escalation; what the desk holds."""

    lookups: dict[str, list[float]] = field(default_factory=dict)
    escalations: dict[str, tuple[float, list[float]]] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)
    repeats_found: int = 0
    held: int = 0


@contextmanager
def desk_server(url: str, log: Path) -> Iterator[DeskClientSettings]:
    """`helpdesk desk serve` on `url` with generated tokens; the assistant's settings to call it."""
    token, port = secrets.token_urlsafe(24), free_port()
    env = {
        "HELPDESK_DESK_DATABASE_URL": url,
        "HELPDESK_DESK_TOKENS": f"assistant:{token},staff:{secrets.token_urlsafe(24)}",
        "HELPDESK_DESK_SESSION_SECRET": secrets.token_urlsafe(48),
    }
    command = [sys.executable, "-m", "bot.cli.main", "desk", "serve", "--port", str(port)]
    log.write_bytes(b"")  # one run's log, not every run's
    health = f"http://127.0.0.1:{port}/health"
    process = start_serving(command, Path.cwd(), env, log, health, timeout=120)
    try:
        yield DeskClientSettings(desk_url=f"http://127.0.0.1:{port}", desk_token=SecretStr(token))
    finally:
        stop(process)


def query_plans(engine: Engine, seeded: Seeded) -> dict[str, list[str]]:
    """The plans of the very statements the desk runs for each lookup, by the database's EXPLAIN."""
    (channel, user_id), _ = seeded.per_requester.most_common(1)[0]  # tickets, notes: every step
    requester = TicketFilter(requester_channel=channel, requester_id=user_id)
    desk = TicketRepository(engine, {})
    runs: dict[str, Callable[[], object]] = {
        "by code": lambda: desk.get(ticket_code(1)),
        "own tickets": lambda: desk.find(requester),
        "staff search": lambda: desk.find(TicketFilter(words=tuple(SEARCHES[0].split()))),
    }
    sqlite = engine.dialect.name == "sqlite"
    plans = {}
    for name, run in runs.items():
        with engine.connect() as connection:
            plans[name] = [
                _COST.sub("", str(row[-1] if sqlite else row[0])).strip(" ->")
                for statement, parameters in _statements(engine, run)
                for row in connection.exec_driver_sql(
                    ("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters
                )
                if sqlite or "Scan" in row[0]
            ]
    return plans


def _statements(engine: Engine, run: Callable[[], object]) -> list[tuple[str, Any]]:
    """The SQL and parameters `run` sends through the engine."""
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return seen


def full_scans(plan: list[str]) -> list[str]:
    """The steps of a plan that read a whole table (or a whole index) rather than search it."""
    return [step for step in plan if step.startswith("SCAN ") or "Seq Scan" in step]


async def timed(call: Callable[[T], Awaitable[None]], items: list[T]) -> list[float]:
    """Seconds `call` took on each item, one after the other."""
    timings = []
    for item in items:
        start = time.perf_counter()
        await call(item)
        timings.append(time.perf_counter() - start)
    return timings


async def lookups(
    client: DeskClient, seeded: Seeded, count: int, rng: random.Random
) -> dict[str, list[float]]:
    """Seconds per lookup of each kind; raises if an answer is wrong."""

    async def by_code(code: str) -> None:
        if (await client.get_ticket(code)).code != code:
            raise RuntimeError(f"asked for {code}, got another ticket")

    async def own(official: Official) -> None:  # as the status question asks
        channel, user_id = official.channel, official.user_id
        page = await client.list_tickets(requester_channel=channel, requester_id=user_id, limit=50)
        if page.total != seeded.per_requester[channel, user_id] or any(
            (t.requester_channel, t.requester_id) != (channel, user_id) for t in page.items
        ):
            raise RuntimeError(f"wrong tickets for requester {channel}:{user_id}")

    async def search(words: str) -> None:
        if not (await client.list_tickets(q=words)).items:
            raise RuntimeError(f"the staff search for {words!r} found nothing")

    codes = [ticket_code(rng.randint(1, seeded.tickets)) for _ in range(count)]
    officials = rng.choices(seeded.maker.officials, k=count)  # some have no ticket at all
    words = rng.choices(SEARCHES, k=count)
    await timed(by_code, codes[:5])  # warm-up: first connections and code paths
    await timed(own, officials[:5])
    return {
        "by code": await timed(by_code, codes),
        "own tickets": await timed(own, officials),
        "staff search": await timed(search, words),
    }


async def escalate_all(
    client: DeskClient, outbox: Outbox, todo: list[tuple[dict[str, Any], str]], workers: int
) -> tuple[list[float], list[str]]:
    """Send every (payload, key) through `escalate`, `workers` at a time: timings and codes."""
    timings: list[float] = []
    codes: list[str] = []
    waiting = list(todo)

    async def worker() -> None:
        while waiting:
            body, key = waiting.pop(0)
            channel, user_id = body["requester"]["channel"], body["requester"]["user_id"]
            start = time.perf_counter()
            result = await escalate(body, key, channel, user_id, client, outbox)
            timings.append(time.perf_counter() - start)
            if result.ticket is None:
                raise RuntimeError(f"escalation queued as {result.local_code}: the desk failed")
            codes.append(result.ticket.code)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return timings, codes


async def exercise(
    settings: DeskClientSettings, outbox: Outbox, seeded: Seeded, sizes: Sizes
) -> Figures:
    """Lookups, then escalations one at a time and concurrently; checks that none is doubled."""
    figures, client = Figures(), desk_client(settings)
    try:
        figures.lookups = await lookups(client, seeded, sizes.lookups, random.Random(2))
        run, sent = uuid.uuid4().hex[:8], list[tuple[dict[str, Any], str]]()
        for workers in (1, sizes.concurrency):
            todo = [
                (payload(seeded.maker.ticket(o)), f"bench-{run}-{len(sent) + n:06d}")
                for n, o in enumerate(seeded.maker.requesters(sizes.escalations))
            ]
            sent += todo
            start = time.perf_counter()
            timings, codes = await escalate_all(client, outbox, todo, workers)
            name = "sequential" if workers == 1 else f"{workers} concurrent"
            figures.escalations[name] = (time.perf_counter() - start, timings)
            figures.codes += codes
        for body, key in sent[:10]:  # a retried action: the same key finds the same ticket
            requester = body["requester"]
            again = await escalate(
                body, key, requester["channel"], requester["user_id"], client, outbox
            )
            figures.repeats_found += bool(again.ticket and again.ticket.existed)
        figures.held = (await client.list_tickets(limit=1)).total
    finally:
        await client.aclose()
    expected = seeded.tickets + len(sent)
    if len(set(figures.codes)) != len(sent) or figures.held != expected:
        raise RuntimeError(f"expected {expected} tickets and {len(sent)} codes: {figures.held}")
    return figures


def measure(kind: str, sizes: Sizes, folder: Path, postgres_url: str = POSTGRES) -> None:
    """Seed, look up and escalate on one kind of database, and print the figures."""
    folder.mkdir(parents=True, exist_ok=True)
    store_url = f"sqlite:///{folder / f'assistant-{kind}.db'}"
    (folder / f"assistant-{kind}.db").unlink(missing_ok=True)
    store.migrate(store_url)
    with seeding.desk_database(kind, folder, postgres_url) as url:
        migrate(url)
        engine, outbox_engine = make_engine(url), store.make_engine(store_url)
        try:
            start = time.perf_counter()
            seeded = seed(engine, sizes.tickets, sizes.officials)
            seconds = time.perf_counter() - start
            plans, version = query_plans(engine, seeded), _version(engine)
            with desk_server(url, folder / f"desk-{kind}.log") as settings:
                figures = asyncio.run(exercise(settings, Outbox(outbox_engine), seeded, sizes))
        finally:
            engine.dispose()
            outbox_engine.dispose()
    print(f"\n== {version}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    people = sum(1 for o in seeded.maker.officials if seeded.per_requester[o.channel, o.user_id])
    print(
        f"seeded {seeded.tickets:,} tickets ({seeded.notes:,} notes, {seeded.changes:,} changes, "
        f"{people:,} of {sizes.officials:,} officials, at most "
        f"{seeded.per_requester.most_common(1)[0][1]} each) in {seconds:.1f} s"
    )
    for name, plan in plans.items():
        scans = full_scans(plan)
        print(f"plan, {name}: {' | '.join(plan)}" + (" <- reads the whole table" if scans else ""))
    print(f"{'lookup over HTTP':<28}{'median':>9}{'p95':>9}{'mean':>9}")
    for name, timings in figures.lookups.items():
        print(f"{f'{name} ({len(timings)})':<28}{_ms(timings)}")
    print(f"{'escalate -> ticket':<28}{'median':>9}{'p95':>9}{'mean':>9}{'tickets/s':>11}")
    for name, (elapsed, timings) in figures.escalations.items():
        print(f"{f'{name} ({len(timings)})':<28}{_ms(timings)}{len(timings) / elapsed:>11.1f}")
    print(
        f"desk holds {figures.held:,} tickets = {seeded.tickets:,} seeded + "
        f"{len(figures.codes):,} escalated, {len(set(figures.codes)):,} distinct codes; "
        f"{figures.repeats_found} of 10 repeated keys got their own ticket back"
    )
    print(f"load average at the end: {' '.join(f'{n:.1f}' for n in os.getloadavg())}")


def _ms(timings: list[float]) -> str:
    values = (statistics.median(timings), percentile(timings, 0.95), statistics.mean(timings))
    return "".join(f"{value * 1000:>6.1f} ms" for value in values)


def _version(engine: Engine) -> str:
    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with engine.connect() as connection:
        return " ".join(str(connection.execute(text("SELECT version()")).scalar()).split()[:2])


def main(argv: list[str] | None = None) -> None:
    """Run on the databases asked for; under `both`, PostgreSQL is skipped if none answers."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.escalation")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-url", default=POSTGRES)
    parser.add_argument("--folder", type=Path, default=Path("build/bench"))
    for name, default in vars(Sizes()).items():
        parser.add_argument(f"--{name}", type=int, default=default)
    args = parser.parse_args(argv)
    sizes = Sizes(**{name: getattr(args, name) for name in vars(Sizes())})
    for kind in ("sqlite", "postgresql") if args.database == "both" else (args.database,):
        if kind == "postgresql" and not seeding.postgres_answers(args.postgres_url):
            if args.database != "both":
                raise SystemExit(f"no PostgreSQL server answers at {args.postgres_url}")
            print(f"\nPostgreSQL skipped: no server answers at {args.postgres_url}")
            continue
        measure(kind, sizes, args.folder, args.postgres_url)


if __name__ == "__main__":
    main()
