"""`helpdesk report` over a month of real conversations, votes and tickets."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest

from bot.cli.main import main
from bot.kb.loader import KnowledgeBase
from bot.report.period import today
from bot.store.database import make_engine
from bot.store.feedback import FeedbackStore
from tests.report import scenario
from tests.report.conversations import save
from tests.report.desk import OFFICIAL, PHONE
from tests.report.page import Element, read
from tests.support.databases import migrated_sqlite
from tests.support.desk_server import ASSISTANT, DeskServer


@dataclass(frozen=True)
class Generated:
    """What one run of the command produced."""

    code: int
    html: str
    page: Element
    csv: bytes
    printed: str
    day: date


@pytest.fixture(scope="module")
def generated(
    root: Path, tmp_path_factory: pytest.TempPathFactory, desk_process: DeskServer
) -> Iterator[Generated]:
    """The scenario's databases and desk, and the report made from them through the CLI."""
    folder = tmp_path_factory.mktemp("report")
    day = today()
    tracker = f"sqlite:///{folder / 'rasa_tracker.db'}"
    save(tracker, root / "domain.yml", scenario.conversations(day))
    store = migrated_sqlite(folder / "helpdesk.db")
    engine = make_engine(store)
    scenario.record_votes(FeedbackStore(engine))
    engine.dispose()
    desk = desk_process
    desk.reset()
    scenario.open_tickets(desk.url, desk.database, day)
    out, sheet = folder / "report.html", folder / "export" / "unanswered.csv"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HELPDESK_DESK_URL", desk.url)
        patch.setenv("HELPDESK_DESK_TOKEN", ASSISTANT)
        for name in ("RASA_TRACKER_DB", "HELPDESK_DATABASE_URL"):
            patch.delenv(name, raising=False)
        printed = io.StringIO()
        patch.setattr("sys.stdout", printed)
        options = ["--tracker-db", tracker, "--database-url", store]
        options += ["--unanswered-csv", str(sheet)]
        code = main(["--root", str(root), "report", "--out", str(out), *options])
    html = out.read_text(encoding="utf-8")
    yield Generated(code, html, read(html), sheet.read_bytes(), printed.getvalue(), day)


def _figure(cell: Element) -> int:
    return int(cell.text.replace(".", ""))


def test_the_command_writes_both_files_and_says_where(generated: Generated) -> None:
    assert generated.code == 0
    assert "Đã lập báo cáo:" in generated.printed
    assert "Đã ghi 4 nhóm câu hỏi chưa trả lời" in generated.printed


def test_questions_are_counted_per_day_within_the_period(generated: Generated) -> None:
    page = generated.page
    assert page.one("p", id="total-questions").text == "Tổng số câu hỏi: 9"
    rows = page.one("section", id="questions").find("tr")
    per_day = {
        r.attributes["data-day"]: _figure(r.children[1]) for r in rows if "data-day" in r.attributes
    }
    assert len(per_day) == 30
    expected = {
        scenario.ago(generated.day, n).isoformat(): count for n, count in scenario.PER_DAY.items()
    }
    assert {d: n for d, n in per_day.items() if n} == expected


def test_questions_are_counted_per_software_of_the_article_answered(generated: Generated) -> None:
    rows = generated.page.one("section", id="questions").find("tr")
    per_software = {
        r.attributes["data-software"]: _figure(r.children[1])
        for r in rows
        if "data-software" in r.attributes
    }
    assert per_software == scenario.PER_SOFTWARE


def test_outcomes_are_counted_with_their_shares(generated: Generated) -> None:
    section = generated.page.one("section", id="outcomes")
    counts = {
        outcome: _figure(section.one("tr", data_outcome=outcome).children[1])
        for outcome in scenario.OUTCOMES
    }
    assert counts == scenario.OUTCOMES
    assert section.one("tr", data_outcome="fallen_back").children[2].text == "33,3%"
    assert (
        "Trong 2 câu được hỏi lại, 1 câu được trả lời sau khi cán bộ chọn chủ đề." in section.text
    )


def test_one_question_with_and_without_diacritics_is_one_group(generated: Generated) -> None:
    groups = generated.page.one("section", id="unanswered").find("article")
    by_title = {g.one("h3").text: g for g in groups}
    excel = by_title[scenario.EXCEL]
    assert excel.attributes["data-size"] == "3"  # typed twice, then escalated in other words
    assert [li.text for li in excel.find("li")] == [scenario.EXCEL_TICKET]
    # The bare phrasing is the same question to the knowledge base: it is not listed again.
    assert scenario.EXCEL_BARE not in generated.html
    assert by_title[scenario.PRINTER].attributes["data-size"] == "1"
    assert by_title[scenario.AVATAR].attributes["data-size"] == "1"
    assert len(groups) == 4


