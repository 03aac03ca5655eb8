"""Supervisors and admins write the reply templates on their page; staff accounts may not."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.desk.accounts import Account, AccountRepository
from bot.desk.reply_templates import TemplateRepository
from tests.desk.browsing import csrf_of, open_ticket, sign_in

MANAGER, MANAGER_PASSWORD, MANAGER_NAME = "lan.le", "mật khẩu của Lan 2026", "Lê Thị Lan"
PAGE = "/desk/reply-templates"


@pytest.fixture
def supervisor(accounts: AccountRepository) -> Account:
    return accounts.add(MANAGER, MANAGER_NAME, "supervisor", MANAGER_PASSWORD)


async def test_a_supervisor_adds_changes_and_deletes_a_template(
    browser: httpx.AsyncClient, engine: Engine, supervisor: Account
) -> None:
    templates = TemplateRepository(engine)
    await sign_in(browser, MANAGER, MANAGER_PASSWORD)
    page = await browser.get(PAGE)
    assert page.status_code == 200 and "Thêm mẫu mới" in page.text
    fields = {
        "csrf": csrf_of(page),
        "title": " Đã nhận ",
        "text": "Chào {ten}, đã nhận {ma_phieu}.",
    }
    added = await browser.post(PAGE, data=fields)
    assert added.headers["location"] == f"{PAGE}?done=added"
    (saved,) = templates.all()
    assert (saved.title, saved.text, saved.author) == (
        "Đã nhận",
        "Chào {ten}, đã nhận {ma_phieu}.",
        MANAGER_NAME,
    )
    shown = await browser.get(added.headers["location"])
    assert "Đã thêm mẫu trả lời." in shown.text and f'id="mau-{saved.id}"' in shown.text

    fields = {"csrf": csrf_of(shown), "title": "Đã xong", "text": "Phiếu {ma_phieu} đã xong."}
    changed = await browser.post(f"{PAGE}/{saved.id}", data=fields)
    assert changed.headers["location"] == f"{PAGE}?done=saved"
    assert [(t.title, t.text) for t in templates.all()] == [
        ("Đã xong", "Phiếu {ma_phieu} đã xong.")
    ]

    deleted = await browser.post(f"{PAGE}/{saved.id}/delete", data={"csrf": csrf_of(shown)})
    assert deleted.headers["location"] == f"{PAGE}?done=deleted"
    assert templates.all() == []


async def test_a_template_with_an_unknown_placeholder_is_refused_in_vietnamese_and_kept_typed(
    browser: httpx.AsyncClient, engine: Engine, supervisor: Account
) -> None:
    await sign_in(browser, MANAGER, MANAGER_PASSWORD)
    page = await browser.get(PAGE)
    fields = {"csrf": csrf_of(page), "title": "Chào", "text": "Chào {tne}."}
    refused = await browser.post(PAGE, data=fields)
    assert refused.status_code == 400
    assert "Mẫu có chỗ điền chưa được hỗ trợ: {tne}" in refused.text
    assert "Chào {tne}." in refused.text  # what was typed, to correct
    empty = await browser.post(PAGE, data={"csrf": csrf_of(page), "title": "", "text": "x"})
    assert empty.status_code == 400 and "Anh/chị vui lòng nhập tên mẫu." in empty.text
    assert TemplateRepository(engine).all() == []


async def test_a_staff_account_sees_templates_on_tickets_but_may_not_write_them(
    browser: httpx.AsyncClient, engine: Engine, account: Account
) -> None:
    templates = TemplateRepository(engine)
    saved = templates.add("Chào", "Chào {ten}.", "Lan")
    await sign_in(browser)
    assert (await browser.get(PAGE)).status_code == 403
    csrf = csrf_of(await browser.get("/desk"))
    fields = {"csrf": csrf, "title": "Mới", "text": "Mới."}
    for path in (PAGE, f"{PAGE}/{saved.id}", f"{PAGE}/{saved.id}/delete"):
        refused = await browser.post(path, data=fields)
        assert refused.status_code == 403
    assert [(t.title, t.text) for t in templates.all()] == [("Chào", "Chào {ten}.")]


async def test_someone_not_signed_in_is_sent_to_sign_in_and_changes_nothing(
    browser: httpx.AsyncClient, engine: Engine
) -> None:
    saved = TemplateRepository(engine).add("Chào", "Chào {ten}.", "Lan")
    assert (await browser.get(PAGE)).headers["location"].startswith("/desk/login")
    refused = await browser.post(f"{PAGE}/{saved.id}/delete", data={"csrf": "x" * 64})
    assert refused.headers["location"].startswith("/desk/login")
    assert len(TemplateRepository(engine).all()) == 1


async def test_a_missing_template_gets_the_404_page(
    browser: httpx.AsyncClient, supervisor: Account
) -> None:
    await sign_in(browser, MANAGER, MANAGER_PASSWORD)
    csrf = csrf_of(await browser.get(PAGE))
    for path in (f"{PAGE}/77", f"{PAGE}/77/delete", f"{PAGE}/abc"):
        response = await browser.post(path, data={"csrf": csrf, "title": "A", "text": "B"})
        assert response.status_code == 404


async def test_the_ticket_page_links_the_templates_page_for_supervisors_only(
    browser: httpx.AsyncClient, account: Account, supervisor: Account
) -> None:
    code = await open_ticket(browser)
    await sign_in(browser)
    assert f'href="{PAGE}"' not in (await browser.get(f"/desk/tickets/{code}")).text
    browser.cookies.clear()
    await sign_in(browser, MANAGER, MANAGER_PASSWORD)
    page = await browser.get(f"/desk/tickets/{code}")
    assert f'<a href="{PAGE}">Quản lý mẫu trả lời</a>' in page.text
