"""On a ticket's page: its suggested articles and the saved templates, each sent in one click.

Why it looks like this:
- Each suggestion and template is a small form of its own (ids `goi-y-N` and `mau-N`, buttons
  "Gửi bài này" and "Gửi mẫu này"), posting with the session's CSRF token like every form of
  the desk; the text that will be sent is shown folded under its title, filled in for this
  ticket, so staff see exactly what the official will read.
- Sending is a reply from the signed-in account (StaffAids), so it carries their name and
  reaches the official like any reply; then back to the ticket, as the reply form does.
- A suggestion or template that is gone by the time the button is pressed (a new knowledge
  base version, a deleted template) sends nothing and says so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.desk.forms import NOTHING, Html, message, problem_page, redirect, render
from bot.desk.models import Note, Ticket
from bot.desk.reply_templates import ReplyTemplate
from bot.desk.repository import TicketNotFound
from bot.desk.session import SignIn
from bot.desk.staff_aids import StaffAids
from bot.desk.staff_sessions import Session
from bot.desk.suggestions import Suggestion
from bot.texts import texts

logger = logging.getLogger(__name__)

MANAGERS = frozenset({"supervisor", "admin"})  # who may write and delete templates
_NUMBER = re.compile(r"[0-9]{1,9}")
_CODE = re.compile(r"HT-[0-9]{6}")
# StaffAids.send_suggestion or .send_template: (code, number, author, account id) -> the note.
Send = Callable[[str, int, str, int | None], Note | None]


class AidPages:
    """The ticket page's aids section, and the routes its buttons post to."""

    def __init__(self, access: SignIn, aids: StaffAids) -> None:
        """Send through `aids` for the sessions `access` lets in."""
        self._access = access
        self._aids = aids
        self._t = texts("bot.desk", "pages.yml")

    def routes(self) -> list[Route]:
        """The send routes under /desk/tickets/{code}."""
        posting = self._access.posting
        base = "/desk/tickets/{code}"
        return [
            Route(f"{base}/suggestions/{{number}}", posting(self._suggestion), methods=["POST"]),
            Route(f"{base}/reply-templates/{{number}}", posting(self._template), methods=["POST"]),
        ]

    async def section(self, ticket: Ticket, session: Session) -> Html:
        """The suggestions and templates of `ticket`, each with its send button."""
        words = self._t.section("aids")
        suggested, filled = await run_in_threadpool(self._both, ticket)
        csrf = self._access.csrf(session)
        suggestions = [
            render("suggestion.html", code=ticket.code, csrf=csrf, **words, **vars(s))
            for s in suggested
        ]
        templates = [
            render(
                "template_use.html",
                code=ticket.code,
                csrf=csrf,
                number=t.id,
                title=t.title,
                text=text,
                send_template=words["send_template"],
            )
            for t, text in filled
        ]
        manage = (
            render("link.html", href="/desk/reply-templates", label=words["manage_label"])
            if session.role in MANAGERS
            else NOTHING
        )
        return render(
            "aids.html",
            **words,
            suggestions=Html("".join(suggestions)) or message("hint", words["no_suggestions"]),
            templates=Html("".join(templates)) or message("hint", words["no_templates"]),
            manage=manage,
        )

    def _both(self, ticket: Ticket) -> tuple[list[Suggestion], list[tuple[ReplyTemplate, str]]]:
        return self._aids.suggestions.for_ticket(ticket), self._aids.filled(ticket)

    async def _suggestion(
        self, request: Request, session: Session, form: dict[str, str]
    ) -> Response:
        return await self._send(request, session, self._aids.send_suggestion, "suggestion_gone")

    async def _template(self, request: Request, session: Session, form: dict[str, str]) -> Response:
        return await self._send(request, session, self._aids.send_template, "template_gone")

    async def _send(self, request: Request, session: Session, send: Send, gone: str) -> Response:
        code, given = request.path_params["code"], request.path_params["number"]
        if not (_CODE.fullmatch(code) and _NUMBER.fullmatch(given)):
            return problem_page(404, self._access.user_bar(session))
        try:
            note = await run_in_threadpool(send, code, int(given), session.name, session.account_id)
        except TicketNotFound:
            return problem_page(404, self._access.user_bar(session))
        if note is None:
            return redirect(f"/desk/tickets/{code}?done={gone}#goi-y")
        logger.info("desk page: reply %d sent from an aid on ticket %s", note.id, code)
        return redirect(f"/desk/tickets/{code}?done=reply#y-kien")
