"""The escalation benchmark at a tiny size on SQLite: what it seeds and counts is exact.

Timings are never asserted here: the machines are shared and noisy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from benchmarks.escalation import Sizes, desk_server, exercise, full_scans, query_plans
from benchmarks.seeding import desk_database, payload, seed
from bot.desk.database import make_engine, migrate
from bot.desk.models import ticket_code
from bot.desk.schema import changes, idempotency, notes, tickets
from bot.escalation.outbox import Outbox
from bot.store import database as store

SIZES = Sizes(tickets=200, officials=40, lookups=20, escalations=10, concurrency=4)


def count(engine: Engine, query: Any) -> int:
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


async def test_a_tiny_benchmark_counts_exactly(root: Path, tmp_path: Path) -> None:
    with desk_database("sqlite", tmp_path) as url:
        migrate(url)
        engine = make_engine(url)
        seeded = seed(engine, SIZES.tickets, SIZES.officials, root=root)
        plans = query_plans(engine, seeded)

        # Rows as the desk writes them: one key and one `created` change per ticket, positions
        # in time order, each ticket's last change its `updated_at`.
        assert count(engine, select(func.count()).select_from(tickets)) == 200
        assert count(engine, select(func.count(func.distinct(tickets.c.code)))) == 200
        assert count(engine, select(func.count()).select_from(idempotency)) == 200
        assert count(engine, select(func.count()).select_from(notes)) == seeded.notes > 0
        assert count(engine, select(func.count()).select_from(changes)) == seeded.changes
        created = select(func.count()).where(changes.c.kind == "created")
        assert count(engine, created) == 200
        out_of_order = (
            "SELECT count(*) FROM (SELECT at, lag(at) OVER (ORDER BY position) AS earlier"
            " FROM changes) WHERE at < earlier"
        )
        assert count(engine, text(out_of_order)) == 0
        stale = (
            "SELECT count(*) FROM tickets"
            " WHERE updated_at != (SELECT max(at) FROM changes WHERE ticket_id = tickets.id)"
        )
        assert count(engine, text(stale)) == 0
        assert len(seeded.per_requester) > 1
        engine.dispose()
        assert not full_scans(plans["by code"])
        assert not full_scans(plans["own tickets"])

        store_url = f"sqlite:///{tmp_path / 'assistant.db'}"
        store.migrate(store_url)
        outbox_engine = store.make_engine(store_url)
        outbox = Outbox(outbox_engine)
        with desk_server(url, tmp_path / "desk.log") as settings:
            figures = await exercise(settings, outbox, seeded, SIZES)
            token = settings.desk_token.get_secret_value()
            async with httpx.AsyncClient(
                base_url=settings.desk_url, headers={"Authorization": f"Bearer {token}"}
            ) as http:
                for code, (new, status, replies) in seeded.examples.items():
                    body = (await http.get(f"/api/v1/tickets/{code}")).json()
                    assert {name: body[name] for name in payload(new)} == payload(new)
                    assert (body["code"], body["status"]) == (code, status)
                    assert [note["text"] for note in body["notes"]] == replies
        assert outbox.pending() == []
        outbox_engine.dispose()

    assert len(seeded.examples) == 50
    assert [len(timings) for timings in figures.lookups.values()] == [20, 20, 20]
    assert [len(timings) for _, timings in figures.escalations.values()] == [10, 10]
    # New tickets follow the seeded ones (SQLite's counter saw the explicit ids), none twice.
    assert sorted(figures.codes) == [ticket_code(n) for n in range(201, 221)]
    assert figures.held == 220
    assert figures.repeats_found == 10
