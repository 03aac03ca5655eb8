"""The report's satisfaction section: ratings from the real desk, grouped; or why there are none."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.cli.main import main
from bot.escalation.ratings import Rating
from bot.report.satisfaction import scores
from bot.store.database import make_engine
from bot.store.feedback import FeedbackStore
from tests.report.desk import OFFICIAL, move, open_ticket
from tests.report.page import Element, read
from tests.support.desk_server import ASSISTANT, STAFF, DeskServer
from tests.support.served import served_in_thread


def satisfaction(root: Path, tmp_path: Path, tracker_url: str, store_url: str) -> Element:
    out = tmp_path / "report.html"
    options = ["--tracker-db", tracker_url, "--database-url", store_url]
    assert main(["--root", str(root), "report", "--out", str(out), *options]) == 0
    return read(out.read_text(encoding="utf-8")).one("section", id="satisfaction")


def resolved_and_rated(url: str, number: int, software: str, staff: str, score: int) -> str:
    code = open_ticket(url, software, number)
    finished = httpx.post(
        f"{url}/api/v1/tickets/{code}/status",
        json={"status": "resolved", "author": staff},
        headers={"Authorization": f"Bearer {STAFF}"},
    )
    assert finished.status_code == 200
    rated = httpx.post(
        f"{url}/api/v1/tickets/{code}/rating",
        json={"requester": {"channel": "telegram", "user_id": OFFICIAL}, "score": score},
        headers={"Authorization": f"Bearer {ASSISTANT}"},
    )
    assert rated.status_code == 200, rated.text
    return code


def rating(score: int, staff: str | None, article: str | None = None) -> Rating:
    return Rating("HT-000001", score, None, staff, "qlvb", article, datetime(2026, 12, 1))


def test_scores_are_grouped_lowest_average_first_leaving_out_ratings_without_a_key() -> None:
    found = [rating(5, "An"), rating(4, "An"), rating(2, "Bình"), rating(3, None)]
    grouped = scores(found, lambda r: r.staff)
    assert [(s.key, s.count, s.average, s.satisfied) for s in grouped] == [
        ("Bình", 1, 2.0, 0),
        ("An", 2, 4.5, 2),
    ]


def test_ratings_are_shown_per_software_and_staff_member(
    root: Path,
    tmp_path: Path,
    tracker_url: str,
    store_url: str,
    desk_server: DeskServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    resolved_and_rated(desk_server.url, 1, "qlvb", "Cán bộ An", 5)
    resolved_and_rated(desk_server.url, 2, "qlvb", "Cán bộ An", 3)
    resolved_and_rated(desk_server.url, 3, "kyso", "Cán bộ Bình", 1)
    unrated = open_ticket(desk_server.url, "kyso", 4)
    move(desk_server.url, unrated, ["resolved"])
    monkeypatch.setenv("HELPDESK_DESK_URL", desk_server.url)
    monkeypatch.setenv("HELPDESK_DESK_TOKEN", ASSISTANT)

    section = satisfaction(root, tmp_path, tracker_url, store_url)

    assert section.one("p", id="satisfaction-total").text == (
        "3 lượt đánh giá, trung bình 3,0/5 sao; 33,3% hài lòng (4 hoặc 5 sao)."
    )
    staff = [r for r in section.find("tr") if r.attributes.get("data-group") == "staff"]
    assert [[c.text for c in r.children] for r in staff] == [
        ["Cán bộ Bình", "1", "1,0", "0,0%"],
        ["Cán bộ An", "2", "4,0", "50,0%"],
    ]
    software = section.one("tr", data_group="software", data_key="kyso")
    assert software.children[0].text == "Chữ ký số"
    assert "Chưa có phiếu được đánh giá nào đến sau một câu trả lời" in section.text


def test_an_article_shows_its_ratings_beside_its_own_votes(
    root: Path,
    tmp_path: Path,
    tracker_url: str,
    store_url: str,
    desk_server: DeskServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = open_ticket(desk_server.url, "qlvb", 1)
    with_article = httpx.post(
        f"{desk_server.url}/api/v1/tickets",
        json={
            "summary": "Quên mật khẩu",
            "content": "Người dùng: quên mật khẩu",
            "unit": "UBND xã Quảng Phú",
            "requester": {"channel": "telegram", "user_id": OFFICIAL},
            "phone": "0912345678",
            "software": "qlvb",
            "article": "qlvb.quen_mat_khau",
        },
        headers={"Authorization": f"Bearer {ASSISTANT}", "Idempotency-Key": "report-article-1"},
    ).json()["code"]
    for each in (code, with_article):
        move(desk_server.url, each, ["resolved"])
        httpx.post(
            f"{desk_server.url}/api/v1/tickets/{each}/rating",
            json={"requester": {"channel": "telegram", "user_id": OFFICIAL}, "score": 2},
            headers={"Authorization": f"Bearer {ASSISTANT}"},
        )
    engine = make_engine(store_url)
    FeedbackStore(engine).record("tg-1", "qlvb.quen_mat_khau", False)
    engine.dispose()
    monkeypatch.setenv("HELPDESK_DESK_URL", desk_server.url)
    monkeypatch.setenv("HELPDESK_DESK_TOKEN", ASSISTANT)

    section = satisfaction(root, tmp_path, tracker_url, store_url)

    [row] = [r for r in section.find("tr") if r.attributes.get("data-group") == "article"]
    # The scenario's votes on the article (2 helpful, 1 not) and the one recorded here.
    assert [c.text for c in row.children[1:]] == ["1", "2,0", "0,0%", "2", "2"]


def test_no_desk_configured_says_so(
    root: Path, tmp_path: Path, tracker_url: str, store_url: str
) -> None:
    section = satisfaction(root, tmp_path, tracker_url, store_url)
    assert "chưa cấu hình kết nối" in section.one("p", class_="notice").text


def test_a_document_system_without_ratings_says_so(
    root: Path,
    tmp_path: Path,
    tracker_url: str,
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def nothing_here(request: object) -> JSONResponse:
        return JSONResponse({"error": "not found"}, status_code=404)

    province = Starlette(routes=[Route("/api/v1/ratings", nothing_here)])
    with served_in_thread(province) as url:
        monkeypatch.setenv("HELPDESK_DESK_URL", url)
        monkeypatch.setenv("HELPDESK_DESK_TOKEN", ASSISTANT)
        section = satisfaction(root, tmp_path, tracker_url, store_url)
    assert section.one("p", class_="notice").text == (
        "Hệ thống quản lý văn bản đang dùng chưa cung cấp đánh giá phiếu, nên báo cáo chưa có "
        "mục này."
    )
