import logging
import re
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.desk.app import create_app
from bot.desk.forms import REPLY_LIMIT
from bot.desk.models import STATUSES
from bot.desk.repository import TicketRepository
from bot.desk.schema import changes, notes, tickets
from bot.desk.session import SESSION_COOKIE, SESSION_SECONDS, Sessions
from bot.desk.settings import URGENCIES, DeskSettings
from bot.desk.validation import new_ticket
from bot.texts import texts
from tests.desk.conftest import (
    ASSISTANT,
    ASSISTANT_TOKEN,
    SESSION_SECRET,
    STAFF_TOKEN,
    ticket_body,
)
from tests.support.served import served_in_thread

NAME = "Trần Thị Bình"
SUMMARY = str(ticket_body()["summary"])
PHONE = "0912345678"
ROW = re.compile(r'<td class="nowrap"><a href="/desk/tickets/(HT-[0-9]{6})">')


@pytest.fixture
async def browser(settings: DeskSettings, engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on the desk app, over httpx's ASGI transport; it keeps cookies, follows nothing."""
    transport = httpx.ASGITransport(app=create_app(settings, engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://desk.test") as client:
        yield client


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert found, page.text
    return found.group(1)


async def sign_in(
    browser: httpx.AsyncClient, token: str = STAFF_TOKEN, name: str = NAME, next_page: str = ""
) -> httpx.Response:
    form = await browser.get("/desk/login")
    assert form.status_code == 200
    fields = {"csrf": csrf_of(form), "name": name, "token": token, "next": next_page}
    return await browser.post("/desk/login", data=fields)


async def open_ticket(browser: httpx.AsyncClient, n: int = 1, **changed: object) -> str:
    headers = {**ASSISTANT, "Idempotency-Key": f"escalation-{n:04d}"}
    response = await browser.post("/api/v1/tickets", json=ticket_body(**changed), headers=headers)
    assert response.status_code == 201
    return str(response.json()["code"])


def stored(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (tickets, notes, changes)
        }


def cookie_of(response: httpx.Response, name: str) -> str:
    (line,) = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{name}=")]
    return line


# Signing in


async def test_a_staff_token_signs_in_with_a_signed_session_cookie(
    browser: httpx.AsyncClient,
) -> None:
    await open_ticket(browser)
    response = await sign_in(browser)
    assert response.status_code == 303
    assert response.headers["location"] == "/desk"
    cookie = cookie_of(response, SESSION_COOKIE)
    for flag in ("HttpOnly", "Path=/desk;", f"Max-Age={SESSION_SECONDS}", "SameSite=strict"):
        assert flag in cookie
    assert "Secure" not in cookie  # plain HTTP here; set when the page comes over HTTPS
    assert STAFF_TOKEN not in cookie
    assert SESSION_SECRET not in cookie
    page = await browser.get("/desk")
    assert page.status_code == 200
    assert NAME in page.text
    assert SUMMARY in page.text


@pytest.mark.parametrize(
    ("token", "status_code", "said"),
    [
        (ASSISTANT_TOKEN, 403, "dành cho trợ lý ảo"),
        ("staff-token-guessed-0000", 403, "Mã truy cập không đúng"),
        ("", 400, "vui lòng nhập mã truy cập"),
    ],
)
async def test_an_assistant_unknown_or_missing_token_is_refused_and_shows_no_tickets(
    browser: httpx.AsyncClient, token: str, status_code: int, said: str
) -> None:
    await open_ticket(browser)
    response = await sign_in(browser, token=token)
    assert response.status_code == status_code
    assert said in response.text
    assert NAME in response.text  # the name typed is kept for the next try
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert SUMMARY not in response.text and PHONE not in response.text
    assert token == "" or token not in response.text
    assert (await browser.get("/desk")).status_code == 303


async def test_a_missing_name_is_refused(browser: httpx.AsyncClient) -> None:
    response = await sign_in(browser, name="   ")
    assert response.status_code == 400
    assert "vui lòng nhập họ và tên" in response.text
    assert (await browser.get("/desk")).status_code == 303


async def test_a_sign_in_without_its_form_token_is_refused(browser: httpx.AsyncClient) -> None:
    await browser.get("/desk/login")
    fields = {"name": NAME, "token": STAFF_TOKEN, "csrf": "0" * 64}
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


async def test_signing_out_ends_the_session(browser: httpx.AsyncClient) -> None:
    await sign_in(browser)
    page = await browser.get("/desk")
    response = await browser.post("/desk/logout", data={"csrf": csrf_of(page)})
    assert response.status_code == 303
    assert response.headers["location"] == "/desk/login?bye=1"
    assert "Max-Age=0" in cookie_of(response, SESSION_COOKIE)
    assert (await browser.get("/desk")).status_code == 303
    assert "đã đăng xuất" in (await browser.get("/desk/login?bye=1")).text


# Sessions


@pytest.mark.parametrize("path", ["/desk", "/desk/tickets", "/desk/tickets/HT-000001"])
async def test_without_a_session_pages_redirect_to_sign_in_without_ticket_data(
    browser: httpx.AsyncClient, path: str
) -> None:
    await open_ticket(browser)
    response = await browser.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/desk/login")
    assert SUMMARY not in response.text and PHONE not in response.text


@pytest.mark.parametrize("path", ["replies", "status"])
async def test_without_a_session_posts_redirect_and_store_nothing(
    browser: httpx.AsyncClient, engine: Engine, path: str
) -> None:
    await open_ticket(browser)
    before = stored(engine)
    fields = {"text": "Xin chào", "status": "closed"}
    response = await browser.post(f"/desk/tickets/HT-000001/{path}", data=fields)
    assert response.status_code == 303
    assert stored(engine) == before


async def test_a_tampered_cookie_is_refused(browser: httpx.AsyncClient) -> None:
    await open_ticket(browser)
    await sign_in(browser)
    cookie = browser.cookies[SESSION_COOKIE]
    name, expires, nonce, signature = cookie.split(".")
    forged = [
        f"{name}A.{expires}.{nonce}.{signature}",
        f"{name}.{int(expires) + 3600}.{nonce}.{signature}",
        f"{name}.{expires}.{nonce}.{signature[::-1]}",
        Sessions("another-secret-of-forty-characters-000000").issue(NAME),
    ]
    for value in forged:
        browser.cookies.set(SESSION_COOKIE, value, domain="desk.test", path="/desk")
        response = await browser.get("/desk")
        assert response.status_code == 303, value
        assert SUMMARY not in response.text


async def test_an_expired_cookie_is_refused(browser: httpx.AsyncClient) -> None:
    await open_ticket(browser)
    past = Sessions(SESSION_SECRET, clock=lambda: time.time() - SESSION_SECONDS - 1)
    browser.cookies.set(SESSION_COOKIE, past.issue(NAME), domain="desk.test", path="/desk")
    assert (await browser.get("/desk")).status_code == 303
    recent = Sessions(SESSION_SECRET, clock=lambda: time.time() - SESSION_SECONDS + 60)
    browser.cookies.set(SESSION_COOKIE, recent.issue(NAME), domain="desk.test", path="/desk")
    assert (await browser.get("/desk")).status_code == 200


# The list


async def test_the_list_filters_searches_and_counts(browser: httpx.AsyncClient) -> None:
    await open_ticket(browser, 1, unit="Xã A", summary="Quên mật khẩu")
    await open_ticket(browser, 2, unit="Xã B", software="hoc")
    await open_ticket(browser, 3, unit="Xã A", content="Chữ ký số HẾT HẠN")
    await sign_in(browser)
    page = await browser.get("/desk/tickets/HT-000001")
    fields = {"csrf": csrf_of(page), "status": "resolved"}
    await browser.post("/desk/tickets/HT-000001/status", data=fields)

    async def codes(**query: str) -> list[str]:
        response = await browser.get("/desk", params=query)
        assert response.status_code == 200
        return ROW.findall(response.text)

    assert await codes() == ["HT-000001", "HT-000003", "HT-000002"]
    assert await codes(status="resolved") == ["HT-000001"]
    assert await codes(unit="Xã A", status="new") == ["HT-000003"]
    assert await codes(software="hoc") == ["HT-000002"]
    assert await codes(q="hết hạn") == ["HT-000003"]
    assert await codes(q="QUÊN") == ["HT-000001"]
    assert await codes(q="HT-000002") == ["HT-000002"]
    assert await codes(q="không có đâu") == []
    counted = (await browser.get("/desk", params={"unit": "Xã A"})).text
    assert "Tất cả (2)" in counted and "Mới (1)" in counted and "Đã giải quyết (1)" in counted
    assert "Đang xử lý (0)" in counted
    assert "Không có yêu cầu nào" in (await browser.get("/desk", params={"q": "zzz"})).text


async def test_the_list_pages_newest_change_first(
    browser: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.desk.pages.PAGE_SIZE", 2)
    for n in range(1, 6):
        await open_ticket(browser, n)
    await sign_in(browser)
    first = await browser.get("/desk")
    assert ROW.findall(first.text) == ["HT-000005", "HT-000004"]
    assert "Trang 1/3" in first.text
    assert 'href="/desk?page=2"' in first.text
    assert ROW.findall((await browser.get("/desk?page=2")).text) == ["HT-000003", "HT-000002"]
    last = await browser.get("/desk?page=3")
    assert ROW.findall(last.text) == ["HT-000001"]
    assert "Trang sau" not in last.text and "Trang trước" in last.text
    assert ROW.findall((await browser.get("/desk?page=9")).text) == []
    assert ROW.findall((await browser.get("/desk?page=x")).text) == ["HT-000005", "HT-000004"]


async def test_a_bad_filter_is_explained_not_a_failure(browser: httpx.AsyncClient) -> None:
    await open_ticket(browser)
    await sign_in(browser)
    response = await browser.get("/desk", params={"status": "open"})
    assert response.status_code == 400
    assert "Điều kiện lọc không hợp lệ" in response.text
    assert ROW.findall(response.text) == ["HT-000001"]


async def test_overdue_open_tickets_are_marked(
    browser: httpx.AsyncClient, engine: Engine, settings: DeskSettings
) -> None:
    long_ago = TicketRepository(
        engine, settings.service_levels(), clock=lambda: datetime(2025, 1, 6, 1, 5)
    )
    long_ago.create(new_ticket(ticket_body(summary="Đã quá hạn")), "escalation-0001")
    long_ago.create(new_ticket(ticket_body(summary="Đã xong")), "escalation-0002")
    long_ago.change_status("HT-000002", "resolved", "B")
    await open_ticket(browser, 3, summary="Còn hạn")
    await sign_in(browser)
    page = (await browser.get("/desk")).text
    overdue = re.findall(
        r'<tr class="overdue">\s*<td class="nowrap"><a href="/desk/tickets/(HT-\d+)', page
    )
    assert overdue == ["HT-000001"]
    assert page.count("Quá hạn") == 1
    assert "08:05 07/01/2025" in page  # the deadline, 24 hours on, in Vietnam time
    assert "Quá hạn" in (await browser.get("/desk/tickets/HT-000001")).text
    assert "Quá hạn" not in (await browser.get("/desk/tickets/HT-000002")).text


# One ticket


async def test_a_ticket_shows_every_field_in_vietnamese(browser: httpx.AsyncClient) -> None:
    content = "Dòng một\nDòng hai"
    code = await open_ticket(browser, urgency="urgent", content=content)
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    assert page.status_code == 200
    body = ticket_body()
    for shown in (SUMMARY, content, body["unit"], "Nguyễn Văn A", "trang trò chuyện", PHONE):
        assert str(shown) in page.text
    for label in ("Trích yếu", "Nội dung", "Đơn vị", "Số điện thoại", "Quản lý văn bản", "Khẩn"):
        assert label in page.text
    assert "Mới" in page.text and "Chưa có ý kiến xử lý nào" in page.text


async def test_a_reply_posted_on_the_page_reaches_the_api_and_the_change_feed(
    browser: httpx.AsyncClient,
) -> None:
    code = await open_ticket(browser)
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    text = "Dạ, anh thử đăng nhập lại giúp em.\r\nNếu vẫn lỗi, em sẽ gọi lại."
    response = await browser.post(
        f"/desk/tickets/{code}/replies", data={"csrf": csrf_of(page), "text": text}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/desk/tickets/{code}?done=reply#y-kien"
    shown = await browser.get(response.headers["location"])
    assert "Đã gửi ý kiến xử lý" in shown.text
    assert NAME in shown.text and "Nếu vẫn lỗi" in shown.text
    ticket = (await browser.get(f"/api/v1/tickets/{code}", headers=ASSISTANT)).json()
    (note,) = ticket["notes"]
    assert (note["author"], note["text"]) == (NAME, text.replace("\r\n", "\n"))
    feed = (await browser.get("/api/v1/changes", headers=ASSISTANT)).json()["changes"]
    assert [c["kind"] for c in feed] == ["created", "reply"]
    assert feed[-1]["note"] == note


async def test_notes_show_oldest_first_with_author_and_vietnam_time(
    browser: httpx.AsyncClient, engine: Engine, settings: DeskSettings
) -> None:
    times = iter([datetime(2026, 11, 22, 7, 5), datetime(2026, 11, 22, 7, 30)])
    earlier = TicketRepository(engine, settings.service_levels(), clock=lambda: next(times))
    code = await open_ticket(browser)
    earlier.add_reply(code, "Cán bộ A", "Ý kiến thứ nhất")
    earlier.add_reply(code, "Cán bộ B", "Ý kiến thứ hai")
    await sign_in(browser)
    page = (await browser.get(f"/desk/tickets/{code}")).text
    assert page.index("Ý kiến thứ nhất") < page.index("Ý kiến thứ hai")
    assert "Cán bộ A</strong> · 14:05 22/11/2026" in page
    assert "Cán bộ B</strong> · 14:30 22/11/2026" in page


async def test_a_status_change_on_the_page_reaches_the_api_and_the_change_feed(
    browser: httpx.AsyncClient,
) -> None:
    code = await open_ticket(browser)
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    response = await browser.post(
        f"/desk/tickets/{code}/status", data={"csrf": csrf_of(page), "status": "waiting_official"}
    )
    assert response.status_code == 303
    shown = await browser.get(response.headers["location"])
    assert "Đã cập nhật trạng thái" in shown.text
    assert '<option value="waiting_official" selected>Chờ cán bộ phản hồi</option>' in shown.text
    ticket = (await browser.get(f"/api/v1/tickets/{code}", headers=ASSISTANT)).json()
    assert ticket["status"] == "waiting_official"
    feed = (await browser.get("/api/v1/changes", headers=ASSISTANT)).json()["changes"]
    assert [(c["kind"], c.get("status")) for c in feed] == [
        ("created", "new"),
        ("status", "waiting_official"),
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "vui lòng nhập nội dung ý kiến xử lý"),
        ("  \r\n \t ", "vui lòng nhập nội dung ý kiến xử lý"),
        ("x" * (REPLY_LIMIT + 1), f"vượt quá giới hạn {REPLY_LIMIT} ký tự"),
        ("Có ký tự \x00 lạ", "ký tự không hợp lệ"),
    ],
)
async def test_an_empty_or_overlong_reply_is_refused_in_vietnamese_and_not_stored(
    browser: httpx.AsyncClient, engine: Engine, text: str, said: str
) -> None:
    code = await open_ticket(browser)
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    before = stored(engine)
    response = await browser.post(
        f"/desk/tickets/{code}/replies", data={"csrf": csrf_of(page), "text": text}
    )
    assert response.status_code == 400
    assert said in response.text
    assert 'class="error"' in response.text
    assert text.strip() in response.text  # kept in the box, to shorten or fix
    assert stored(engine) == before


async def test_a_reply_at_the_limit_is_stored(browser: httpx.AsyncClient, engine: Engine) -> None:
    code = await open_ticket(browser)
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    fields = {"csrf": csrf_of(page), "text": "ệ" * REPLY_LIMIT}
    response = await browser.post(f"/desk/tickets/{code}/replies", data=fields)
    assert response.status_code == 303
    assert stored(engine)["notes"] == 1


async def test_an_unknown_status_is_refused(browser: httpx.AsyncClient, engine: Engine) -> None:
    code = await open_ticket(browser)
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    before = stored(engine)
    fields = {"csrf": csrf_of(page), "status": "done"}
    response = await browser.post(f"/desk/tickets/{code}/status", data=fields)
    assert response.status_code == 400
    assert "chọn một trạng thái trong danh sách" in response.text
    assert stored(engine) == before


@pytest.mark.parametrize("path", ["replies", "status"])
@pytest.mark.parametrize("csrf", [None, "", "0" * 64, "another session's"])
async def test_a_post_without_its_csrf_token_gets_403_and_stores_nothing(
    browser: httpx.AsyncClient, engine: Engine, settings: DeskSettings, path: str, csrf: str | None
) -> None:
    code = await open_ticket(browser)
    if csrf == "another session's":
        await sign_in(browser, name="Người khác")
        csrf = csrf_of(await browser.get(f"/desk/tickets/{code}"))
        browser.cookies.clear()
    await sign_in(browser)
    before = stored(engine)
    fields = {"text": "Xin chào", "status": "closed"}
    if csrf is not None:
        fields["csrf"] = csrf
    response = await browser.post(f"/desk/tickets/{code}/{path}", data=fields)
    assert response.status_code == 403
    assert "chưa có gì được lưu" in response.text
    assert stored(engine) == before


async def test_sign_out_without_its_csrf_token_is_refused(browser: httpx.AsyncClient) -> None:
    await sign_in(browser)
    assert (await browser.post("/desk/logout", data={"csrf": "0" * 64})).status_code == 403
    assert (await browser.get("/desk")).status_code == 200


async def test_markup_in_tickets_and_names_comes_out_inert(browser: httpx.AsyncClient) -> None:
    attack = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    code = await open_ticket(
        browser,
        summary=f"Lỗi {attack}",
        content=f"Nội dung {attack}",
        unit=f"Xã {attack}",
        requester={"channel": "web", "user_id": "u1", "name": attack},
        software=attack[:20],
    )
    await sign_in(browser, name='Bình"><script>x()</script>')
    page = await browser.get(f"/desk/tickets/{code}")
    fields = {"csrf": csrf_of(page), "text": f"Trả lời {attack}"}
    await browser.post(f"/desk/tickets/{code}/replies", data=fields)
    for shown in (await browser.get(f"/desk/tickets/{code}"), await browser.get("/desk")):
        assert shown.status_code == 200
        assert "<script" not in shown.text and "<img" not in shown.text
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in shown.text


@pytest.mark.parametrize("code", ["HT-000404", "not-a-code"])
async def test_an_unknown_code_gets_a_404_page_in_vietnamese(
    browser: httpx.AsyncClient, engine: Engine, code: str
) -> None:
    await open_ticket(browser)
    await sign_in(browser)
    response = await browser.get(f"/desk/tickets/{code}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy" in response.text
    csrf = csrf_of(await browser.get("/desk"))
    before = stored(engine)
    for path in ("replies", "status"):
        fields = {"csrf": csrf, "text": "Xin chào", "status": "closed"}
        posted = await browser.post(f"/desk/tickets/{code}/{path}", data=fields)
        assert posted.status_code == 404
        assert "Không tìm thấy" in posted.text
    assert stored(engine) == before


async def test_unknown_pages_and_methods_answer_in_html(browser: httpx.AsyncClient) -> None:
    missing = await browser.get("/desk/nothing")
    assert missing.status_code == 404
    assert "Không tìm thấy" in missing.text
    wrong = await browser.delete("/desk")
    assert wrong.status_code == 405
    assert set(wrong.headers["allow"].split(", ")) == {"GET", "HEAD"}
    api = await browser.get("/api/v1/nothing", headers=ASSISTANT)
    assert api.json()["error"]


# Forms and headers


async def test_a_huge_or_foreign_form_is_refused_and_stores_nothing(
    browser: httpx.AsyncClient, engine: Engine
) -> None:
    code = await open_ticket(browser)
    await sign_in(browser)
    csrf = csrf_of(await browser.get(f"/desk/tickets/{code}"))
    before = stored(engine)
    path = f"/desk/tickets/{code}/replies"
    huge = await browser.post(path, data={"csrf": csrf, "text": "x" * 100_000})
    assert huge.status_code == 413
    as_json = await browser.post(path, json={"csrf": csrf, "text": "Xin chào"})
    assert as_json.status_code == 415
    not_utf8 = await browser.post(
        path,
        content=f"csrf={csrf}&text=%FF%FE".encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert not_utf8.status_code == 400
    assert stored(engine) == before


async def test_pages_forbid_framing_scripts_and_caching(browser: httpx.AsyncClient) -> None:
    code = await open_ticket(browser)
    login = await browser.get("/desk/login")
    await sign_in(browser)
    for page in (login, await browser.get("/desk"), await browser.get(f"/desk/tickets/{code}")):
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["cache-control"] == "no-store"
        policy = page.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "script-src" not in policy
        assert "<script" not in page.text


async def test_logs_name_tickets_but_never_phones_tokens_or_names(
    browser: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code = await open_ticket(browser)
    await sign_in(browser, token=ASSISTANT_TOKEN)
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    fields = {"csrf": csrf_of(page), "text": f"Em gọi lại số {PHONE} nhé"}
    await browser.post(f"/desk/tickets/{code}/replies", data=fields)
    await browser.post(f"/desk/tickets/{code}/status", data={**fields, "status": "closed"})
    await browser.get("/desk", params={"q": PHONE})
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert code in logged
    for secret in (PHONE, STAFF_TOKEN, ASSISTANT_TOKEN, SESSION_SECRET, NAME):
        assert secret not in logged


def test_every_status_urgency_and_software_has_a_vietnamese_name(root: Path) -> None:
    words = texts("bot.desk", "pages.yml")
    assert list(words.labels("statuses")) == list(STATUSES)
    assert words.say("statuses.waiting_official") == "Chờ cán bộ phản hồi"
    assert set(words.labels("urgencies")) == set(URGENCIES)
    software = yaml.safe_load((root / "knowledge_base" / "software.yml").read_text("utf-8"))
    assert set(words.labels("software")) == set(software)
    assert all(words.say(f"problems.{code}.text") for code in (400, 403, 404, 413, 500))


# Over real HTTP


@pytest.fixture
def served(settings: DeskSettings, engine: Engine) -> Iterator[str]:
    """The desk app under uvicorn on a free port, in a thread; its URL."""
    with served_in_thread(create_app(settings, engine), lifespan="auto") as url:
        yield url


def test_a_staff_member_works_a_ticket_over_real_http(served: str) -> None:
    with httpx.Client(base_url=served, timeout=10) as http:
        created = http.post(
            "/api/v1/tickets",
            json=ticket_body(),
            headers={**ASSISTANT, "Idempotency-Key": "escalation-0001"},
        )
        code = created.json()["code"]
        assert http.get(f"/desk/tickets/{code}").status_code == 303
        form = http.get("/desk/login")
        signed_in = http.post(
            "/desk/login",
            data={"csrf": csrf_of(form), "name": NAME, "token": STAFF_TOKEN, "next": ""},
        )
        assert signed_in.status_code == 303
        page = http.get(f"/desk/tickets/{code}")
        assert page.status_code == 200 and PHONE in page.text
        fields = {"csrf": csrf_of(page), "text": "Dạ, em đã xử lý xong."}
        assert http.post(f"/desk/tickets/{code}/replies", data=fields).status_code == 303
        fields["status"] = "resolved"
        assert http.post(f"/desk/tickets/{code}/status", data=fields).status_code == 303
        feed = http.get("/api/v1/changes", headers=ASSISTANT).json()["changes"]
        assert [c["kind"] for c in feed] == ["created", "reply", "status"]
        assert feed[1]["note"]["author"] == NAME
        shown = http.get(f"/desk/tickets/{code}")
        assert "Đã giải quyết" in shown.text and "Dạ, em đã xử lý xong." in shown.text
        assert http.post("/desk/logout", data={"csrf": fields["csrf"]}).status_code == 303
        assert http.get(f"/desk/tickets/{code}").status_code == 303
