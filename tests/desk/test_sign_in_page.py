import re
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from bot.desk.accounts import Account, AccountRepository
from bot.desk.app import create_app
from bot.desk.csrf import Csrf
from bot.desk.repository import utc_now
from bot.desk.schema import sign_in_failures, staff_sessions
from bot.desk.session import LOGIN_COOKIE, SESSION_COOKIE
from bot.desk.settings import DeskSettings
from bot.desk.signing_in import PER_NAME, WINDOW
from bot.desk.staff_sessions import SessionStore
from bot.display import vietnam_time
from tests.desk.browsing import cookie_of, csrf_of, open_ticket, sign_in, stored
from tests.desk.conftest import LOGIN, NAME, PASSWORD, SESSION_SECRET, STAFF_TOKEN, ticket_body

SUMMARY = str(ticket_body()["summary"])
PHONE = "0912345678"
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"


async def test_the_page_asks_for_a_login_name_and_password_not_a_name(
    browser: httpx.AsyncClient,
) -> None:
    page = (await browser.get("/desk/login")).text
    assert 'name="login"' in page and 'name="password" type="password"' in page
    assert 'name="name"' not in page and 'name="token"' not in page
    assert "Tên đăng nhập" in page and "Mật khẩu" in page


async def test_the_right_password_signs_in_with_a_random_server_side_session(
    browser: httpx.AsyncClient, engine: Engine
) -> None:
    await open_ticket(browser)
    response = await sign_in(browser, login=" Binh.Tran ")
    assert response.status_code == 303
    assert response.headers["location"] == "/desk"
    cookie = cookie_of(response, SESSION_COOKIE)
    for flag in ("HttpOnly", "Path=/desk;", f"Max-Age={12 * 3600}", "SameSite=lax"):
        assert flag in cookie
    assert "Secure" not in cookie  # plain HTTP here; see the test of HTTPS below
    key = browser.cookies[SESSION_COOKIE]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", key)
    for secret in (PASSWORD, LOGIN, STAFF_TOKEN, SESSION_SECRET):
        assert secret not in cookie
    with engine.connect() as connection:
        assert key not in connection.execute(select(staff_sessions.c.key_hash)).scalar_one()
    page = await browser.get("/desk")
    assert page.status_code == 200
    assert NAME in page.text and SUMMARY in page.text


@pytest.mark.parametrize(
    ("login", "password"), [(LOGIN, PASSWORD + "x"), ("khong.co", PASSWORD), (LOGIN, "")]
)
async def test_a_wrong_password_or_unknown_name_is_refused_alike_and_shows_no_tickets(
    browser: httpx.AsyncClient, login: str, password: str
) -> None:
    await open_ticket(browser)
    response = await sign_in(browser, login=login, password=password)
    if password:
        assert response.status_code == 403
        assert WRONG in response.text
    else:
        assert response.status_code == 400
        assert "vui lòng nhập mật khẩu" in response.text
    assert f'value="{login}"' in response.text  # kept for the next try; the password is not
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert SUMMARY not in response.text and PHONE not in response.text
    assert not password or password not in response.text
    assert (await browser.get("/desk")).status_code == 303


async def test_a_missing_login_name_is_asked_for(browser: httpx.AsyncClient) -> None:
    response = await sign_in(browser, login="   ")
    assert response.status_code == 400
    assert "vui lòng nhập tên đăng nhập" in response.text


async def test_a_disabled_account_cannot_sign_in(
    browser: httpx.AsyncClient, accounts: AccountRepository
) -> None:
    accounts.disable(LOGIN)
    assert WRONG in (await sign_in(browser, password="đoán sai mất rồi")).text
    response = await sign_in(browser)
    assert response.status_code == 403
    assert "Tài khoản này đã bị khóa" in response.text
    assert (await browser.get("/desk")).status_code == 303


async def test_too_many_failures_lock_sign_in_with_a_time_then_it_ends(
    browser: httpx.AsyncClient, engine: Engine
) -> None:
    for _ in range(PER_NAME):
        assert (await sign_in(browser, password="đoán sai")).status_code == 403
    locked = await sign_in(browser)
    assert locked.status_code == 429
    assert "đăng nhập sai quá nhiều lần" in locked.text
    with engine.connect() as connection:
        first = connection.execute(select(sign_in_failures.c.at)).scalars().first()
    assert first is not None
    assert vietnam_time(first + WINDOW) in locked.text
    assert 14 * 60 < int(locked.headers["retry-after"]) <= 15 * 60
    assert "khoảng 15 phút nữa" in locked.text
    assert SESSION_COOKIE not in locked.headers.get("set-cookie", "")
    # Fifteen minutes on: the failures are older than the window.
    with engine.begin() as connection:
        connection.execute(update(sign_in_failures).values(at=sign_in_failures.c.at - WINDOW))
    assert (await sign_in(browser)).status_code == 303
    assert (await browser.get("/desk")).status_code == 200


async def test_a_sign_in_without_its_form_token_is_refused(browser: httpx.AsyncClient) -> None:
    await browser.get("/desk/login")
    fields = {"login": LOGIN, "password": PASSWORD, "csrf": "0" * 64}
    response = await browser.post("/desk/login", data=fields)
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    browser.cookies.clear()
    fields["csrf"] = csrf_of(await browser.get("/desk/login"))
    browser.cookies.clear()  # the form's cookie is gone: a post forged elsewhere has none
    assert (await browser.post("/desk/login", data=fields)).status_code == 403


