"""The review queue on the desk's staff page (/desk/hang-cho), for accounts with the trainer role.

Why it looks like this:
- The desk's own sign-in guards it (`SignIn.signed_in`, `posting` with the session's CSRF
  token); on top, only an account whose role is `trainer` sees or changes anything: any other
  account gets a 403 page, and a visitor without a session is sent to sign in.
- Each decision is one form and one click ("Thêm vào bài", "Tạo bài mới", "Bỏ qua"); the form
  is the confirmation: nothing is attached but by a trainer's post.
- Post/Redirect/Get: after a decision the list says what was published, in which version.
- Work on files and databases runs in worker threads. Logs name no question or person.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.desk.accounts import TRAINER
from bot.desk.forms import NOTHING, Html, document, link, message, options, problem_page, redirect
from bot.desk.forms import render as fill
from bot.desk.session import SignIn
from bot.desk.staff_sessions import Session
from bot.display import vietnam_time
from bot.kb import publishing
from bot.review.decisions import NewArticle, ReviewPlan, ReviewProblem, plan_dismiss
from bot.review.queue import QueueGroup, find
from bot.review.service import QueueUnavailable, ReviewService
from bot.texts import texts

logger = logging.getLogger(__name__)

VIA = "desk"
_KEY = re.compile(r"[0-9a-f]{64}")
_DONE = ("attached", "new", "dismissed")


class ReviewPages:
    """The queue's list, a group's page and its three decisions."""

    def __init__(self, access: SignIn, service: ReviewService) -> None:
        """Guard with `access`; read and decide through `service`."""
        self._access = access
        self._service = service
        self._t = texts("bot.review")

    def routes(self) -> list[Route]:
        """/desk/hang-cho and a group's page and forms."""
        signed_in, posting = self._access.signed_in, self._access.posting
        group = "/desk/hang-cho/{key}"
        return [
            Route("/desk/hang-cho", signed_in(self._list), methods=["GET"]),
            Route(group, signed_in(self._group), methods=["GET"]),
            Route(f"{group}/them", posting(self._attach), methods=["POST"]),
            Route(f"{group}/tao", posting(self._create), methods=["POST"]),
            Route(f"{group}/bo-qua", posting(self._dismiss), methods=["POST"]),
        ]

    def _page(
        self, title: str, content: Html, session: Session, status_code: int = 200
    ) -> Response:
        return document(title, content, status_code, self._access.user_bar(session))

    def _refused(self, session: Session) -> Response | None:
        """The 403 page for an account that is not a trainer's; None for a trainer."""
        if session.role == TRAINER:
            return None
        logger.warning(
            "review queue: account %d without the trainer role refused", session.account_id
        )
        words = self._t.section("pages.refused")
        return self._page(words["title"], message("error", words["text"]), session, 403)

    async def _queue(self, session: Session) -> list[QueueGroup] | Response:
        try:
            return await run_in_threadpool(self._service.queue)
        except QueueUnavailable as unavailable:
            text = str(unavailable)
        except SQLAlchemyError as error:
            logger.error("review queue: the store could not be read (%s)", type(error).__name__)
            text = self._t.say("pages.store_unavailable")
        return self._page(self._t.say("pages.list.title"), message("error", text), session, 503)

    # The list

    async def _list(self, request: Request, session: Session) -> Response:
        refused = self._refused(session)
        if refused is not None:
            return refused
        queue = await self._queue(session)
        if isinstance(queue, Response):
            return queue
        recent = await run_in_threadpool(self._service.recent)
        words = self._t.section("pages.list")
        done = request.query_params.get("done", "")
        version = request.query_params.get("version", "")
        notice = NOTHING
        if done == "dismissed" or (done in _DONE and version.isdigit()):
            notice = message("notice", words[f"done_{done}"].format(version=version))
        rows = "".join(self._row(g) for g in queue)
        said = self._t.section("decisions")
        lines = [
            fill(
                "review_recent.html",
                decision=d.decision,
                text=said[d.decision].format(
                    question=d.representative,
                    article=d.article_id or "",
                    version=d.kb_version or "",
                    who=d.acted_by,
                    when=vietnam_time(d.acted_at),
                ),
            )
            for d in recent
        ]
        values = {
            "message": notice,
            "total": words["total"].format(count=len(queue)),
            "rows": Html(rows),
            "empty": NOTHING if queue else message("notice", words["empty"]),
            "recent": Html("".join(lines)) if lines else message("hint", words["no_recent"]),
        }
        content = fill("review_list.html", **{**words, **values})
        return self._page(words["title"], content, session)

    def _row(self, group: QueueGroup) -> str:
        return fill(
            "review_row.html",
            key=group.key,
            representative=group.representative,
            size=group.size,
            not_helpful=group.not_helpful,
            last_seen=vietnam_time(group.last_seen),
            suggestion=group.suggestion.title if group.suggestion else "",
        )

    # One group

    async def _group(self, request: Request, session: Session) -> Response:
        refused = self._refused(session)
        if refused is not None:
            return refused
        found = await self._find(request, session)
        if isinstance(found, Response):
            return found
        return await self._group_page(found, session)

    async def _find(self, request: Request, session: Session) -> QueueGroup | Response:
        key = request.path_params["key"]
        if not _KEY.fullmatch(key):
            return problem_page(404, self._access.user_bar(session))
        queue = await self._queue(session)
        if isinstance(queue, Response):
            return queue
        found = find(queue, key)
        if found is None:
            words = self._t.section("pages.gone")
            link_back = fill("link.html", href="/desk/hang-cho", label=words["back"])
            content = Html(message("notice", words["text"]) + link_back)
            return self._page(words["title"], content, session, 404)
        return found

    async def _group_page(
        self,
        group: QueueGroup,
        session: Session,
        status_code: int = 200,
        form: dict[str, str] | None = None,
        **errors: Html,
    ) -> Response:
        words = self._t.section("pages.group")
        form = form or {}
        articles = await run_in_threadpool(self._service.articles)
        software = await run_in_threadpool(self._service.software)
        suggested = group.suggestion.article_id if group.suggestion else ""
        chosen = form.get("article", suggested)
        labels = {a.id: f"{a.title} ({a.id})" for a in articles}
        suggestion = (
            words["suggestion"].format(
                title=group.suggestion.title, likeness=f"{group.suggestion.likeness:.0%}"
            )
            if group.suggestion
            else words["no_suggestion"]
        )
        guess = form.get("software") or (suggested.partition(".")[0] if suggested else "")
        values = dict(
            key=group.key,
            representative=group.representative,
            message=errors.get("notice", NOTHING),
            size=group.size,
            not_helpful=group.not_helpful,
            last_seen=vietnam_time(group.last_seen),
            suggestion=suggestion,
            examples=Html("".join(fill("review_example.html", text=p) for p in group.phrasings)),
            csrf=self._access.csrf(session),
            attach_error=errors.get("attach_error", NOTHING),
            new_error=errors.get("new_error", NOTHING),
            article_options=options(chosen, labels, words["choose_article"]),
            software_options=options(guess, software, words["choose_software"]),
            title_value=form.get("title", ""),
            intro_value=form.get("intro", ""),
            steps_value=form.get("steps", ""),
            questions_value=form.get("questions", "\n".join(group.phrasings)),
        )
        content = fill("review_group.html", **{**words, **values})
        title = words["title"].format(question=group.representative[:60])
        return self._page(title, content, session, status_code)

    # Decisions

    async def _attach(self, request: Request, session: Session, form: dict[str, str]) -> Response:
        return await self._decide(
            request,
            session,
            form,
            "attach_error",
            lambda g: self._service.plan_attach(g, form.get("article", "").strip()),
        )

    async def _create(self, request: Request, session: Session, form: dict[str, str]) -> Response:
        fields = NewArticle(
            software=form.get("software", "").strip(),
            title=" ".join(form.get("title", "").split()),
            steps=form.get("steps", ""),
            questions=form.get("questions", ""),
            intro=" ".join(form.get("intro", "").split()),
        )
        return await self._decide(
            request, session, form, "new_error", lambda g: self._service.plan_new(g, fields)
        )

    async def _dismiss(self, request: Request, session: Session, form: dict[str, str]) -> Response:
        return await self._decide(request, session, form, "attach_error", plan_dismiss)

    async def _decide(
        self,
        request: Request,
        session: Session,
        form: dict[str, str],
        error_slot: str,
        plan_of: Callable[[QueueGroup], ReviewPlan],
    ) -> Response:
        refused = self._refused(session)
        if refused is not None:
            return refused
        found = await self._find(request, session)
        if isinstance(found, Response):
            return found
        try:
            plan = await run_in_threadpool(plan_of, found)
            version = await run_in_threadpool(self._service.carry_out, plan, session.name, VIA)
        except ReviewProblem as problem:
            lines = "".join(message("error", line) for line in problem.messages)
            return await self._group_page(found, session, 400, form, **{error_slot: Html(lines)})
        except publishing.Conflict:
            error = message("error", self._t.say("pages.group.conflict"))
            return await self._group_page(found, session, 409, form, **{error_slot: error})
        except publishing.InvalidKnowledgeBase as invalid:
            lines = "".join(message("error", line) for line in invalid.problems)
            return await self._group_page(found, session, 400, form, **{error_slot: Html(lines)})
        number = version.number if version is not None else ""
        return redirect(link("/desk/hang-cho", {"done": plan.decision, "version": number}))