def test_votes_are_shown_per_article_with_its_title(
    generated: Generated, knowledge_base: KnowledgeBase
) -> None:
    section = generated.page.one("section", id="votes")
    password = section.one("tr", data_article="qlvb.quen_mat_khau")
    assert password.children[0].text == knowledge_base.articles["qlvb.quen_mat_khau"].title
    assert (password.children[2].text, password.children[3].text) == ("2", "1")
    assert password.children[4].text == "66,7%"
    signing = section.one("tr", data_article="kyso.ky_van_ban")
    assert (signing.children[1].text, signing.children[2].text, signing.children[3].text) == (
        "Chữ ký số",
        "0",
        "1",
    )
    gone = section.one("tr", data_article="cu.bai_da_xoa")
    assert gone.children[0].text == "Bài «cu.bai_da_xoa» không còn trong cơ sở tri thức"
    assert gone.children[1].text == "Chưa xác định"
    # The most "not helpful" first, then the most voted on.
    assert [r.attributes["data-article"] for r in section.find("tr") if r.attributes] == [
        "qlvb.quen_mat_khau",
        "kyso.ky_van_ban",
        "cu.bai_da_xoa",
    ]


def test_tickets_are_counted_by_software_and_status(generated: Generated) -> None:
    section = generated.page.one("section", id="tickets")
    assert "Tổng số phiếu mở trong khoảng thời gian này: 5" in section.text
    for software, counts in scenario.TICKET_COUNTS.items():
        row = section.one("tr", data_software=software)
        found = {
            c.attributes["data-status"]: _figure(c) for c in row.find("td") if _figure_or_none(c)
        }
        assert found == counts, software
    assert section.one("tr", data_software="qlvb").children[0].text == "Quản lý văn bản"


def _figure_or_none(cell: Element) -> int | None:
    return _figure(cell) if "data-status" in cell.attributes and cell.text != "0" else None


def test_the_median_resolve_time_counts_to_the_first_resolution(generated: Generated) -> None:
    median = generated.page.one("p", id="median-resolve")
    # 2 h, 6 h (then closed) and 27.5 h; the reopened ticket and the one before the period not.
    assert median.attributes["data-seconds"] == str(scenario.MEDIAN_SECONDS)
    assert median.text == (
        "Thời gian giải quyết trung vị: 6 giờ (tính trên 3 phiếu đã giải quyết hoặc đã đóng)"
    )


def test_the_csv_holds_one_row_per_group_for_the_trainers_sheet(generated: Generated) -> None:
    assert generated.csv.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(generated.csv.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["id", "software", "title", "questions", "intro", "steps", "note"]
    assert rows[1] == ["", "", "", f"{scenario.EXCEL}\n{scenario.EXCEL_TICKET}", "", "", ""]
    assert sorted(row[3] for row in rows[2:]) == sorted(
        [scenario.AVATAR, scenario.PRINTER, scenario.SCRIPT]
    )
    assert all(row[:3] == ["", "", ""] and row[4:] == ["", "", ""] for row in rows[1:])


def test_each_group_links_to_its_own_rows(generated: Generated) -> None:
    excel = next(
        g
        for g in generated.page.one("section", id="unanswered").find("article")
        if g.one("h3").text == scenario.EXCEL
    )
    link = excel.one("a")
    prefix = "data:text/csv;charset=utf-8,"
    assert link.attributes["href"].startswith(prefix)
    assert link.attributes["download"].endswith(".csv")
    content = unquote(link.attributes["href"][len(prefix) :])
    assert content.startswith("\ufeff")  # the same bytes as the file, mark included
    assert list(csv.reader(io.StringIO(content[1:], newline=""))) == [
        ["id", "software", "title", "questions", "intro", "steps", "note"],
        ["", "", "", f"{scenario.EXCEL}\n{scenario.EXCEL_TICKET}", "", "", ""],
    ]


def test_the_page_needs_nothing_from_outside(generated: Generated) -> None:
    html = generated.html
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"<(?:script|link|iframe|img|object|embed)\b", html, re.I)
    assert "<style>" in html
    charts = generated.page.find("svg")
    assert len(charts) == 3
    for chart in charts:
        assert chart.attributes["role"] == "img"
        assert chart.find("title") and chart.find("desc")


def test_what_officials_typed_is_shown_as_text(generated: Generated) -> None:
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; chữ ký số báo lỗi hết hạn" in (
        generated.html
    )
    titles = [g.one("h3").text for g in generated.page.find("article")]
    assert scenario.SCRIPT in titles


def test_no_phone_number_or_official_id_reaches_the_report(generated: Generated) -> None:
    everything = generated.html + generated.csv.decode("utf-8")
    for secret in (PHONE, OFFICIAL, *scenario.SENDERS):
        assert secret not in everything
