"""The support staff's pages, under /desk: the ticket list, and one ticket to read and act on.

Sign-in, sessions and CSRF tokens are session.py's; templates and forms forms.py's, words
pages.yml's. Every page needs a session, every POST its CSRF token. Replies and status changes
carry the account's display name as author, and its id. No script may run (the CSP allows
none). Database work runs in worker threads. Logs name ticket codes, never people or phones."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.desk import forms, validation
from bot.desk.forms import (
    NOTHING,
    FieldError,
    Html,
    document,
    link,
    message,
    options,
    problem_page,
    redirect,
    render,
)
from bot.desk.models import STATUSES, Page, Ticket, TicketFilter
from bot.desk.repository import TicketNotFound, TicketRepository, utc_now
from bot.desk.session import SignIn
from bot.desk.staff_sessions import Session
from bot.desk.undelivered import Undelivered
from bot.desk.validation import InvalidInput
from bot.display import vietnam_time
from bot.texts import texts

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
FINISHED = frozenset({"resolved", "closed"})  # never overdue
_CODE = re.compile(r"HT-[0-9]{6}")
_PAGE = re.compile(r"[0-9]{1,7}")


class StaffPages:
    """The pages' handlers, on the API's repository and tokens."""

    def __init__(
        self,
        access: SignIn,
        tickets: TicketRepository,
        clock: Callable[[], datetime] = utc_now,
        undelivered: Undelivered | None = None,
        aids: Callable[[Ticket, Session], Awaitable[Html]] | None = None,
    ) -> None:
        """Show and change the repository's tickets to those `access` lets in; `clock` (naive
        UTC) says what is overdue; `undelivered` which notices did not reach the official;
        `aids` the suggested articles and templates a ticket's page offers (aids_pages.py)."""
        self._undelivered, self._aids = undelivered, aids
        self._tickets = tickets
        self._access = access
        self._clock = clock
        self._t = texts("bot.desk", "pages.yml")

    def routes(self) -> list[Route]:
        """Sign-in's routes and the pages', all under /desk."""
        signed_in, posting = self._access.signed_in, self._access.posting
        return [
            *self._access.routes(),
            Route("/desk", signed_in(self._list), methods=["GET"]),
            Route("/desk/tickets", signed_in(self._list), methods=["GET"]),
            Route("/desk/tickets/{code}", signed_in(self._ticket), methods=["GET"]),
            Route("/desk/tickets/{code}/replies", posting(self._reply), methods=["POST"]),
            Route("/desk/tickets/{code}/status", posting(self._status), methods=["POST"]),
        ]

    def _page(
        self, title: str, content: Html, session: Session, status_code: int = 200
    ) -> Response:
        return document(title, content, status_code, self._access.user_bar(session))

    def _problem(self, status_code: int, session: Session) -> Response:
        return problem_page(status_code, self._access.user_bar(session))

    @staticmethod
    def _fill(template: str, words: dict[str, str], **values: object) -> Html:
        """A template with a section of pages.yml, some of whose words the values replace."""
        return render(template, **{**words, **values})

    def _error(self, refused: FieldError) -> Html:
        return message("error", self._t.say(f"errors.{refused.key}", **refused.values))

    # The list

    async def _list(self, request: Request, session: Session) -> Response:
        words = self._t.section("list")
        chosen = {name: request.query_params.get(name, "").strip() for name in _FILTERS}
        given = request.query_params.get("page", "")
        number = max(1, int(given)) if _PAGE.fullmatch(given) else 1
        query = {**chosen, "limit": str(PAGE_SIZE), "offset": str((number - 1) * PAGE_SIZE)}
        notice, status_code = NOTHING, 200
        try:
            wanted = validation.ticket_filter(query)
        except InvalidInput:
            chosen = dict.fromkeys(_FILTERS, "")
            wanted = TicketFilter(limit=PAGE_SIZE)
            notice, status_code = message("error", words["bad_filter"]), 400
        found, counts = await run_in_threadpool(self._find_with_counts, wanted)
        pages = max(1, -(-found.total // PAGE_SIZE))
        content = self._fill(
            "list.html",
            words,
            **chosen,
            message=notice,
            status_links=self._status_links(chosen, counts),
            status_options=options(chosen["status"], self._t.labels("statuses"), words["all"]),
            software_options=options(chosen["software"], self._t.labels("software"), words["all"]),
            total=words["total"].format(total=found.total),
            rows=Html("".join(self._row(ticket) for ticket in found.items)),
            empty="" if found.items else message("notice", words["empty"]),
            page_of=words["page_of"].format(page=number, pages=pages),
            previous=self._pagelink(chosen, number - 1, pages, words["previous"]),
            next=self._pagelink(chosen, number + 1, pages, words["next"]),
        )
        return self._page(words["title"], content, session, status_code)

    def _find_with_counts(self, wanted: TicketFilter) -> tuple[Page, dict[str, int]]:
        found = self._tickets.find(replace(wanted, overdue_first_at=self._clock()))
        counts = {
            status: self._tickets.find(replace(wanted, status=status, limit=1, offset=0)).total
            for status in STATUSES
        }
        return found, counts

    def _status_links(self, chosen: dict[str, str], counts: dict[str, int]) -> Html:
        links = [("", self._t.say("list.all"), sum(counts.values()))]
        statuses = self._t.labels("statuses")
        links += [(status, statuses[status], counts[status]) for status in STATUSES]
        return Html(
            "".join(
                render(
                    "status_link.html",
                    href=link("/desk", {**chosen, "status": status}),
                    label=label,
                    count=count,
                    current="current" if status == chosen["status"] else "",
                )
                for status, label, count in links
            )
        )

    def _row(self, ticket: Ticket) -> Html:
        fields = ticket.fields
        overdue = self._overdue(ticket, self._t.say("list.overdue"))
        return render(
            "list_row.html",
            row_class="overdue" if overdue else "",
            code=ticket.code,
            summary=fields.summary,
            unit=fields.unit,
            unit_href=link("/desk", {"unit": fields.unit}),
            unit_title=self._t.say("list.unit_filter_title"),
            software=self._t.labels("software").get(fields.software, fields.software),
            status=self._t.labels("statuses")[ticket.status],
            overdue=overdue,
            deadline=vietnam_time(ticket.deadline),
            updated=vietnam_time(ticket.updated_at),
        )

    @staticmethod
    def _pagelink(chosen: dict[str, str], number: int, pages: int, label: str) -> Html:
        if not 1 <= number <= pages:
            return NOTHING
        query = {**chosen, "page": number if number > 1 else ""}
        return render("link.html", href=link("/desk", query), label=label)

    def _overdue(self, ticket: Ticket, label: str) -> Html:
        late = ticket.status not in FINISHED and ticket.deadline < self._clock()
        return render("overdue.html", label=label) if late else NOTHING

    # One ticket

    async def _ticket(self, request: Request, session: Session) -> Response:
        ticket = await self._get(request.path_params["code"])
        if ticket is None:
            return self._problem(404, session)
        done = request.query_params.get("done")
        notice = message("notice", self._t.say(f"ticket.done_{done}")) if done in _DONE else NOTHING
        aids = await self._aids(ticket, session) if self._aids is not None else NOTHING
        held = Html(notice + await self._held(ticket))
        return self._ticket_page(ticket, session, notice=held, aids=aids)

    async def _held(self, ticket: Ticket) -> Html:
        """What the staff should know of notices that did not reach the official: call them."""
        if self._undelivered is None:
            return NOTHING
        found = await run_in_threadpool(self._undelivered.of, ticket.code)
        said = self._t.section("ticket")["undelivered"]
        channels = self._t.labels("channels")
        phone = ticket.fields.phone
        lines = [said[state].format(channel=channels.get(c, c), phone=phone) for c, state in found]
        return Html("".join(message("error", line) for line in lines))

    async def _reply(self, request: Request, session: Session, form: dict[str, str]) -> Response:
        code = request.path_params["code"]
        try:
            text = forms.reply(session.name, form.get("text", ""))
        except FieldError as refused:
            return await self._again(code, session, reply_error=self._error(refused), form=form)
        try:
            note = await run_in_threadpool(
                self._tickets.add_reply, code, session.name, text, session.account_id
            )
        except TicketNotFound:
            return self._problem(404, session)
        logger.info("desk page: reply %d added to ticket %s", note.id, code)
        return redirect(f"/desk/tickets/{code}?done=reply#y-kien")

    async def _status(self, request: Request, session: Session, form: dict[str, str]) -> Response:
        code = request.path_params["code"]
        try:
            status = forms.status(session.name, form.get("status", ""))
        except FieldError as refused:
            return await self._again(code, session, status_error=self._error(refused), form=form)
        try:
            ticket = await run_in_threadpool(
                self._tickets.change_status, code, status, session.name, session.account_id
            )
        except TicketNotFound:
            return self._problem(404, session)
        logger.info("desk page: ticket %s is now %s", code, ticket.status)
        return redirect(f"/desk/tickets/{code}?done=status")

    async def _again(
        self, code: str, session: Session, form: dict[str, str], **errors: Html
    ) -> Response:
        ticket = await self._get(code)
        if ticket is None:
            return self._problem(404, session)
        return self._ticket_page(ticket, session, 400, reply_text=form.get("text", ""), **errors)

    async def _get(self, code: str) -> Ticket | None:
        return await run_in_threadpool(self._tickets.get, code) if _CODE.fullmatch(code) else None

    def _ticket_page(
        self,
        ticket: Ticket,
        session: Session,
        status_code: int = 200,
        notice: Html = NOTHING,
        reply_error: Html = NOTHING,
        status_error: Html = NOTHING,
        reply_text: str = "",
        aids: Html = NOTHING,
    ) -> Response:
        words, fields = self._t.section("ticket"), ticket.fields
        channel = self._t.labels("channels").get(fields.requester_channel, fields.requester_channel)
        requester = fields.requester_name or words["no_name"]
        notes = [
            render("note.html", author=n.author, time=vietnam_time(n.created_at), text=n.text)
            for n in ticket.notes
        ]
        content = self._fill(
            "ticket.html",
            words,
            code=ticket.code,
            summary=fields.summary,
            content=fields.content,
            unit=fields.unit,
            requester=words["requester"].format(name=requester, channel=channel),
            phone=fields.phone,
            software=self._t.labels("software").get(fields.software, fields.software),
            urgency=self._t.labels("urgencies").get(fields.urgency, fields.urgency),
            created=vietnam_time(ticket.created_at),
            deadline=vietnam_time(ticket.deadline),
            overdue=self._overdue(ticket, words["overdue"]),
            status=self._t.labels("statuses")[ticket.status],
            notes=Html("".join(notes)) if notes else message("hint", words["no_notes"]),
            message=notice,
            aids=aids,
            csrf=self._access.csrf(session),
            reply_error=reply_error,
            reply_text=reply_text,
            reply_limit=forms.REPLY_LIMIT,
            reply_hint=words["reply_hint"].format(limit=forms.REPLY_LIMIT),
            status_error=status_error,
            status_options=options(ticket.status, self._t.labels("statuses")),
        )
        return self._page(words["title"].format(code=ticket.code), content, session, status_code)


_FILTERS = ("q", "status", "software", "unit")
_DONE = frozenset({"reply", "status", "suggestion_gone", "template_gone"})
