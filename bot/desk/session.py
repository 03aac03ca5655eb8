"""The staff page's sign-in and sign-out, and the guards every other page goes through.

Staff sign in with their account's login name and password (signing_in.py: throttled); the
session that opens lives in the database (staff_sessions.py) and its random key in an HttpOnly,
SameSite=Lax cookie, Secure as the settings say. Every page goes through SignIn.signed_in (no
live session: 303 to sign-in) and every POST through SignIn.posting (no or a wrong CSRF token:
403, and the handler never runs). Signing out deletes the session's row, so the cookie opens
nothing afterwards, wherever a copy of it went. Logs name account ids, never names or passwords.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.desk import forms
from bot.desk.accounts import TRAINER, AccountRepository
from bot.desk.csrf import Csrf
from bot.desk.forms import NOTHING, FormUnreadable, Html, document, message, problem_page
from bot.desk.repository import utc_now
from bot.desk.schema import LOGIN_LENGTH
from bot.desk.settings import DeskSettings
from bot.desk.signing_in import SignInCheck, SignInRefused, SignInThrottle
from bot.desk.staff_sessions import Session, SessionStore
from bot.display import vietnam_time
from bot.texts import texts

logger = logging.getLogger(__name__)

SESSION_COOKIE = "desk_session"
LOGIN_COOKIE = "desk_login"
LOGIN_SECONDS = 3600
# Where sign-in may lead back to: the list, a ticket, the review queue and one of its groups.
_NEXT = re.compile(r"/desk(?:/tickets/HT-[0-9]{6}|/hang-cho(?:/[0-9a-f]{64})?)?")

Page = Callable[[Request, Session], Awaitable[Response]]
Posted = Callable[[Request, Session, dict[str, str]], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


class SignIn:
    """The sign-in and sign-out routes, and the guards every other page goes through."""

    def __init__(
        self, settings: DeskSettings, engine: Engine, clock: Callable[[], datetime] = utc_now
    ) -> None:
        """Accounts and sessions in the desk's database; CSRF tokens from the settings' secret."""
        self.sessions = SessionStore(engine, settings.session_lifetime(), clock)
        self._check = SignInCheck(
            AccountRepository(engine, clock), self.sessions, SignInThrottle(engine, clock), clock
        )
        self._csrf = Csrf(settings.session_secret.get_secret_value())
        self._secure = settings.cookie_secure
        self._clock = clock
        self._words = texts("bot.desk", "pages.yml")

    def routes(self) -> list[Route]:
        """/desk/login (GET, POST) and /desk/logout (POST)."""
        return [
            Route("/desk/login", self._form, methods=["GET"]),
            Route("/desk/login", self._sign_in, methods=["POST"]),
            Route("/desk/logout", self.posting(self._sign_out), methods=["POST"]),
        ]

    def csrf(self, session: Session) -> str:
        """The CSRF token every form of this session carries."""
        return self._csrf.of_session(session.key)

    def signed_in(self, handler: Page) -> Endpoint:
        """The handler, for requests with a live session; the others go to sign in."""

        async def endpoint(request: Request) -> Response:
            session = await self._session(request)
            if session is None:
                path = request.url.path
                query = {"next": path} if _NEXT.fullmatch(path) and path != "/desk" else {}
                return forms.redirect(forms.link("/desk/login", query))
            return await handler(request, session)

        return endpoint

    def posting(self, handler: Posted) -> Endpoint:
        """The handler, given the posted form, for signed-in posts with the session's token."""

        async def with_form(request: Request, session: Session) -> Response:
            try:
                form = await forms.read_form(request)
            except FormUnreadable as refused:
                return problem_page(refused.status_code, self.user_bar(session))
            if not Csrf.same(self.csrf(session), form.get("csrf")):
                logger.warning("desk page: a POST to %s without its CSRF token", request.url.path)
                return problem_page(403, self.user_bar(session))
            return await handler(request, session, form)

        return self.signed_in(with_form)

    def user_bar(self, session: Session) -> Html:
        """Who is signed in, and the sign-out button; for a trainer, the review queue's link."""
        words = self._words.section("common")
        queue = (
            forms.render("link.html", href="/desk/hang-cho", label=words["review_queue"])
            if session.role == TRAINER
            else NOTHING
        )
        return forms.render(
            "user.html", name=session.name, csrf=self.csrf(session), links=queue, **words
        )

    async def _session(self, request: Request) -> Session | None:
        key = request.cookies.get(SESSION_COOKIE)
        return None if key is None else await run_in_threadpool(self.sessions.read, key)

    async def _form(self, request: Request) -> Response:
        if await self._session(request) is not None:
            return forms.redirect("/desk")
        bye = "bye" in request.query_params
        notice = message("notice", self._words.say("login.signed_out")) if bye else NOTHING
        return self._page(request, notice, next_page=request.query_params.get("next", ""))

    def _page(
        self,
        request: Request,
        notice: Html,
        status_code: int = 200,
        login: str = "",
        next_page: str = "",
    ) -> Response:
        nonce = Csrf.login_nonce(request.cookies.get(LOGIN_COOKIE)) or Csrf.new_login_nonce()
        content = forms.render(
            "login.html",
            **self._words.section("login"),
            message=notice,
            csrf=self._csrf.of_login(nonce),
            next=next_page if _NEXT.fullmatch(next_page) else "/desk",
            login=login,
            login_limit=LOGIN_LENGTH,
        )
        response = document(self._words.say("login.title"), content, status_code)
        self._cookie(response, request, LOGIN_COOKIE, nonce, LOGIN_SECONDS, "/desk/login")
        return response

    async def _sign_in(self, request: Request) -> Response:
        try:
            form = await forms.read_form(request)
        except FormUnreadable as refused:
            return problem_page(refused.status_code)
        login, password = form.get("login", "").strip(), form.get("password", "")
        next_page = form.get("next", "")

        def again(key: str, status_code: int, **values: object) -> Response:
            error = message("error", self._words.say(f"errors.{key}", **values))
            return self._page(request, error, status_code, login[:LOGIN_LENGTH], next_page)

        nonce = Csrf.login_nonce(request.cookies.get(LOGIN_COOKIE))
        if nonce is None or not Csrf.same(self._csrf.of_login(nonce), form.get("csrf")):
            return again("login_stale", 403)
        if not login:
            return again("login_missing", 400)
        if not password:
            return again("password_missing", 400)
        address = request.client.host if request.client else "unknown"
        try:
            signed = await run_in_threadpool(self._check.sign_in, login, password, address)
        except SignInRefused as refused:
            logger.warning("desk page: sign-in refused (%s)", refused.key)
            if refused.until is None:
                return again(f"sign_in_{refused.key}", 403)
            seconds = max(1, math.ceil((refused.until - self._clock()).total_seconds()))
            page = again(
                "sign_in_locked", 429, time=vietnam_time(refused.until), minutes=-(-seconds // 60)
            )
            page.headers["Retry-After"] = str(seconds)
            return page
        logger.info("desk page: account %d signed in", signed.account.id)
        response = forms.redirect(next_page if _NEXT.fullmatch(next_page) else "/desk")
        seconds = int(self.sessions.lifetime.total_seconds())
        self._cookie(response, request, SESSION_COOKIE, signed.key, seconds, "/desk")
        response.delete_cookie(LOGIN_COOKIE, path="/desk/login", httponly=True, samesite="lax")
        return response

    async def _sign_out(self, request: Request, session: Session, form: dict[str, str]) -> Response:
        await run_in_threadpool(self.sessions.end, session.key)
        logger.info("desk page: account %d signed out", session.account_id)
        response = forms.redirect("/desk/login?bye=1")
        response.delete_cookie(SESSION_COOKIE, path="/desk", httponly=True, samesite="lax")
        return response

    def _cookie(
        self, response: Response, request: Request, name: str, value: str, seconds: int, path: str
    ) -> None:
        """An HttpOnly, SameSite=Lax cookie, Secure as HELPDESK_DESK_COOKIE_SECURE says.

        Lax, not Strict: a link to a ticket in the staff group's Telegram post then opens it
        signed in; a form posted from another site still carries no cookie.
        """
        secure = self._secure == "always" or (
            self._secure == "auto" and request.url.scheme == "https"
        )
        response.set_cookie(
            name,
            value,
            max_age=seconds,
            path=path,
            httponly=True,
            samesite="lax",
            secure=secure,
        )
