"""The built-in desk's staff aids, called with a staff (or, to read, an assistant) token.

Suggested articles and saved templates are the built-in desk's own routes, beyond
docs/desk-api.yaml; a province's system without them answers 404, raised as TicketNotFound
like any 404 (the staff group checks the ticket first, so it can tell the two apart). Sending
one is a reply on the desk, tried once, as `DeskClient.add_reply` is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bot.escalation.client import DeskClient, Note, note_of


@dataclass(frozen=True)
class Offered:
    """A suggested article or a template, by the number staff type to send it."""

    number: int
    title: str


async def suggestions(desk: DeskClient, code: str) -> list[Offered]:
    """The ticket's suggested articles, best first."""
    path = f"/api/v1/tickets/{quote(code, safe='')}/suggestions"
    return await desk.call("GET", path, lambda data: _offered(data["suggestions"]), once=False)


async def templates(desk: DeskClient) -> list[Offered]:
    """The saved reply templates, by number."""
    path = "/api/v1/reply-templates"
    return await desk.call("GET", path, lambda data: _offered(data["templates"]), once=False)


async def send_suggestion(desk: DeskClient, code: str, number: int, author: str) -> Note:
    """Reply on the ticket with its suggested article `number`."""
    path = f"/api/v1/tickets/{quote(code, safe='')}/suggestions/{number}"
    return await desk.call("POST", path, note_of, once=True, json={"author": author})


async def send_template(desk: DeskClient, code: str, number: int, author: str) -> Note:
    """Reply on the ticket with template `number`, filled in for it by the desk."""
    path = f"/api/v1/tickets/{quote(code, safe='')}/reply-templates/{number}"
    return await desk.call("POST", path, note_of, once=True, json={"author": author})


def _offered(items: list[Mapping[str, Any]]) -> list[Offered]:
    return [Offered(int(item["number"]), str(item["title"])) for item in items]
