"""The staff pages' HTML and forms: templates filled with escaped values, and what forms post.

Pages are string.Template files under templates/ holding words from pages.yml; every value is
HTML-escaped unless it is markup render() made itself. Posted forms are url-encoded bodies, read
up to a cap. A field that fails its check raises FieldError naming the message of pages.yml to
show; the final word on a reply or a status is the API's own validation, so the page and the
API can never disagree on what may be stored.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from string import Template
from urllib.parse import parse_qs, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from bot.bodies import BodyTooLarge, read_capped
from bot.desk import validation
from bot.desk.validation import InvalidInput
from bot.texts import texts

_HERE = Path(__file__).parent
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

# Room for a 4,000-character reply even if every character is sent as %XX%XX%XX.
MAX_FORM = 64 * 1024
MAX_FIELDS = 20
REPLY_LIMIT = 4000  # as the API allows for a reply's `text`
FORM_TYPE = "application/x-www-form-urlencoded"


class Html(str):
    """Markup render() made: placed as it is, where any other value is escaped."""


NOTHING = Html("")


@cache
def _template(name: str) -> Template:
    return Template((_HERE / "templates" / name).read_text(encoding="utf-8"))


def render(template: str, /, **values: object) -> Html:
    """A template filled with the values, each escaped unless it is Html already."""
    escaped = {k: v if isinstance(v, Html) else html.escape(str(v)) for k, v in values.items()}
    return Html(_template(template).substitute(escaped))


def document(title: str, content: Html, status_code: int = 200, user: str = "") -> HTMLResponse:
    """A whole page, with the headers every page carries; `user` is the signed-in bar."""
    site = texts("bot.desk", "pages.yml").say("common.site")
    body = render("layout.html", title=title, site=site, user=Html(user), content=content)
    return HTMLResponse(body, status_code=status_code, headers=HEADERS)


def problem_page(status_code: int, user: str = "") -> HTMLResponse:
    """The page shown for an HTTP error: what went wrong, in a sentence."""
    problems = texts("bot.desk", "pages.yml").section("problems")
    problem = problems.get(str(status_code), problems["400" if status_code < 500 else "500"])
    content = render("problem.html", back=problems["back"], **problem)
    return document(problem["title"], content, status_code, user)


def message(kind: str, text: str) -> Html:
    """A notice or an error shown above a page's content."""
    return render("message.html", kind=kind, text=text)


def options(chosen: str, labels: dict[str, str], everything: str | None = None) -> Html:
    """The options of a select, `chosen` selected; `everything` labels an empty first one."""
    choices = ([("", everything)] if everything is not None else []) + list(labels.items())
    if chosen and chosen not in labels:
        choices.append((chosen, chosen))
    return Html(
        "".join(
            render("option.html", value=v, label=lb, selected=" selected" if v == chosen else "")
            for v, lb in choices
        )
    )


def link(path: str, query: Mapping[str, object]) -> str:
    """A path with the query's non-empty values."""
    wanted = {name: value for name, value in query.items() if value}
    return f"{path}?{urlencode(wanted)}" if wanted else path


def redirect(location: str) -> RedirectResponse:
    """Post/Redirect/Get: a 303 to the page to show next."""
    return RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})


class FormUnreadable(Exception):
    """The body is not a form the pages could have sent: 400, 413 or 415."""

    def __init__(self, status_code: int) -> None:
        """Keep the HTTP status to answer with."""
        super().__init__(status_code)
        self.status_code = status_code


class FieldError(ValueError):
    """A field the form may not post; `key` names the message in pages.yml's `errors`."""

    def __init__(self, key: str, **values: object) -> None:
        """Name the message and the values it is filled with."""
        super().__init__(key)
        self.key = key
        self.values = values


async def read_form(request: Request) -> dict[str, str]:
    """The posted fields, the first value of each; raises FormUnreadable."""
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise FormUnreadable(415)
    try:
        body = await read_capped(request, MAX_FORM)
    except BodyTooLarge:
        raise FormUnreadable(413) from None
    try:
        parsed = parse_qs(
            body.decode("ascii"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except ValueError:  # not ASCII, bad UTF-8 behind the %XX, too many fields
        raise FormUnreadable(400) from None
    return {name: values[0] for name, values in parsed.items()}


def reply(author: str, value: str) -> str:
    """The text of a reply, its line breaks made \\n and its ends trimmed."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise FieldError("reply_missing")
    if len(text) > REPLY_LIMIT:
        raise FieldError("reply_too_long", length=len(text), limit=REPLY_LIMIT)
    try:
        validation.reply({"author": author, "text": text})
    except InvalidInput:
        raise FieldError("reply_invalid") from None
    return text


def status(author: str, value: str) -> str:
    """A status the form may set."""
    try:
        chosen, _author = validation.status_change({"status": value, "author": author})
    except InvalidInput:
        raise FieldError("status_invalid") from None
    return chosen
