"""A ticket's page offers its likeliest articles and the saved templates, each sent in a click."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.engine import Engine

from bot.desk.accounts import Account
from bot.desk.reply_templates import TemplateRepository
from tests.desk.browsing import csrf_of, open_ticket, sign_in, stored
from tests.desk.conftest import ASSISTANT, NAME

SUGGESTED = re.compile(
    r'<form class="aid" id="goi-y-([0-9])"[^>]*>.*?<strong>[0-9]\. ([^<]+)</strong>', re.S
)


async def notes_of(browser: httpx.AsyncClient, code: str) -> list[dict[str, str]]:
    ticket = (await browser.get(f"/api/v1/tickets/{code}", headers=ASSISTANT)).json()
    return list(ticket["notes"])


async def test_a_ticket_shows_three_articles_and_the_first_is_sent_as_the_accounts_reply(
    browser: httpx.AsyncClient, account: Account
) -> None:
    code = await open_ticket(
        browser, summary="Quên mật khẩu phần mềm quản lý văn bản", content="Không đăng nhập được."
    )
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    offered = SUGGESTED.findall(page.text)
    assert [number for number, _ in offered] == ["1", "2", "3"]
    assert "Gửi bài này" in page.text
    first_title = offered[0][1]
    assert "mật khẩu" in first_title.lower()

    response = await browser.post(
        f"/desk/tickets/{code}/suggestions/1", data={"csrf": csrf_of(page)}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/desk/tickets/{code}?done=reply#y-kien"
    (note,) = await notes_of(browser, code)
    assert note["author"] == NAME
    assert note["text"].startswith(f"{first_title}\n\n")
    assert "1. " in note["text"]  # the article's numbered steps
    feed = (await browser.get("/api/v1/changes", headers=ASSISTANT)).json()["changes"]
    assert [c["kind"] for c in feed] == ["created", "reply"]


async def test_a_ticket_about_nothing_known_says_so_instead_of_suggesting(
    browser: httpx.AsyncClient, account: Account
) -> None:
    code = await open_ticket(browser, summary="zzzq xxyq", content="wwqv")
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    assert SUGGESTED.findall(page.text) == []
    assert "Chưa tìm thấy bài hướng dẫn nào" in page.text


async def test_a_template_is_shown_filled_and_sent_with_the_officials_name_and_code(
    browser: httpx.AsyncClient, engine: Engine, account: Account
) -> None:
    templates = TemplateRepository(engine)
    saved = templates.add(
        "Đã nhận", "Chào {ten}, phiếu {ma_phieu} đã được tiếp nhận. {8 giờ - 17 giờ}", "Bình"
    )
    code = await open_ticket(browser)
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    assert f'id="mau-{saved.id}"' in page.text and "Gửi mẫu này" in page.text
    assert f"Chào Nguyễn Văn A, phiếu {code} đã được tiếp nhận." in page.text

    response = await browser.post(
        f"/desk/tickets/{code}/reply-templates/{saved.id}", data={"csrf": csrf_of(page)}
    )
    assert response.status_code == 303
    (note,) = await notes_of(browser, code)
    assert note["text"] == f"Chào Nguyễn Văn A, phiếu {code} đã được tiếp nhận. {{8 giờ - 17 giờ}}"
    assert note["author"] == NAME


async def test_an_official_without_a_name_is_called_anh_chi(
    browser: httpx.AsyncClient, engine: Engine, account: Account
) -> None:
    saved = TemplateRepository(engine).add("Chào", "Chào {ten}.", "Bình")
    requester = {"channel": "web", "user_id": "web-0123456789abcdef"}
    code = await open_ticket(browser, requester=requester)
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    await browser.post(
        f"/desk/tickets/{code}/reply-templates/{saved.id}", data={"csrf": csrf_of(page)}
    )
    (note,) = await notes_of(browser, code)
    assert note["text"] == "Chào anh/chị."


async def test_a_template_deleted_meanwhile_sends_nothing_and_says_so(
    browser: httpx.AsyncClient, engine: Engine, account: Account
) -> None:
    templates = TemplateRepository(engine)
    saved = templates.add("Chào", "Chào {ten}.", "Bình")
    code = await open_ticket(browser)
    await sign_in(browser)
    page = await browser.get(f"/desk/tickets/{code}")
    templates.remove(saved.id)
    before = stored(engine)
    response = await browser.post(
        f"/desk/tickets/{code}/reply-templates/{saved.id}", data={"csrf": csrf_of(page)}
    )
    assert stored(engine) == before
    shown = await browser.get(response.headers["location"])
    assert "Mẫu trả lời vừa chọn không còn" in shown.text
    response = await browser.post(
        f"/desk/tickets/{code}/suggestions/9", data={"csrf": csrf_of(page)}
    )
    assert "done=suggestion_gone" in response.headers["location"]
    assert stored(engine) == before


async def test_someone_not_signed_in_or_without_the_csrf_token_sends_nothing(
    browser: httpx.AsyncClient, engine: Engine, account: Account
) -> None:
    saved = TemplateRepository(engine).add("Chào", "Chào {ten}.", "Bình")
    code = await open_ticket(browser)
    before = stored(engine)
    for path in ("suggestions/1", f"reply-templates/{saved.id}"):
        response = await browser.post(f"/desk/tickets/{code}/{path}", data={"csrf": "x" * 64})
        assert response.status_code == 303
        assert response.headers["location"].startswith("/desk/login")
    await sign_in(browser)
    for path in ("suggestions/1", f"reply-templates/{saved.id}"):
        response = await browser.post(f"/desk/tickets/{code}/{path}", data={"csrf": "x" * 64})
        assert response.status_code == 403
    assert stored(engine) == before


async def test_an_unknown_ticket_or_number_gets_the_404_page(
    browser: httpx.AsyncClient, account: Account
) -> None:
    await sign_in(browser)
    csrf = csrf_of(await browser.get("/desk"))
    for path in ("HT-000099/suggestions/1", "HT-000099/reply-templates/1", "HT-1/suggestions/x"):
        response = await browser.post(f"/desk/tickets/{path}", data={"csrf": csrf})
        assert response.status_code == 404
        assert "Không tìm thấy" in response.text
