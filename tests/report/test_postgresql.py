"""The report on PostgreSQL, as in production: Rasa's tracker store and the assistant's store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.store.database import make_engine, migrate
from bot.store.feedback import FeedbackStore
from tests.report import scenario
from tests.report.conversations import save
from tests.report.page import read
from tests.support.databases import postgres_schema_url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL schema (CI must have the server; elsewhere the test may skip)."""
    yield from postgres_schema_url()


def test_the_report_reads_postgresql(
    root: Path, tmp_path: Path, postgres_url: str, day: date
) -> None:
    save(postgres_url, root / "domain.yml", scenario.conversations(day))
    migrate(postgres_url)  # the store's tables beside Rasa's `events`, as one database may hold
    engine = make_engine(postgres_url)
    scenario.record_votes(FeedbackStore(engine))
    engine.dispose()
    out = tmp_path / "report.html"
    options = ["--tracker-db", postgres_url, "--database-url", postgres_url]
    assert main(["--root", str(root), "report", "--out", str(out), *options]) == 0
    page = read(out.read_text(encoding="utf-8"))
    assert page.one("p", id="total-questions").text == "Tổng số câu hỏi: 9"
    counts = {o: page.one("tr", data_outcome=o).children[1].text for o in scenario.OUTCOMES}
    assert counts == {o: str(n) for o, n in scenario.OUTCOMES.items()}
    excel = [g for g in page.find("article") if g.one("h3").text == scenario.EXCEL]
    assert [g.attributes["data-size"] for g in excel] == ["3"]
    assert page.one("tr", data_article="qlvb.quen_mat_khau").children[2].text == "2"
