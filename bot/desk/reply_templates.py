"""Saved reply templates: stored, checked, and filled in for one ticket.

Why it looks like this:
- A template names the ticket's values by placeholder: {ten} the official's name (a polite
  "anh/chị" when the ticket has none), {ma_phieu} its code. Filling replaces exactly those
  names and leaves every other character as written, so a brace typed by staff or an official's
  name holding "{...}" is text, never a format field (no str.format on what people typed).
- A template with a placeholder the desk does not know is refused when saved, naming it, so a
  typo is found by whoever wrote it, not by an official reading "{tne}".
- Templates are deleted outright: a reply sent from one is a note of its own, which keeps its
  text whatever happens to the template later.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine, Row

from bot.desk.models import Ticket
from bot.desk.repository import utc_now
from bot.desk.schema import NAME_LENGTH, reply_templates

PLACEHOLDERS = ("ten", "ma_phieu")
# Room for the longest name (120) and a code in every placeholder of a reply of 4,000.
TEXT_LIMIT = 3000
TITLE_LIMIT = NAME_LENGTH
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,40})\}")


class TemplateProblem(ValueError):
    """A template that may not be saved; `key` names its message, `values` fill it in."""

    def __init__(self, key: str, **values: object) -> None:
        """Name the message and the values it is filled with."""
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class ReplyTemplate:
    """A saved reply, as written, with who saved it last and when."""

    id: int
    title: str
    text: str
    author: str
    updated_at: datetime


def checked(title: str, text: str) -> tuple[str, str]:
    """Title and text fit to save: trimmed, within limits, only known placeholders."""
    title = " ".join(unicodedata.normalize("NFC", title).split())
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not title:
        raise TemplateProblem("template_title_missing")
    if len(title) > TITLE_LIMIT or not title.isprintable():
        raise TemplateProblem("template_title_invalid", limit=TITLE_LIMIT)
    if not text:
        raise TemplateProblem("template_text_missing")
    if len(text) > TEXT_LIMIT:
        raise TemplateProblem("template_text_too_long", length=len(text), limit=TEXT_LIMIT)
    if any(not (c.isprintable() or c == "\n") for c in text):
        raise TemplateProblem("template_text_invalid")
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in unknown)
        raise TemplateProblem("template_placeholder", names=names)
    return title, text


def fill(text: str, ticket: Ticket, nameless: str) -> str:
    """The template's text for `ticket`; `nameless` stands for an official who gave no name."""
    values = {"ten": ticket.fields.requester_name or nameless, "ma_phieu": ticket.code}
    return _PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), text)


class TemplateRepository:
    """The templates in the desk's database; the schema must be migrated already."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        """Use the engine; `clock` (naive UTC) stamps each save."""
        self._engine = engine
        self._clock = clock

    def all(self) -> list[ReplyTemplate]:
        """Every template, by number (the order staff learn them in)."""
        with self._engine.connect() as connection:
            rows = connection.execute(select(reply_templates).order_by(reply_templates.c.id))
            return [_template(row) for row in rows]

    def get(self, template_id: int) -> ReplyTemplate | None:
        """The template with this number, or None."""
        query = select(reply_templates).where(reply_templates.c.id == template_id)
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return _template(row) if row is not None else None

    def add(self, title: str, text: str, author: str) -> ReplyTemplate:
        """Save a new template; raises TemplateProblem."""
        title, text = checked(title, text)
        now = self._clock()
        values = {"title": title, "text": text, "author": author, "updated_at": now}
        with self._engine.begin() as connection:
            new_id = connection.execute(insert(reply_templates).values(values)).inserted_primary_key
        return ReplyTemplate(int(new_id[0]), title, text, author, now)

    def change(self, template_id: int, title: str, text: str, author: str) -> bool:
        """Rewrite a template; whether it exists. Raises TemplateProblem."""
        title, text = checked(title, text)
        values = {"title": title, "text": text, "author": author, "updated_at": self._clock()}
        query = update(reply_templates).where(reply_templates.c.id == template_id)
        with self._engine.begin() as connection:
            return bool(connection.execute(query.values(values)).rowcount)

    def remove(self, template_id: int) -> bool:
        """Delete a template; whether it existed."""
        query = delete(reply_templates).where(reply_templates.c.id == template_id)
        with self._engine.begin() as connection:
            return bool(connection.execute(query).rowcount)


def _template(row: Row) -> ReplyTemplate:
    return ReplyTemplate(row.id, row.title, row.text, row.author, row.updated_at)
