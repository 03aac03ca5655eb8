import functools
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.desk.accounts import Account, AccountRepository
from bot.desk.app import create_app
from bot.desk.forms import REPLY_LIMIT
from bot.desk.models import STATUSES
from bot.desk.repository import TicketRepository
from bot.desk.schema import changes, notes
from bot.desk.settings import URGENCIES, DeskSettings
from bot.desk.validation import new_ticket
from bot.texts import texts
from tests.desk.browsing import csrf_of, open_ticket, sign_in, stored
from tests.desk.conftest import (
    ASSISTANT,
    ASSISTANT_TOKEN,
    LOGIN,
    NAME,
    PASSWORD,
    SESSION_SECRET,
    STAFF_TOKEN,
    ticket_body,
)
from tests.support.served import served_in_thread

SUMMARY = str(ticket_body()["summary"])
PHONE = "0912345678"
ROW = re.compile(r'<td class="nowrap"><a href="/desk/tickets/(HT-[0-9]{6})">')


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


async def test_overdue_open_tickets_come_first_the_longest_overdue_at_the_top(
    browser: httpx.AsyncClient, engine: Engine, settings: DeskSettings
) -> None:
    for day, summary in ((6, "Quá hạn lâu nhất"), (8, "Quá hạn"), (7, "Đã xong, cũng cũ")):
        opened_then = functools.partial(datetime, 2025, 1, day, 1, 5)
        old = TicketRepository(engine, settings.service_levels(), clock=opened_then)
        old.create(new_ticket(ticket_body(summary=summary)), f"escalation-old-{day}")
    TicketRepository(engine, settings.service_levels()).change_status("HT-000003", "closed", "B")
    await open_ticket(browser, 4, summary="Còn hạn, mới nhất")
    await sign_in(browser)
    page = (await browser.get("/desk")).text
    assert ROW.findall(page) == ["HT-000001", "HT-000002", "HT-000004", "HT-000003"]
    only_new = (await browser.get("/desk", params={"status": "new"})).text
    assert ROW.findall(only_new) == ["HT-000001", "HT-000002", "HT-000004"]


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


async def test_a_reply_posted_on_the_page_is_authored_by_the_account_and_reaches_the_feed(
    browser: httpx.AsyncClient, engine: Engine, account: Account
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
    assert written_by(engine) == {"notes": [account.id], "changes": [None, account.id]}


def written_by(engine: Engine) -> dict[str, list[int | None]]:
    """The account ids of the notes and of the changes, in order."""
    with engine.connect() as connection:
        return {
            "notes": list(connection.execute(select(notes.c.account_id)).scalars()),
            "changes": list(
                connection.execute(
                    select(changes.c.account_id).order_by(changes.c.position)
                ).scalars()
            ),
        }


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


async def test_a_status_change_on_the_page_is_made_by_the_account_and_reaches_the_feed(
    browser: httpx.AsyncClient, engine: Engine, account: Account
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
    assert written_by(engine) == {"notes": [], "changes": [None, account.id]}
    with engine.connect() as connection:
        assert connection.execute(select(changes.c.author)).scalars().all() == [None, NAME]


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
    if csrf == "another session's":  # of the same account, even
        await sign_in(browser)
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


async def test_markup_in_tickets_and_names_comes_out_inert(
    browser: httpx.AsyncClient, accounts: AccountRepository
) -> None:
    attack = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    code = await open_ticket(
        browser,
        summary=f"Lỗi {attack}",
        content=f"Nội dung {attack}",
        unit=f"Xã {attack}",
        requester={"channel": "web", "user_id": "u1", "name": attack},
        software=attack[:20],
    )
    accounts.add("ke.gian", 'Bình"><script>x()</script>', "staff", PASSWORD)
    await sign_in(browser, login="ke.gian")
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


async def test_logs_name_tickets_but_never_phones_tokens_names_or_passwords(
    browser: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code = await open_ticket(browser)
    await sign_in(browser, password="mật khẩu đoán sai")
    await sign_in(browser, login="khong.co")
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    fields = {"csrf": csrf_of(page), "text": f"Em gọi lại số {PHONE} nhé"}
    await browser.post(f"/desk/tickets/{code}/replies", data=fields)
    await browser.post(f"/desk/tickets/{code}/status", data={**fields, "status": "closed"})
    await browser.get("/desk", params={"q": PHONE})
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert code in logged
    for secret in (PHONE, STAFF_TOKEN, ASSISTANT_TOKEN, SESSION_SECRET, NAME, LOGIN, PASSWORD):
        assert secret not in logged
    assert "mật khẩu đoán sai" not in logged and "khong.co" not in logged
    assert "sign-in refused (wrong)" in logged


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
def served(settings: DeskSettings, engine: Engine, account: Account) -> Iterator[str]:
    """The desk app under uvicorn on a free port, in a thread; its URL."""
    with served_in_thread(create_app(settings, engine), lifespan="auto") as url:
        yield url


def test_a_staff_member_works_a_ticket_over_real_http_and_signing_out_ends_the_session(
    served: str,
) -> None:
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
            data={"csrf": csrf_of(form), "login": LOGIN, "password": PASSWORD, "next": ""},
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
        cookie = http.cookies["desk_session"]
        assert http.post("/desk/logout", data={"csrf": fields["csrf"]}).status_code == 303
        assert http.get(f"/desk/tickets/{code}").status_code == 303
        # A copy of the cookie kept from before opens nothing now: the session is gone.
        http.cookies.set("desk_session", cookie, path="/desk")
        again = http.get(f"/desk/tickets/{code}")
        assert again.status_code == 303 and PHONE not in again.text
