"""The review queue on the desk's page: what a trainer sees and does, and who is refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from starlette.routing import Route

from bot.desk import passwords
from bot.desk.accounts import AccountRepository
from bot.desk.app import create_app
from bot.desk.database import make_engine
from bot.desk.session import SignIn
from bot.desk.settings import DeskSettings
from bot.kb import publishing
from bot.kb.loader import load
from bot.review.pages import ReviewPages
from bot.review.service import ReviewService
from tests.desk.browsing import csrf_of, sign_in
from tests.review.conftest import DISLIKED, RECORDING
from tests.support.databases import migrated_sqlite

TRAINER, STAFF, PASSWORD = "ha.pham", "binh.tran", "mật khẩu đủ dài 2026"
GROUP = re.compile(
    r'<tr data-group="([0-9a-f]{64})">\s*<td><a href="/desk/hang-cho/\1">([^<]+)</a>'
)


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """scrypt at a tiny cost: the same code, a sign-in per test in no time."""
    monkeypatch.setattr(passwords, "COST", passwords.Cost(n=16, r=8, p=1))


@pytest.fixture
async def browser(tmp_path: Path, service: ReviewService) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on the real desk app with the queue's pages; a trainer and a staff account."""
    url = migrated_sqlite(tmp_path / "desk.db", "desk")
    engine = make_engine(url)
    accounts = AccountRepository(engine)
    accounts.add(TRAINER, "Phạm Thu Hà", "trainer", PASSWORD)
    accounts.add(STAFF, "Trần Thị Bình", "staff", PASSWORD)
    settings = DeskSettings(
        database_url=url,
        tokens=SecretStr("assistant:" + "a" * 40),
        session_secret=SecretStr("s" * 40),
    )

    def pages(access: SignIn) -> list[Route]:
        return ReviewPages(access, service).routes()

    transport = httpx.ASGITransport(app=create_app(settings, engine, more_pages=pages))
    async with httpx.AsyncClient(transport=transport, base_url="http://desk.test") as client:
        yield client
    engine.dispose()


async def groups(browser: httpx.AsyncClient) -> dict[str, str]:
    """The queue's groups as the list shows them: representative -> key."""
    page = await browser.get("/desk/hang-cho")
    assert page.status_code == 200, page.text
    return {text: key for key, text in GROUP.findall(page.text)}


async def recording_page(browser: httpx.AsyncClient) -> tuple[str, httpx.Response]:
    key = next(k for text, k in (await groups(browser)).items() if text in RECORDING)
    page = await browser.get(f"/desk/hang-cho/{key}")
    assert page.status_code == 200
    return key, page


async def test_a_trainer_sees_each_group_with_its_count_examples_and_suggestion(
    browser: httpx.AsyncClient,
) -> None:
    await sign_in(browser, TRAINER, PASSWORD)
    page = await browser.get("/desk/hang-cho")
    assert "Còn 2 nhóm câu hỏi cần xem." in page.text
    assert DISLIKED in {text for _, text in GROUP.findall(page.text)}
    _, group = await recording_page(browser)
    assert '<dd id="review-count">3</dd>' in group.text
    for phrasing in (RECORDING[0], RECORDING[2]):
        assert f"<li>{phrasing}</li>" in group.text
    for form in ("form-attach", "form-new", "form-dismiss"):
        assert f'id="{form}"' in group.text
    assert re.search(r'<option value="hntt\.[a-z_]+" selected>', group.text)


async def test_only_a_trainer_finds_the_queue_linked_from_every_page(
    browser: httpx.AsyncClient,
) -> None:
    link = '<a href="/desk/hang-cho">Hàng chờ câu hỏi</a>'
    await sign_in(browser, TRAINER, PASSWORD)
    tickets = await browser.get("/desk")
    assert link in tickets.text
    await browser.post("/desk/logout", data={"csrf": csrf_of(tickets)})
    await sign_in(browser, STAFF, PASSWORD)
    assert link not in (await browser.get("/desk")).text


async def test_a_trainers_click_attaches_the_group_and_publishes_a_version(
    browser: httpx.AsyncClient, state: Path
) -> None:
    await sign_in(browser, TRAINER, PASSWORD)
    key, page = await recording_page(browser)
    fields = {"csrf": csrf_of(page), "article": "hntt.tham_gia"}
    done = await browser.post(f"/desk/hang-cho/{key}/them", data=fields)
    assert done.status_code == 303
    assert done.headers["location"] == "/desk/hang-cho?done=attached&version=2"
    after = await browser.get(done.headers["location"])
    assert "xuất bản phiên bản 2" in after.text
    assert "Phạm Thu Hà thêm nhóm" in after.text
    assert list(await groups(browser)) == [DISLIKED]
    article = load(publishing.live_dir(state, state)).articles["hntt.tham_gia"]
    assert RECORDING[0] in article.questions


