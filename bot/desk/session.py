"""Staff sign-in for the desk's pages: the sign-in page, session cookies, CSRF tokens, guards.

A session cookie holds the staff member's name, when it expires and a random nonce, signed with
HMAC-SHA256 under a key derived from the session secret. The staff token that opened it is
checked once, at sign-in, and never kept. A session's CSRF token is another HMAC of its nonce,
so only pages served to that session can post. The sign-in form has its own: an HMAC of a nonce
kept in a short-lived cookie, since no session exists yet. Every other page goes through
SignIn.signed_in (no session: 303 to sign-in) and every POST through SignIn.posting (no or a
wrong CSRF token: 403, and the handler never runs).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.desk import forms
from bot.desk.auth import STAFF, TokenCheck
from bot.desk.forms import (
    NOTHING,
    FieldError,
    FormUnreadable,
    Html,
    document,
    message,
    problem_page,
)
from bot.desk.settings import DeskSettings
from bot.texts import texts

logger = logging.getLogger(__name__)

SESSION_COOKIE = "desk_session"
LOGIN_COOKIE = "desk_login"
SESSION_SECONDS = 12 * 3600
LOGIN_SECONDS = 3600
_NONCE = re.compile(r"[0-9a-f]{32}")
_EXPIRES = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")
_NEXT = re.compile(r"/desk(?:/tickets/HT-[0-9]{6})?")  # where sign-in may lead back to


@dataclass(frozen=True)
class Session:
    """A signed-in staff member: the name their replies carry, until `expires` (Unix time)."""

    name: str
    expires: int
    nonce: str


class StaffTokens(TokenCheck):
    """The configured tokens, asked about one typed into the sign-in form."""

    def role_of(self, token: str) -> str | None:
        """The token's role, or None; compared in constant time with every configured token."""
        return self._role(token.encode("utf-8"))


class Sessions:
    """Issues and reads session cookies, and makes and checks CSRF tokens."""

    def __init__(self, secret: str, clock: Callable[[], float] = time.time) -> None:
        """Derive separate keys for cookies and CSRF tokens from the secret."""
        master = secret.encode("utf-8")
        self._cookie_key = hmac.new(master, b"desk session cookie", hashlib.sha256).digest()
        self._csrf_key = hmac.new(master, b"desk csrf token", hashlib.sha256).digest()
        self._clock = clock

    def issue(self, name: str) -> str:
        """A cookie value for a new session of `name`, valid for SESSION_SECONDS."""
        encoded = base64.urlsafe_b64encode(name.encode("utf-8")).decode("ascii").rstrip("=")
        expires = int(self._clock()) + SESSION_SECONDS
        payload = f"{encoded}.{expires}.{secrets.token_hex(16)}"
        return f"{payload}.{self._sign(payload)}"

    def read(self, cookie: str | None) -> Session | None:
        """The session a cookie value stands for, or None if forged, tampered with or expired."""
        if not cookie or len(cookie) > 1024:
            return None
        parts = cookie.split(".")
        if len(parts) != 4:
            return None
        encoded, expires, nonce, signature = parts
        if not _SIGNATURE.fullmatch(signature):
            return None
        if not hmac.compare_digest(self._sign(".".join(parts[:3])), signature):
            return None
        if not (_EXPIRES.fullmatch(expires) and _NONCE.fullmatch(nonce)):
            return None
        now = self._clock()
        if not now < int(expires) <= now + SESSION_SECONDS:
            return None
        try:
            name = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return Session(name, int(expires), nonce)

    def csrf(self, session: Session) -> str:
        """The CSRF token every form of this session carries."""
        return self._mac(self._csrf_key, f"session.{session.nonce}")

    def login_csrf(self, nonce: str) -> str:
        """The CSRF token of the sign-in form whose cookie holds `nonce`."""
        return self._mac(self._csrf_key, f"login.{nonce}")

    @staticmethod
    def new_login_nonce() -> str:
        """A fresh nonce for the sign-in form's cookie."""
        return secrets.token_hex(16)

    @staticmethod
    def login_nonce(cookie: str | None) -> str | None:
        """The nonce of a sign-in cookie, if it looks like one."""
        return cookie if cookie and _NONCE.fullmatch(cookie) else None

    @staticmethod
    def same(expected: str, given: str | None) -> bool:
        """Whether a posted token is the expected one, compared in constant time."""
        if given is None:
            return False
        return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8", "replace"))

    def _sign(self, payload: str) -> str:
        return self._mac(self._cookie_key, payload)

    @staticmethod
    def _mac(key: bytes, message: str) -> str:
        return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


