"""Reading tickets and the change feed: plain functions on a connection, used by the repository."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Connection, Row

from bot.desk.models import Change, NewTicket, Note, Page, Ticket, TicketFilter, folded
from bot.desk.schema import changes, notes, ratings, tickets


def _with_rating() -> Any:
    """Tickets with their rating's score (NULL until rated)."""
    return select(tickets, ratings.c.score.label("rating_score")).outerjoin(
        ratings, ratings.c.ticket_id == tickets.c.id
    )


FINISHED = ("resolved", "closed")  # never overdue


def ticket_where(connection: Connection, *conditions: Any) -> Ticket | None:
    """The one ticket matching the conditions, with its notes, or None."""
    row = connection.execute(_with_rating().where(*conditions)).first()
    if row is None:
        return None
    return _ticket(row, _notes_of(connection, [row.id])[row.id])


def ticket_page(connection: Connection, wanted: TicketFilter) -> Page:
    """A page of tickets matching the filter, newest change first, and the number matching."""
    conditions = list(_conditions(wanted))
    total = connection.execute(select(func.count()).select_from(tickets).where(*conditions))
    rows = connection.execute(
        _with_rating()
        .where(*conditions)
        .order_by(*_overdue_first(wanted), tickets.c.updated_at.desc(), tickets.c.id.desc())
        .limit(wanted.limit)
        .offset(wanted.offset)
    ).all()
    notes_by_ticket = _notes_of(connection, [row.id for row in rows])
    return Page([_ticket(row, notes_by_ticket[row.id]) for row in rows], int(total.scalar_one()))


def changes_after(connection: Connection, position: int, limit: int) -> list[Change]:
    """Up to `limit` changes after `position`, oldest first."""
    query = (
        select(
            changes.c.position,
            changes.c.kind,
            changes.c.status,
            changes.c.at,
            tickets.c.code,
            notes.c.id.label("note_id"),
            notes.c.author,
            notes.c.text,
            notes.c.created_at.label("note_created_at"),
            ratings.c.score,
        )
        .join(tickets, tickets.c.id == changes.c.ticket_id)
        .outerjoin(notes, notes.c.id == changes.c.note_id)
        .outerjoin(
            ratings, and_(ratings.c.ticket_id == changes.c.ticket_id, changes.c.kind == "rating")
        )
        .where(changes.c.position > position)
        .order_by(changes.c.position)
        .limit(limit)
    )
    return [
        Change(
            position=row.position,
            kind=row.kind,
            code=row.code,
            at=row.at,
            status=row.status,
            note=None
            if row.note_id is None
            else Note(row.note_id, row.author, row.text, row.note_created_at),
            rating=row.score,
        )
        for row in connection.execute(query)
    ]


def _conditions(wanted: TicketFilter) -> Iterable[Any]:
    equal = {
        tickets.c.status: wanted.status,
        tickets.c.unit: wanted.unit,
        tickets.c.software: wanted.software,
        tickets.c.requester_channel: wanted.requester_channel,
        tickets.c.requester_id: wanted.requester_id,
    }
    for column, value in equal.items():
        if value is not None:
            yield column == value
    if wanted.updated_since is not None:
        yield tickets.c.updated_at >= wanted.updated_since
    if wanted.words:
        # `search` is folded already; % and _ typed by the caller are matched literally.
        yield and_(*(tickets.c.search.contains(folded(w), autoescape=True) for w in wanted.words))


def _overdue_first(wanted: TicketFilter) -> list[Any]:
    """Open tickets past their deadline before the others, the longest overdue first."""
    if wanted.overdue_first_at is None:
        return []
    late = and_(tickets.c.deadline < wanted.overdue_first_at, tickets.c.status.notin_(FINISHED))
    return [case((late, 0), else_=1), case((late, tickets.c.deadline), else_=None)]


def _notes_of(connection: Connection, ticket_ids: Sequence[int]) -> dict[int, list[Note]]:
    found: dict[int, list[Note]] = defaultdict(list)
    if not ticket_ids:
        return found
    # Each note has the one change that added it, whose kind says whose note it is.
    query = (
        select(notes, changes.c.kind)
        .outerjoin(changes, changes.c.note_id == notes.c.id)
        .where(notes.c.ticket_id.in_(ticket_ids))
        .order_by(notes.c.id)
    )
    for row in connection.execute(query):
        kind = row.kind or "reply"
        found[row.ticket_id].append(Note(row.id, row.author, row.text, row.created_at, kind))
    return found


def _ticket(row: Row, ticket_notes: list[Note]) -> Ticket:
    return Ticket(
        code=row.code,
        fields=NewTicket(
            summary=row.summary,
            content=row.content,
            unit=row.unit,
            requester_channel=row.requester_channel,
            requester_id=row.requester_id,
            requester_name=row.requester_name,
            phone=row.phone,
            software=row.software,
            urgency=row.urgency,
            article=row.article,
        ),
        status=row.status,
        deadline=row.deadline,
        created_at=row.created_at,
        updated_at=row.updated_at,
        notes=tuple(ticket_notes),
        rating=row.rating_score,
    )
