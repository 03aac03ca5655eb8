"""`helpdesk announce`: who it would reach, the confirmation, and the delivery count."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.announce.audience import Audience
from bot.cli.main import main
from bot.store.database import make_engine
from tests.channels.telegram.fakes import TOKEN, FakeTelegram
from tests.channels.zalo.fake_zalo import served
from tests.support.databases import migrated_sqlite


@pytest.fixture
def telegram(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeTelegram]:
    """A served fake Bot API, the environment pointing at it, and three officials who wrote."""
    fake = FakeTelegram()
    url = migrated_sqlite(tmp_path / "helpdesk.db")
    audience = Audience(make_engine(url))
    for chat in (101, 102, 103):
        audience.touch("telegram", f"telegram-{chat}")
    audience.opt_out("telegram", "telegram-103")
    for name in ("ZALO_APP_ID", "TELEGRAM_TOKEN"):
        monkeypatch.delenv(f"HELPDESK_{name}", raising=False)
    monkeypatch.setenv("HELPDESK_DATABASE_URL", url)
    with served(fake) as base:
        monkeypatch.setenv("HELPDESK_TELEGRAM_TOKEN", TOKEN)
        monkeypatch.setenv("HELPDESK_TELEGRAM_BASE_URL", f"{base}/bot")
        yield fake


def test_it_reaches_everyone_not_opted_out_and_counts_deliveries(
    telegram: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["announce", "--yes", "Lớp tập huấn chữ ký số: 8h00 thứ Hai, phòng 201."])

    out = capsys.readouterr().out
    assert code == 0
    assert "2 cán bộ sẽ nhận, 1 cán bộ đã tắt thông báo" in out
    assert "đã gửi 2/2" in out
    assert sorted(int(p["chat_id"]) for p in telegram.of("sendMessage")) == [101, 102]
    assert telegram.texts(101)[0].startswith("Lớp tập huấn chữ ký số")


def test_declining_at_the_prompt_sends_nothing(
    telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt: "k")

    code = main(["announce", "Nhắc hạn thi cuối khóa."])

    assert code == 1
    assert "Đã hủy" in capsys.readouterr().out
    assert telegram.of("sendMessage") == []


def test_the_text_can_come_from_a_file(
    telegram: FakeTelegram, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = tmp_path / "thong-bao.txt"
    notice.write_text("Hạn nộp bài thi: 30/11.\nXem chi tiết trên cổng.", encoding="utf-8")

    assert main(["announce", "--yes", "--file", str(notice)]) == 0
    assert telegram.texts(102)[0].startswith("Hạn nộp bài thi: 30/11.\nXem chi tiết trên cổng.")


def test_an_empty_announcement_is_refused_before_anything_is_sent(
    telegram: FakeTelegram, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["announce", "--yes", "   "]) == 1
    assert "trống" in capsys.readouterr().err
    assert telegram.of("sendMessage") == []


def test_without_any_channel_configured_it_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("ZALO_APP_ID", "TELEGRAM_TOKEN"):
        monkeypatch.delenv(f"HELPDESK_{name}", raising=False)
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'helpdesk.db'}")

    assert main(["announce", "--yes", "Thông báo thử."]) == 1
    assert "Chưa có kênh nào" in capsys.readouterr().err