Page = Callable[[Request, "Session"], Awaitable[Response]]
Posted = Callable[[Request, "Session", dict[str, str]], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


class SignIn:
    """The sign-in and sign-out routes, and the guards every other page goes through."""

    def __init__(self, settings: DeskSettings, clock: Callable[[], float] = time.time) -> None:
        """Accept the settings' staff tokens; sign sessions with their session secret."""
        self.sessions = Sessions(settings.session_secret.get_secret_value(), clock)
        self._tokens = StaffTokens(settings.token_roles())
        self._words = texts("bot.desk", "pages.yml")

    def routes(self) -> list[Route]:
        """/desk/login (GET, POST) and /desk/logout (POST)."""
        return [
            Route("/desk/login", self._form, methods=["GET"]),
            Route("/desk/login", self._sign_in, methods=["POST"]),
            Route("/desk/logout", self.posting(self._sign_out), methods=["POST"]),
        ]

    def signed_in(self, handler: Page) -> Endpoint:
        """The handler, for requests with a valid session; the others go to sign in."""

        async def endpoint(request: Request) -> Response:
            session = self.sessions.read(request.cookies.get(SESSION_COOKIE))
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
            if not Sessions.same(self.sessions.csrf(session), form.get("csrf")):
                logger.warning("desk page: a POST to %s without its CSRF token", request.url.path)
                return problem_page(403, self.user_bar(session))
            return await handler(request, session, form)

        return self.signed_in(with_form)

    def user_bar(self, session: Session) -> Html:
        """Who is signed in, and the sign-out button."""
        csrf = self.sessions.csrf(session)
        return forms.render(
            "user.html", name=session.name, csrf=csrf, **self._words.section("common")
        )

    async def _form(self, request: Request) -> Response:
        if self.sessions.read(request.cookies.get(SESSION_COOKIE)) is not None:
            return forms.redirect("/desk")
        bye = "bye" in request.query_params
        notice = message("notice", self._words.say("login.signed_out")) if bye else NOTHING
        return self._page(request, notice, next_page=request.query_params.get("next", ""))

    def _page(
        self,
        request: Request,
        notice: Html,
        status_code: int = 200,
        name: str = "",
        next_page: str = "",
    ) -> Response:
        nonce = Sessions.login_nonce(request.cookies.get(LOGIN_COOKIE))
        nonce = nonce or Sessions.new_login_nonce()
        content = forms.render(
            "login.html",
            **self._words.section("login"),
            message=notice,
            csrf=self.sessions.login_csrf(nonce),
            next=next_page if _NEXT.fullmatch(next_page) else "/desk",
            name=name,
            name_limit=forms.NAME_LIMIT,
        )
        response = document(self._words.say("login.title"), content, status_code)
        _cookie(response, request, LOGIN_COOKIE, nonce, LOGIN_SECONDS, "/desk/login")
        return response

    async def _sign_in(self, request: Request) -> Response:
        try:
            form = await forms.read_form(request)
        except FormUnreadable as refused:
            return problem_page(refused.status_code)
        typed, next_page = form.get("name", ""), form.get("next", "")

        def again(refused: FieldError, status_code: int) -> Response:
            error = self._words.say(f"errors.{refused.key}", **refused.values)
            return self._page(request, message("error", error), status_code, typed, next_page)

        nonce = Sessions.login_nonce(request.cookies.get(LOGIN_COOKIE))
        if nonce is None or not Sessions.same(self.sessions.login_csrf(nonce), form.get("csrf")):
            return again(FieldError("login_stale"), 403)
        try:
            name = forms.staff_name(typed)
        except FieldError as refused:
            return again(refused, 400)
        token = form.get("token", "").strip()
        if not token:
            return again(FieldError("token_missing"), 400)
        role = self._tokens.role_of(token)
        if role not in STAFF:
            logger.warning("desk page: sign-in refused (%s token)", role or "unknown")
            return again(FieldError("token_unknown" if role is None else "token_assistant"), 403)
        logger.info("desk page: a staff member signed in")
        response = forms.redirect(next_page if _NEXT.fullmatch(next_page) else "/desk")
        value = self.sessions.issue(name)
        _cookie(response, request, SESSION_COOKIE, value, SESSION_SECONDS, "/desk")
        response.delete_cookie(LOGIN_COOKIE, path="/desk/login", httponly=True, samesite="strict")
        return response

    async def _sign_out(self, request: Request, session: Session, form: dict[str, str]) -> Response:
        response = forms.redirect("/desk/login?bye=1")
        response.delete_cookie(SESSION_COOKIE, path="/desk", httponly=True, samesite="strict")
        return response


def _cookie(
    response: Response, request: Request, name: str, value: str, seconds: int, path: str
) -> None:
    """An HttpOnly, SameSite=Strict cookie; Secure whenever the page came over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=seconds,
        path=path,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