async def test_sign_in_leads_back_to_the_ticket_asked_for_and_nowhere_else(
    browser: httpx.AsyncClient,
) -> None:
    code = await open_ticket(browser)
    asked = await browser.get(f"/desk/tickets/{code}")
    assert asked.status_code == 303
    assert asked.headers["location"] == f"/desk/login?next=%2Fdesk%2Ftickets%2F{code}"
    form = await browser.get(asked.headers["location"])
    assert f'name="next" value="/desk/tickets/{code}"' in form.text
    response = await sign_in(browser, next_page=f"/desk/tickets/{code}")
    assert response.headers["location"] == f"/desk/tickets/{code}"
    browser.cookies.clear()
    response = await sign_in(browser, next_page="https://evil.example/desk")
    assert response.headers["location"] == "/desk"


async def test_signing_out_ends_the_session_on_the_server(
    browser: httpx.AsyncClient, engine: Engine
) -> None:
    await sign_in(browser)
    key = browser.cookies[SESSION_COOKIE]
    page = await browser.get("/desk")
    response = await browser.post("/desk/logout", data={"csrf": csrf_of(page)})
    assert response.status_code == 303
    assert response.headers["location"] == "/desk/login?bye=1"
    assert "Max-Age=0" in cookie_of(response, SESSION_COOKIE)
    assert "đã đăng xuất" in (await browser.get("/desk/login?bye=1")).text
    assert SessionStore(engine).read(key) is None
    browser.cookies.set(SESSION_COOKIE, key, domain="desk.test", path="/desk")
    assert (await browser.get("/desk")).status_code == 303


@pytest.mark.parametrize(
    ("base_url", "setting", "secure"),
    [
        ("https://desk.test", "auto", True),
        ("http://desk.test", "auto", False),
        ("http://desk.test", "always", True),
        ("https://desk.test", "never", False),
    ],
)
async def test_the_cookie_is_secure_over_https_or_as_configured(
    settings: DeskSettings,
    engine: Engine,
    account: Account,
    base_url: str,
    setting: str,
    secure: bool,
) -> None:
    configured = settings.copy(update={"cookie_secure": setting})
    transport = httpx.ASGITransport(app=create_app(configured, engine))
    async with httpx.AsyncClient(transport=transport, base_url=base_url) as browser:
        form = await browser.get("/desk/login")
        login_cookie = cookie_of(form, LOGIN_COOKIE)
        assert ("; Secure" in login_cookie) is secure
        # Sent by hand, as a browser talking HTTPS to a proxy in front of the desk would.
        nonce = login_cookie.split(";")[0].split("=", 1)[1]
        fields = {"csrf": csrf_of(form), "login": LOGIN, "password": PASSWORD}
        cookie = {"Cookie": f"{LOGIN_COOKIE}={nonce}"}
        response = await browser.post("/desk/login", data=fields, headers=cookie)
    assert response.status_code == 303
    assert ("; Secure" in cookie_of(response, SESSION_COOKIE)) is secure


# Outsiders: every page and every form is refused, and nothing is stored.

Outsider = Callable[[httpx.AsyncClient, Engine, AccountRepository], Awaitable[None]]


async def _nobody(browser: httpx.AsyncClient, engine: Engine, accounts: AccountRepository) -> None:
    browser.cookies.clear()


async def _forged(browser: httpx.AsyncClient, engine: Engine, accounts: AccountRepository) -> None:
    browser.cookies.clear()
    browser.cookies.set(SESSION_COOKIE, "A" * 43, domain="desk.test", path="/desk")


async def _expired(browser: httpx.AsyncClient, engine: Engine, accounts: AccountRepository) -> None:
    with engine.begin() as connection:
        past = utc_now() - timedelta(seconds=1)
        connection.execute(update(staff_sessions).values(expires_at=past))


async def _revoked(browser: httpx.AsyncClient, engine: Engine, accounts: AccountRepository) -> None:
    assert SessionStore(engine).end_all(LOGIN) == 1


async def _disabled(
    browser: httpx.AsyncClient, engine: Engine, accounts: AccountRepository
) -> None:
    accounts.disable(LOGIN)


@pytest.mark.parametrize("outsider", [_nobody, _forged, _expired, _revoked, _disabled])
async def test_an_outsider_is_refused_every_page_and_form(
    browser: httpx.AsyncClient,
    engine: Engine,
    accounts: AccountRepository,
    outsider: Outsider,
) -> None:
    code = await open_ticket(browser)
    await sign_in(browser)
    key = browser.cookies[SESSION_COOKIE]
    csrf = Csrf(SESSION_SECRET).of_session(key)  # even the right token does not help
    await outsider(browser, engine, accounts)
    before = stored(engine)
    for path in ("/desk", "/desk/tickets", f"/desk/tickets/{code}", "/desk/tickets/HT-000404"):
        response = await browser.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/desk/login")
        assert SUMMARY not in response.text and PHONE not in response.text
    fields = {"csrf": csrf, "text": "Xin chào", "status": "closed"}
    for path in (f"/desk/tickets/{code}/replies", f"/desk/tickets/{code}/status", "/desk/logout"):
        response = await browser.post(path, data=fields)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/desk/login")
    assert stored(engine) == before