async def test_a_new_article_is_made_from_the_form_and_its_problems_are_shown(
    browser: httpx.AsyncClient, state: Path
) -> None:
    await sign_in(browser, TRAINER, PASSWORD)
    key, page = await recording_page(browser)
    fields = {
        "csrf": csrf_of(page),
        "software": "hntt",
        "title": "Ghi âm cuộc họp trực tuyến",
        "steps": "Bấm «Ghi hình» trên thanh công cụ.",
        "questions": RECORDING[0],
    }
    refused = await browser.post(f"/desk/hang-cho/{key}/tao", data=fields)
    assert refused.status_code == 400
    assert "Câu hỏi:" in refused.text and 'value="Ghi âm cuộc họp trực tuyến"' in refused.text
    assert publishing.current_version(state) == 1
    questions = [
        RECORDING[0],
        RECORDING[2],
        "Làm sao ghi hình hội nghị truyền hình?",
        "Muốn lưu lại nội dung cuộc họp trực tuyến",
        "Cuộc họp trực tuyến có bản ghi không",
        "Tải bản ghi cuộc họp ở đâu",
        "ghi hinh cuoc hop online the nao",
        "Có cách nào thu âm buổi họp qua mạng không",
    ]
    made = await browser.post(
        f"/desk/hang-cho/{key}/tao", data={**fields, "questions": "\r\n".join(questions)}
    )
    assert made.headers["location"] == "/desk/hang-cho?done=new&version=2"
    assert "hntt.ghi_am_cuoc_hop_truc_tuyen" in load(state / "kb" / "current").articles


async def test_attaching_without_choosing_an_article_asks_for_one(
    browser: httpx.AsyncClient, state: Path
) -> None:
    await sign_in(browser, TRAINER, PASSWORD)
    key, page = await recording_page(browser)
    refused = await browser.post(f"/desk/hang-cho/{key}/them", data={"csrf": csrf_of(page)})
    assert refused.status_code == 400
    assert "Anh/chị vui lòng chọn bài cần thêm các câu hỏi vào." in refused.text
    assert publishing.current_version(state) == 1


async def test_dismissing_removes_the_group_and_publishes_nothing(
    browser: httpx.AsyncClient, state: Path
) -> None:
    await sign_in(browser, TRAINER, PASSWORD)
    key, page = await recording_page(browser)
    done = await browser.post(f"/desk/hang-cho/{key}/bo-qua", data={"csrf": csrf_of(page)})
    assert done.headers["location"] == "/desk/hang-cho?done=dismissed"
    assert "sẽ không hiện lại" in (await browser.get(done.headers["location"])).text
    assert list(await groups(browser)) == [DISLIKED]
    assert publishing.current_version(state) == 1


async def test_a_group_already_decided_or_unknown_is_not_found(browser: httpx.AsyncClient) -> None:
    await sign_in(browser, TRAINER, PASSWORD)
    key, page = await recording_page(browser)
    await browser.post(f"/desk/hang-cho/{key}/bo-qua", data={"csrf": csrf_of(page)})
    again = await browser.post(f"/desk/hang-cho/{key}/them", data={"csrf": csrf_of(page)})
    assert again.status_code == 404 and "không còn trong hàng chờ" in again.text
    assert (await browser.get("/desk/hang-cho/not-a-key")).status_code == 404


async def test_a_version_published_meanwhile_refuses_the_click(
    browser: httpx.AsyncClient, state: Path, root: Path
) -> None:
    await sign_in(browser, TRAINER, PASSWORD)
    key, page = await recording_page(browser)
    original = publishing.publish

    def meanwhile(*args: object, **kwargs: object) -> publishing.Version:
        original(state, root / "knowledge_base", author="khác", source="x")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(publishing, "publish", meanwhile)
        fields = {"csrf": csrf_of(page), "article": "hntt.tham_gia"}
        refused = await browser.post(f"/desk/hang-cho/{key}/them", data=fields)
    assert refused.status_code == 409 and "vừa được xuất bản phiên bản khác" in refused.text


async def test_a_staff_account_without_the_trainer_role_is_refused_everything(
    browser: httpx.AsyncClient, state: Path
) -> None:
    await sign_in(browser, TRAINER, PASSWORD)
    key, page = await recording_page(browser)
    await browser.post("/desk/logout", data={"csrf": csrf_of(page)})
    await sign_in(browser, STAFF, PASSWORD)
    csrf = csrf_of(await browser.get("/desk"))
    for path in ("/desk/hang-cho", f"/desk/hang-cho/{key}"):
        refused = await browser.get(path)
        assert refused.status_code == 403 and "vai trò trainer" in refused.text
    for action in ("them", "tao", "bo-qua"):
        fields = {"csrf": csrf, "article": "hntt.tham_gia"}
        assert (
            await browser.post(f"/desk/hang-cho/{key}/{action}", data=fields)
        ).status_code == 403
    assert publishing.current_version(state) == 1


async def test_without_a_session_or_its_token_nothing_is_shown_or_done(
    browser: httpx.AsyncClient, state: Path
) -> None:
    await sign_in(browser, TRAINER, PASSWORD)
    key, page = await recording_page(browser)
    forged = await browser.post(f"/desk/hang-cho/{key}/bo-qua", data={"csrf": "0" * 64})
    assert forged.status_code == 403
    browser.cookies.clear()
    shown = await browser.get(f"/desk/hang-cho/{key}")
    assert shown.status_code == 303
    assert shown.headers["location"] == f"/desk/login?next=%2Fdesk%2Fhang-cho%2F{key}"
    posted = await browser.post(f"/desk/hang-cho/{key}/them", data={"csrf": csrf_of(page)})
    assert posted.status_code == 303 and posted.headers["location"].startswith("/desk/login")
    assert list(await groups_after_sign_in(browser)) != [DISLIKED]
    assert publishing.current_version(state) == 1


async def groups_after_sign_in(browser: httpx.AsyncClient) -> dict[str, str]:
    await sign_in(browser, TRAINER, PASSWORD)
    return await groups(browser)
