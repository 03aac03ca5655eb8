"""Escalations the document system could not take yet, kept in the assistant's own database.

Why it looks like this:
- A row is keyed by the escalation's idempotency key, unique in the table, so asking twice
  (a retried action, two processes at once) keeps one row and hands back one local code.
- The local code (CHO-000001) is what the official is told while the ticket does not exist yet;
  it comes from the row id, so it is written in the same transaction as the row.
- A row goes from `pending` to `delivered` only once (a conditional update), so two delivery
  passes racing over the same row notify the official once.
- `last_error` may echo what the server said about the payload; phone numbers are masked first,
  since errors end up in logs and admin screens that the phone number must not reach.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.exc import IntegrityError, StatementError

from bot.store.schema import outbox

log = logging.getLogger(__name__)

PENDING, DELIVERED, REJECTED = "pending", "delivered", "rejected"

# Vietnamese numbers as people and servers write them: 0912345678, 0912 345 678, +84 912345678.
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)[ .-]?\d(?:[ .-]?\d){8}(?!\d)")
_ERROR_LENGTH = 1000


def local_code_for(row_id: int) -> str:
    """The code an official is given for a queued escalation: CHO-000001 ("chờ", waiting)."""
    return f"CHO-{row_id:06d}"


def mask_phones(text: str, payload: Mapping[str, Any] | None = None) -> str:
    """`text` without the payload's phone number or anything shaped like a Vietnamese one."""
    phone = payload.get("phone") if payload else None
    if isinstance(phone, str) and phone:
        text = text.replace(phone, "[phone]")
    return _PHONE.sub("[phone]", text)[:_ERROR_LENGTH]


@dataclass(frozen=True)
class OutboxRow:
    """One stored escalation."""

    id: int
    idempotency_key: str
    local_code: str
    payload: dict[str, Any]
    channel: str
    recipient: str
    status: str
    ticket_code: str | None
    attempts: int
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


class Outbox:
    """The `outbox` table, on an injected engine whose schema is migrated already."""

    def __init__(self, engine: Engine) -> None:
        """Use `engine`; `bot.store.database.migrate` must have created the table."""
        self._engine = engine

    def enqueue(
        self, payload: Mapping[str, Any], idempotency_key: str, channel: str, recipient: str
    ) -> str:
        """Keep an escalation for later and return its local code; the same key, the same code.

        A second call with a key already stored keeps the first payload: the server would refuse
        another body under that key anyway (409).
        """
        existing = self._find(idempotency_key)
        if existing is not None:
            return existing
        values = {
            "idempotency_key": idempotency_key,
            "payload": json.dumps(payload, ensure_ascii=False),
            "channel": channel,
            "recipient_id": recipient,
            "status": PENDING,
            "attempts": 0,
            "created_at": datetime.utcnow(),
        }
        try:
            with self._engine.begin() as connection:
                row_id = connection.execute(insert(outbox).values(**values)).inserted_primary_key[0]
                code = local_code_for(int(row_id))
                connection.execute(
                    update(outbox).where(outbox.c.id == row_id).values(local_code=code)
                )
            return code
        except IntegrityError as error:
            # Another caller stored the same key between our look-up and our insert.
            existing = self._find(idempotency_key)
            if existing is None:
                error.hide_parameters = True
                raise
            return existing
        except StatementError as error:
            # The parameters hold the payload, phone number included: keep them out of logs.
            error.hide_parameters = True
            raise

    def pending(self, limit: int = 100) -> list[OutboxRow]:
        """The oldest pending escalations first, so they reach the system in the order asked."""
        query = select(outbox).where(outbox.c.status == PENDING).order_by(outbox.c.id).limit(limit)
        with self._engine.connect() as connection:
            return [_row(row) for row in connection.execute(query)]

    def find(self, idempotency_key: str) -> OutboxRow | None:
        """The escalation stored under this key, if any."""
        query = select(outbox).where(outbox.c.idempotency_key == idempotency_key)
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return _row(row) if row is not None else None

    def find_local(self, local_code: str) -> OutboxRow | None:
        """The escalation given this local code (CHO-000001), if any."""
        query = select(outbox).where(outbox.c.local_code == local_code)
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return _row(row) if row is not None else None

    def waiting_for(self, channel: str, recipient: str, limit: int = 20) -> list[OutboxRow]:
        """This official's escalations that have no ticket yet, oldest first."""
        query = (
            select(outbox)
            .where(
                outbox.c.status == PENDING,
                outbox.c.channel == channel,
                outbox.c.recipient_id == recipient,
            )
            .order_by(outbox.c.id)
            .limit(limit)
        )
        with self._engine.connect() as connection:
            return [_row(row) for row in connection.execute(query)]

    def mark_delivered(self, row_id: int, ticket_code: str) -> bool:
        """Record the ticket; True only for the call that moved the row out of `pending`."""
        with self._engine.begin() as connection:
            result = connection.execute(
                update(outbox)
                .where(outbox.c.id == row_id, outbox.c.status == PENDING)
                .values(status=DELIVERED, ticket_code=ticket_code, delivered_at=datetime.utcnow())
            )
        return bool(result.rowcount == 1)

    def record_failure(self, row_id: int, error: str) -> None:
        """Count a failed attempt that may succeed later; the row stays pending."""
        self._fail(row_id, error, PENDING)

    def mark_rejected(self, row_id: int, error: str) -> None:
        """The system refused the escalation as it is (400/409): stop trying, keep the reason."""
        self._fail(row_id, error, REJECTED)

    def _fail(self, row_id: int, error: str, status: str) -> None:
        with self._engine.begin() as connection:
            payload = _payload_of(connection, row_id)
            connection.execute(
                update(outbox)
                .where(outbox.c.id == row_id, outbox.c.status == PENDING)
                .values(
                    status=status,
                    attempts=outbox.c.attempts + 1,
                    last_error=mask_phones(error, payload),
                )
            )

    def _find(self, idempotency_key: str) -> str | None:
        query = select(outbox.c.local_code).where(outbox.c.idempotency_key == idempotency_key)
        with self._engine.connect() as connection:
            code: str | None = connection.execute(query).scalar_one_or_none()
        if code is not None:
            log.info("escalation already queued as %s", code)
        return code


def _payload_of(connection: Connection, row_id: int) -> dict[str, Any] | None:
    text = connection.execute(select(outbox.c.payload).where(outbox.c.id == row_id)).scalar()
    return json.loads(text) if text is not None else None


def _row(row: Row) -> OutboxRow:
    return OutboxRow(
        id=row.id,
        idempotency_key=row.idempotency_key,
        local_code=row.local_code,
        payload=json.loads(row.payload),
        channel=row.channel,
        recipient=row.recipient_id,
        status=row.status,
        ticket_code=row.ticket_code,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )
