"""Tickets on the real desk server: opened and moved through statuses over its API, then their
times set back, since the desk stamps everything with the present moment."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from tests.support.desk_server import ASSISTANT, STAFF

PHONE = "0912345678"
OFFICIAL = "tg-987654321"


def open_ticket(url: str, software: str, number: int) -> str:
    """A ticket opened as the assistant would; its code."""
    body = {
        "summary": f"Câu hỏi số {number}",
        "content": "Người dùng: không xuất được báo cáo",
        "unit": "UBND xã Quảng Phú",
        "requester": {"channel": "telegram", "user_id": OFFICIAL},
        "phone": PHONE,
        "software": software,
    }
    headers = {"Authorization": f"Bearer {ASSISTANT}", "Idempotency-Key": f"report-{number:04d}"}
    response = httpx.post(f"{url}/api/v1/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    code: str = response.json()["code"]
    return code


def move(url: str, code: str, statuses: Sequence[str]) -> None:
    """Change the ticket's status to each of `statuses` in turn, as staff."""
    for status in statuses:
        response = httpx.post(
            f"{url}/api/v1/tickets/{code}/status",
            json={"status": status, "author": "Cán bộ hỗ trợ"},
            headers={"Authorization": f"Bearer {STAFF}"},
        )
        assert response.status_code == 200, response.text


def set_back(database: Path, code: str, created: datetime, after: Sequence[timedelta]) -> None:
    """Date the ticket's creation `created`, and its status changes `after` it, in order."""
    engine = create_engine(f"sqlite:///{database}", future=True)
    naive = created.astimezone(timezone.utc).replace(tzinfo=None)
    with engine.begin() as connection:
        ticket_id = connection.execute(
            text("SELECT id FROM tickets WHERE code = :code"), {"code": code}
        ).scalar_one()
        connection.execute(
            text("UPDATE tickets SET created_at = :at WHERE id = :id"),
            {"at": naive, "id": ticket_id},
        )
        changes = connection.execute(
            text("SELECT position, kind FROM changes WHERE ticket_id = :id ORDER BY position"),
            {"id": ticket_id},
        ).all()
        statuses = [position for position, kind in changes if kind == "status"]
        assert len(statuses) == len(after)
        created_change = [position for position, kind in changes if kind == "created"]
        moments = list(zip(created_change, [naive], strict=True))
        moments += [(p, naive + offset) for p, offset in zip(statuses, after, strict=True)]
        for position, moment in moments:
            connection.execute(
                text("UPDATE changes SET at = :at WHERE position = :position"),
                {"at": moment, "position": position},
            )
    engine.dispose()
