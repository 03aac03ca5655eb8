"""The desk's staff page in Chromium, on the real desk server: a member of staff's day."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import StaffAccount
from tests.browser.desk_page import WORDS, DeskPage
from tests.support.desk_server import ASSISTANT, STAFF, DeskServer

pytestmark = pytest.mark.slow


async def open_tickets(url: str) -> list[str]:
    """Three officials' tickets, as the assistant opens them: two on documents, one on signing."""
    asked = [
        ("qlvb", "Không mở được văn bản đến", "UBND xã Tân Phú"),
        ("kyso", "Ký số báo lỗi chứng thư hết hạn", "UBND xã Quảng Phú"),
        ("qlvb", "Không chuyển được văn bản cho lãnh đạo", "UBND phường Bắc Lý"),
    ]
    codes = []
    async with httpx.AsyncClient(base_url=url, timeout=10) as desk:
        for n, (software, summary, unit) in enumerate(asked):
            body = {
                "summary": summary,
                "content": f"Người dùng: {summary.lower()}",
                "unit": unit,
                "requester": {"channel": "web", "user_id": f"web-00000000000000{n:02d}"},
                "phone": "0912345678",
                "software": software,
            }
            headers = {"Authorization": f"Bearer {ASSISTANT}", "Idempotency-Key": f"browser-{n}"}
            response = await desk.post("/api/v1/tickets", json=body, headers=headers)
            assert response.status_code == 201, response.text
            codes.append(str(response.json()["code"]))
    return codes


async def suggested_and_last_note(url: str, code: str) -> tuple[dict[str, str], dict[str, str]]:
    """The ticket's likeliest suggested article, as the assistant's API lists it, and its last
    note, as the desk keeps it."""
    async with httpx.AsyncClient(base_url=url, timeout=10) as desk:
        listed = await desk.get(
            f"/api/v1/tickets/{code}/suggestions", headers={"Authorization": f"Bearer {ASSISTANT}"}
        )
        ticket = await desk.get(
            f"/api/v1/tickets/{code}", headers={"Authorization": f"Bearer {STAFF}"}
        )
    assert listed.status_code == 200 and ticket.status_code == 200, (listed.text, ticket.text)
    return listed.json()["suggestions"][0], ticket.json()["notes"][-1]


async def status_of(url: str, code: str) -> str:
    """The ticket's status as the desk keeps it."""
    headers = {"Authorization": f"Bearer {STAFF}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10) as desk:
        response = await desk.get(f"/api/v1/tickets/{code}")
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


async def test_staff_sign_in_filter_open_a_ticket_send_a_suggestion_change_status_sign_out(
    page: Page, desk_server: DeskServer, staff: StaffAccount
) -> None:
    _, signing, _ = await open_tickets(desk_server.url)
    desk = DeskPage(page, desk_server.url)

    await desk.sign_in(staff.login, staff.password)
    await expect(desk.rows).to_have_count(3)
    await expect(page.get_by_text(staff.name)).to_be_visible()

    await desk.filter(software=WORDS.say("software.kyso"))
    await expect(desk.rows).to_have_count(1)
    await expect(desk.rows).to_contain_text("Ký số báo lỗi chứng thư hết hạn")

    await desk.open_ticket(signing)
    await expect(desk.status_shown).to_have_text(WORDS.say("statuses.new"))
    await desk.send_suggestion(1)
    suggested, note = await suggested_and_last_note(desk_server.url, signing)
    assert suggested["article"].startswith("kyso.")
    assert (note["author"], note["text"]) == (staff.name, suggested["text"])
    await desk.set_status(WORDS.say("statuses.in_progress"))
    await expect(desk.status_shown).to_have_text(WORDS.say("statuses.in_progress"))
    assert await status_of(desk_server.url, signing) == "in_progress"

    await desk.sign_out()
    await desk.go_to_ticket(signing)
    await desk.expect_sign_in_asked(then=f"/desk/tickets/{signing}")
    await expect(page.get_by_text("Ký số báo lỗi chứng thư hết hạn")).to_have_count(0)


async def test_a_wrong_password_is_refused_in_vietnamese(
    page: Page, desk_server: DeskServer, staff: StaffAccount
) -> None:
    desk = DeskPage(page, desk_server.url)

    await page.goto(f"{desk_server.url}/desk")
    await page.get_by_label(WORDS.say("login.login_label")).fill(staff.login)
    await page.get_by_label(WORDS.say("login.password_label")).fill("không phải mật khẩu")
    await page.get_by_role("button", name=WORDS.say("login.submit")).click()

    await expect(page.locator("main .error")).to_have_text(WORDS.say("errors.sign_in_wrong"))
    await expect(desk.heading).to_have_text(WORDS.say("login.heading"))
