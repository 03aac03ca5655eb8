"""The reply templates' own page, /desk/reply-templates: supervisors and admins write them.

Why it looks like this:
- Every account may send a template from a ticket's page; only `supervisor` and `admin` may
  add, change or delete one (a staff account gets the 403 page and nothing is saved), since a
  template speaks for the whole desk to every official it is sent to.
- One page lists each template in a form of its own, with a form for a new one, like the rest
  of the desk: no script, CSRF on every POST, Post/Redirect/Get after a save.
- A refused template (no title, too long, an unknown placeholder) shows the page again with
  what was typed and the reason, with status 400.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.desk.aids_pages import MANAGERS
from bot.desk.forms import NOTHING, Html, document, message, problem_page, redirect, render
from bot.desk.reply_templates import TEXT_LIMIT, TITLE_LIMIT, TemplateProblem, TemplateRepository
from bot.desk.session import SignIn
from bot.desk.staff_sessions import Session
from bot.display import vietnam_time
from bot.texts import texts

logger = logging.getLogger(__name__)

_NUMBER = re.compile(r"[0-9]{1,9}")
_DONE = frozenset({"added", "saved", "deleted"})


class TemplatePages:
    """The templates' page and its three forms' routes."""

    def __init__(self, access: SignIn, templates: TemplateRepository) -> None:
        """Keep templates in `templates`, for the sessions `access` lets in."""
        self._access = access
        self._templates = templates
        self._t = texts("bot.desk", "pages.yml")

    def routes(self) -> list[Route]:
        """/desk/reply-templates and its forms' targets."""
        signed_in, posting = self._access.signed_in, self._access.posting
        page = "/desk/reply-templates"
        return [
            Route(page, signed_in(self._managing(self._show)), methods=["GET"]),
            Route(page, posting(self._add), methods=["POST"]),
            Route(f"{page}/{{number}}", posting(self._change), methods=["POST"]),
            Route(f"{page}/{{number}}/delete", posting(self._remove), methods=["POST"]),
        ]

    def _managing(self, handler: Shown) -> Shown:
        async def checked(request: Request, session: Session) -> Response:
            refused = self._refusal(session, 0)
            return refused if refused is not None else await handler(request, session)

        return checked

    async def _show(self, request: Request, session: Session) -> Response:
        done = request.query_params.get("done")
        words = self._t.section("reply_templates")
        notice = message("notice", words[f"done_{done}"]) if done in _DONE else NOTHING
        return await self._page(session, notice)

    async def _page(
        self,
        session: Session,
        notice: Html,
        status_code: int = 200,
        new_title: str = "",
        new_text: str = "",
    ) -> Response:
        words = self._t.section("reply_templates")
        csrf = self._access.csrf(session)
        limits = {"title_limit": TITLE_LIMIT, "text_limit": TEXT_LIMIT}
        found = await run_in_threadpool(self._templates.all)
        existing = [
            render(
                "template_form.html",
                **{
                    **words,
                    **limits,
                    "csrf": csrf,
                    "number": t.id,
                    "title": t.title,
                    "text": t.text,
                    "saved_by": words["saved_by"].format(
                        name=t.author, time=vietnam_time(t.updated_at)
                    ),
                },
            )
            for t in found
        ]
        content = render(
            "reply_templates.html",
            **words,
            **limits,
            message=notice,
            csrf=csrf,
            existing=Html("".join(existing)) or message("hint", words["none"]),
            new_title=new_title,
            new_text=new_text,
        )
        return document(words["page_title"], content, status_code, self._access.user_bar(session))

    async def _add(self, request: Request, session: Session, form: dict[str, str]) -> Response:
        refused = self._refusal(session, 0)
        if refused is not None:
            return refused
        title, text = form.get("title", ""), form.get("text", "")
        try:
            added = await run_in_threadpool(self._templates.add, title, text, session.name)
        except TemplateProblem as problem:
            return await self._refused(session, problem, title, text)
        logger.info(
            "desk page: reply template %d added by account %d", added.id, session.account_id
        )
        return redirect("/desk/reply-templates?done=added")

    async def _change(self, request: Request, session: Session, form: dict[str, str]) -> Response:
        number = self._number(request)
        refused = self._refusal(session, number)
        if refused is not None or number is None:
            return refused or problem_page(404)
        title, text = form.get("title", ""), form.get("text", "")
        try:
            found = await run_in_threadpool(
                self._templates.change, number, title, text, session.name
            )
        except TemplateProblem as problem:
            return await self._refused(session, problem)
        if not found:
            return problem_page(404, self._access.user_bar(session))
        logger.info(
            "desk page: reply template %d changed by account %d", number, session.account_id
        )
        return redirect("/desk/reply-templates?done=saved")

    async def _remove(self, request: Request, session: Session, form: dict[str, str]) -> Response:
        number = self._number(request)
        refused = self._refusal(session, number)
        if refused is not None or number is None:
            return refused or problem_page(404)
        if not await run_in_threadpool(self._templates.remove, number):
            return problem_page(404, self._access.user_bar(session))
        logger.info(
            "desk page: reply template %d deleted by account %d", number, session.account_id
        )
        return redirect("/desk/reply-templates?done=deleted")

    async def _refused(
        self, session: Session, problem: TemplateProblem, title: str = "", text: str = ""
    ) -> Response:
        said = self._t.say(f"errors.{problem.key}", **problem.values)
        return await self._page(session, message("error", said), 400, title, text)

    def _refusal(self, session: Session, number: int | None) -> Response | None:
        """The page refusing a staff account (403) or a number that is not one (404), if due."""
        if session.role not in MANAGERS:
            logger.warning("desk page: account %d may not manage templates", session.account_id)
            return problem_page(403, self._access.user_bar(session))
        if number is None:
            return problem_page(404, self._access.user_bar(session))
        return None

    @staticmethod
    def _number(request: Request) -> int | None:
        given = str(request.path_params["number"])
        return int(given) if _NUMBER.fullmatch(given) else None


Shown = Callable[[Request, Session], Awaitable[Response]]
