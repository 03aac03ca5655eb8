"""Storing tickets: idempotent creation, replies and status changes, each with its change row.

Every write and its `changes` row share one transaction, and writes take turns (SQLite's write
lock; an advisory lock on PostgreSQL), so positions become visible in the order they were
given: a poller that saw position 9 can never later find an 8 it skipped.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.desk import queries
from bot.desk.models import (
    Change,
    Created,
    NewTicket,
    Note,
    Page,
    Ticket,
    TicketFilter,
    folded,
    ticket_code,
)
from bot.desk.schema import changes, idempotency, notes, tickets
from bot.office_hours.calendar import OfficeHours

_WRITE_LOCK = 0x48540001  # any number; only the desk takes it
MESSAGE = "message"  # the change of an official's message kept as a note (app.py)


class KeyConflict(Exception):
    """The idempotency key was used before with another body."""


class TicketNotFound(Exception):
    """No ticket has this code."""


def utc_now() -> datetime:
    """The time as stored: naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class TicketRepository:
    """Tickets in the desk's database; the schema must be migrated already."""

    def __init__(
        self,
        engine: Engine,
        service_levels: Mapping[str, timedelta],
        clock: Callable[[], datetime] = utc_now,
        hours: OfficeHours | None = None,
    ) -> None:
        """Use the engine; a ticket's deadline is its creation plus its urgency's service level,
        counted in the working time of `hours` when given (the server always gives them)."""
        self._engine = engine
        self._service_levels = dict(service_levels)
        self._clock = clock
        self._hours = hours

    def create(self, new: NewTicket, key: str) -> Created:
        """Open a ticket, or return the one an earlier call with this key and body opened.

        Raises KeyConflict when the key came before with another body. Concurrent calls with one
        key race on the key's primary key: the losers roll back and read the winner's ticket.
        """
        digest = new.fingerprint()
        earlier = self._earlier(key, digest)
        if earlier is not None:
            return earlier
        now = self._clock()
        level = self._service_levels[new.urgency]
        deadline = now + level if self._hours is None else self._hours.add_working_time(now, level)
        try:
            with self._engine.begin() as connection:
                take_turn(connection)
                connection.execute(insert(idempotency).values(key=key, body_hash=digest))
                code = self._insert_ticket(connection, new, key, now, deadline)
        except IntegrityError:
            earlier = self._earlier(key, digest)
            if earlier is None:
                raise
            return earlier
        return Created(Ticket(code, new, "new", deadline, now, now), existed=False)

    def get(self, code: str) -> Ticket | None:
        """The ticket with this code and its notes, or None."""
        with self._engine.connect() as connection:
            return queries.ticket_where(connection, tickets.c.code == code)

    def find(self, wanted: TicketFilter) -> Page:
        """A page of tickets matching the filter, newest change first."""
        with self._engine.connect() as connection:
            return queries.ticket_page(connection, wanted)

    def add_reply(
        self,
        code: str,
        author: str,
        text: str,
        account_id: int | None = None,
        kind: str = "reply",
    ) -> Note:
        """Add a staff reply to the ticket; raises TicketNotFound. `account_id`: the staff
        account that wrote it on the page (the API's callers name only an author). `kind`
        MESSAGE: what the official wrote while staff handled it, a note no one sends back."""
        now = self._clock()
        with self._engine.begin() as connection:
            take_turn(connection)
            ticket_id = _ticket_id(connection, code)
            connection.execute(
                update(tickets).where(tickets.c.id == ticket_id).values(updated_at=now)
            )
            values = {
                "ticket_id": ticket_id,
                "author": author,
                "text": text,
                "created_at": now,
                "account_id": account_id,
            }
            note_id = connection.execute(insert(notes).values(values)).inserted_primary_key[0]
            connection.execute(
                insert(changes).values(
                    kind=kind,
                    ticket_id=ticket_id,
                    note_id=note_id,
                    author=author,
                    account_id=account_id,
                    at=now,
                )
            )
        return Note(note_id, author, text, now, kind)

    def change_status(
        self, code: str, status: str, author: str, account_id: int | None = None
    ) -> Ticket:
        """Set the ticket's status; raises TicketNotFound. Setting it to itself changes nothing.
        `account_id`: the staff account that changed it on the page, as for add_reply."""
        now = self._clock()
        with self._engine.begin() as connection:
            take_turn(connection)
            ticket_id = _ticket_id(connection, code)
            changed = connection.execute(
                update(tickets)
                .where(tickets.c.id == ticket_id, tickets.c.status != status)
                .values(status=status, updated_at=now)
            )
            if changed.rowcount:
                connection.execute(
                    insert(changes).values(
                        kind="status",
                        ticket_id=ticket_id,
                        status=status,
                        author=author,
                        account_id=account_id,
                        at=now,
                    )
                )
            ticket = queries.ticket_where(connection, tickets.c.id == ticket_id)
        assert ticket is not None
        return ticket

    def changes_after(self, position: int, limit: int) -> list[Change]:
        """Up to `limit` changes after `position`, oldest first."""
        with self._engine.connect() as connection:
            return queries.changes_after(connection, position, limit)

    def _earlier(self, key: str, digest: str) -> Created | None:
        with self._engine.connect() as connection:
            row = connection.execute(select(idempotency).where(idempotency.c.key == key)).first()
            if row is None:
                return None
            if row.body_hash != digest:
                raise KeyConflict(key)
            ticket = queries.ticket_where(connection, tickets.c.id == row.ticket_id)
        assert ticket is not None  # the key and its ticket are written in one transaction
        return Created(ticket, existed=True)

    def _insert_ticket(
        self, connection: Connection, new: NewTicket, key: str, now: datetime, deadline: datetime
    ) -> str:
        """Insert the ticket, its code (known once the id is), its change and its key's link."""
        placeholder = f"new-{uuid.uuid4().hex}"  # unique until the real code replaces it
        values = {
            "code": placeholder,
            "summary": new.summary,
            "content": new.content,
            "search": "",
            "unit": new.unit,
            "requester_channel": new.requester_channel,
            "requester_id": new.requester_id,
            "requester_name": new.requester_name,
            "phone": new.phone,
            "software": new.software,
            "urgency": new.urgency,
            "article": new.article,
            "status": "new",
            "deadline": deadline,
            "created_at": now,
            "updated_at": now,
        }
        ticket_id = connection.execute(insert(tickets).values(values)).inserted_primary_key[0]
        code = ticket_code(ticket_id)
        search = folded(f"{code}\n{new.summary}\n{new.content}")
        connection.execute(
            update(tickets).where(tickets.c.id == ticket_id).values(code=code, search=search)
        )
        connection.execute(
            insert(changes).values(kind="created", ticket_id=ticket_id, status="new", at=now)
        )
        connection.execute(
            update(idempotency).where(idempotency.c.key == key).values(ticket_id=ticket_id)
        )
        return code


def take_turn(connection: Connection) -> None:
    """Wait until no other desk write is under way (SQLite's own write lock does this there)."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(_WRITE_LOCK)))


def _ticket_id(connection: Connection, code: str) -> int:
    ticket_id = connection.execute(select(tickets.c.id).where(tickets.c.code == code)).scalar()
    if ticket_id is None:
        raise TicketNotFound(code)
    return int(ticket_id)
